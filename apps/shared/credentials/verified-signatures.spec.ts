import { exportJWK, generateKeyPair } from 'jose';
import { buildAchievementCredential } from './achievement-credential';
import { signCredential } from './sign-credential';
import { keySetFromJwks, type KeySet } from './signing-keys';
import { VerifiedSignatures } from './verified-signatures';
import { verifyCredentialToken } from './verify-credential';

const publicUrl = 'https://certs.example.org';
const input = (certificateId: string) => ({
  certificateId,
  publicUrl,
  issuerName: 'Example University',
  course: { id: 'course-v1:Ex+CS1+2026', title: 'Computing 1', passingGrade: 0.65 },
  learner: { id: 'ada', name: 'Ada Lovelace' },
  issuedAt: new Date('2026-11-20T10:00:00.123Z'),
});

describe('verified signatures', () => {
  let keys: KeySet;
  let older: KeySet;
  let rotated: KeySet;
  const tokens: string[] = [];
  let olderToken: string;
  let activeJwk: Awaited<ReturnType<typeof exportJWK>>;

  beforeAll(async () => {
    const jwk = async () => exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const [active, previous] = [await jwk(), await jwk()];
    activeJwk = active;
    keys = await keySetFromJwks(active);
    older = await keySetFromJwks(previous);
    // The active key signs; the previous one still verifies what it signed.
    rotated = await keySetFromJwks({ keys: [active, previous] });
    for (const id of ['7a1c7a43-5b7a-4cf5-9f0c-3b9a8f0b6d11', '7a1c7a43-5b7a-4cf5-9f0c-3b9a8f0b6d12', '7a1c7a43-5b7a-4cf5-9f0c-3b9a8f0b6d13']) {
      tokens.push(await signCredential(buildAchievementCredential(input(id)), keys.active));
    }
    olderToken = await signCredential(buildAchievementCredential(input('7a1c7a43-5b7a-4cf5-9f0c-3b9a8f0b6d14')), older.active);
  });

  it('answers exactly as a fresh verification does, and the second time from what the first established', async () => {
    const cache = new VerifiedSignatures();
    const fresh = await verifyCredentialToken(tokens[0], { keys, publicUrl });
    const first = await verifyCredentialToken(tokens[0], { keys, publicUrl, verifiedSignatures: cache });
    const second = await verifyCredentialToken(`  ${tokens[0]}\n`, { keys, publicUrl, verifiedSignatures: cache });
    expect(JSON.stringify(first)).toBe(JSON.stringify(fresh));
    expect(JSON.stringify(second)).toBe(JSON.stringify(fresh));
    expect(second.verdict).toBe('valid');
    expect(cache.size).toBe(1);
    // The very payload the first verification decoded, shared read-only.
    expect(second.credential).toBe(first.credential);
    expect(Object.isFrozen(second.credential!.credentialSubject)).toBe(true);
  });

  it('keeps no failure: other bytes are verified afresh and refused', async () => {
    const cache = new VerifiedSignatures();
    await verifyCredentialToken(tokens[0], { keys, publicUrl, verifiedSignatures: cache });
    const [h, p, s] = tokens[0].split('.');
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BA' : 'AA'}`;
    const tampered = await verifyCredentialToken(flipped, { keys, publicUrl, verifiedSignatures: cache });
    expect(tampered).toMatchObject({ verdict: 'invalid', failed: 'signature' });
    expect(cache.size).toBe(1);
  });

  it('counts a result only while its kid names the very key that verified it', async () => {
    const cache = new VerifiedSignatures();
    const first = await verifyCredentialToken(tokens[0], { keys, publicUrl, verifiedSignatures: cache });
    // The same kid now names another key object (the key set was loaded again): verified afresh.
    const reloaded = await keySetFromJwks(activeJwk);
    const again = await verifyCredentialToken(tokens[0], { keys: reloaded, publicUrl, verifiedSignatures: cache });
    expect(again.verdict).toBe('valid');
    expect(again.credential).not.toBe(first.credential);
    expect(cache.size).toBe(1);
  });

  it('a key removed from the key set takes its results with it', async () => {
    const cache = new VerifiedSignatures();
    expect((await verifyCredentialToken(olderToken, { keys: rotated, publicUrl, verifiedSignatures: cache })).verdict).toBe('valid');
    expect((await verifyCredentialToken(tokens[0], { keys: rotated, publicUrl, verifiedSignatures: cache })).verdict).toBe('valid');
    expect(cache.size).toBe(2);
    // The previous key is no longer published: its credential is refused, not served from the cache.
    const published = { byKid: new Map([...rotated.byKid].filter(([kid]) => kid !== older.active.kid)) };
    const refused = await verifyCredentialToken(olderToken, { keys: published, publicUrl, verifiedSignatures: cache });
    expect(refused).toMatchObject({ verdict: 'invalid', failed: 'key' });
    cache.retainKeys(published.byKid);
    expect(cache.size).toBe(1);
    expect((await verifyCredentialToken(tokens[0], { keys: published, publicUrl, verifiedSignatures: cache })).verdict).toBe('valid');
    cache.forgetKey(keys.active.kid);
    expect(cache.size).toBe(0);
  });

  it('is bounded: the least recently used result goes first', async () => {
    const cache = new VerifiedSignatures(2);
    const verify = (token: string) => verifyCredentialToken(token, { keys, publicUrl, verifiedSignatures: cache });
    const a = await verify(tokens[0]);
    const b = await verify(tokens[1]);
    expect((await verify(tokens[0])).credential).toBe(a.credential);
    await verify(tokens[2]);
    expect(cache.size).toBe(2);
    expect((await verify(tokens[0])).credential).toBe(a.credential);
    expect((await verify(tokens[1])).credential).not.toBe(b.credential);
  });
});
