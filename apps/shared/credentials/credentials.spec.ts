import { generateKeyPair, exportJWK, SignJWT } from 'jose';
import { buildAchievementCredential, learnerSubjectId } from './achievement-credential';
import { signCredential } from './sign-credential';
import { keySetFromJwks, loadKeySet, publicJwks, type KeySet } from './signing-keys';
import { verifyCredentialJws, verifyCredentialToken } from './verify-credential';

async function privateJwk(alg: 'ES256' | 'EdDSA') {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return exportJWK(privateKey);
}

const input = {
  certificateId: '7a1c7a43-5b7a-4cf5-9f0c-3b9a8f0b6d11',
  publicUrl: 'https://certs.example.org',
  issuerName: 'Example University',
  course: { id: 'course-v1:Ex+CS1+2026', title: 'Computing 1', passingGrade: 0.65 },
  learner: { id: 'ada', name: 'Ada Lovelace' },
  issuedAt: new Date('2026-11-20T10:00:00.123Z'),
};

describe('credentials', () => {
  let keys: KeySet;
  beforeAll(async () => {
    keys = await keySetFromJwks(await privateJwk('ES256'));
  });

  it('builds an Open Badges 3.0 credential in the VC 2.0 model', () => {
    const credential = buildAchievementCredential(input);
    expect(credential['@context'][0]).toBe('https://www.w3.org/ns/credentials/v2');
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(credential.validFrom).toBe('2026-11-20T10:00:00Z');
    expect(credential.credentialSubject.achievement.criteria.narrative).toContain('65%');
    expect(credential.credentialSubject.id).toBe(learnerSubjectId(input.publicUrl, 'ada'));
    expect(credential.credentialSubject.id).not.toContain('ada');
  });

  it('signs with a kid that is the key URL on our origin, and JWT claims mirror the credential', async () => {
    const jws = await signCredential(buildAchievementCredential(input), keys.active);
    const result = await verifyCredentialJws(jws, keys);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.kid).toBe(keys.active.kid);
    expect(JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString()).kid).toBe(`https://certs.example.org/keys/${keys.active.kid}`);
    expect(result.credential.iss).toBe('https://certs.example.org/issuer');
    expect(result.credential.jti).toBe(`urn:uuid:${input.certificateId}`);
    expect(result.credential.sub).toBe(result.credential.credentialSubject.id);
    expect(result.credential.nbf).toBe(Date.parse('2026-11-20T10:00:00Z') / 1000);
  });

  it('writes the same header and payload bytes as jose, and an EdDSA token byte for byte; jose verifies both algorithms', async () => {
    const expiring: ReturnType<typeof buildAchievementCredential> & { validUntil?: string } = { ...buildAchievementCredential(input), validUntil: '2027-01-01T00:00:00Z' };
    for (const alg of ['ES256', 'EdDSA'] as const) {
      const set = await keySetFromJwks(await privateJwk(alg));
      for (const credential of [{ ...buildAchievementCredential(input), validUntil: undefined }, expiring]) {
        const ours = await signCredential(credential, set.active, { format: 'vc-jose-cose' });
        const jose = new SignJWT({ ...credential })
          .setProtectedHeader({ alg, kid: `https://certs.example.org/keys/${set.active.kid}`, typ: 'vc+jwt' })
          .setIssuer(credential.issuer.id)
          .setJti(credential.id)
          .setSubject(credential.credentialSubject.id)
          .setNotBefore(Math.floor(Date.parse(credential.validFrom) / 1000));
        if (credential.validUntil) jose.setExpirationTime(Math.floor(Date.parse(credential.validUntil) / 1000));
        const theirs = await jose.sign(set.active.privateKey);
        const signedPart = (token: string) => token.split('.').slice(0, 2).join('.');
        expect(signedPart(ours)).toBe(signedPart(theirs));
        // EdDSA signatures are deterministic; ES256 ones are not.
        if (alg === 'EdDSA') expect(ours).toBe(theirs);
        expect((await verifyCredentialJws(ours, set)).ok).toBe(true);
      }
    }
  });

  it('declares the OB extensions context and a jti term, so JSON-LD keeps every member of the payload', () => {
    expect(buildAchievementCredential(input)['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
      { jti: { '@id': 'https://www.iana.org/assignments/jwt#jti', '@type': '@id' } },
    ]);
  });

  it('still verifies credentials issued before the extensions and jti contexts were declared', async () => {
    const credential = { ...buildAchievementCredential(input), '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'] };
    for (const format of ['ob-vc-jwt', 'vc-jose-cose'] as const) {
      expect(await verifyCredentialJws(await signCredential(credential, keys.active, { format }), keys)).toMatchObject({ ok: true });
    }
  });

  it('refuses a tampered payload, a foreign key, and alg none', async () => {
    const jws = await signCredential(buildAchievementCredential(input), keys.active);
    const [header, payload, signature] = jws.split('.');
    const forged = Buffer.from(payload, 'base64url').toString().replace('Ada Lovelace', 'Eve Forger');
    const tampered = `${header}.${Buffer.from(forged).toString('base64url')}.${signature}`;
    expect(await verifyCredentialJws(tampered, keys)).toEqual({ ok: false, reason: 'the signature does not match the content' });

    const stranger = await keySetFromJwks(await privateJwk('ES256'));
    const foreign = await signCredential(buildAchievementCredential(input), stranger.active);
    expect(await verifyCredentialJws(foreign, keys)).toEqual({ ok: false, reason: expect.stringContaining('is not one of our published keys') });

    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: keys.active.kid })).toString('base64url')}.${payload}.`;
    expect(await verifyCredentialJws(none, keys)).toEqual({ ok: false, reason: expect.stringContaining('algorithm none is not accepted') });

    const hs = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256', kid: keys.active.kid }).sign(new TextEncoder().encode('k'));
    expect((await verifyCredentialJws(hs, keys)).ok).toBe(false);
    expect(await verifyCredentialJws('not a token', keys)).toEqual({ ok: false, reason: 'not a compact JWS (three base64url parts)' });
  });

  it('trusts only the issuer it is told to: a credential naming another issuer is refused whatever key signed it', async () => {
    const attacker = await keySetFromJwks(await privateJwk('ES256'));
    const forged = await signCredential(buildAchievementCredential({ ...input, publicUrl: 'https://evil.example' }), attacker.active);
    const ours = await verifyCredentialToken(forged, { keys, publicUrl: input.publicUrl });
    expect([ours.verdict, ours.failed]).toEqual(['invalid', 'key']);
    // Even holding the attacker's key (a key set mixed up by mistake) named by its bare thumbprint, the issuer named is not the trusted one.
    const credential = buildAchievementCredential({ ...input, publicUrl: 'https://evil.example' });
    const bareKid = await new SignJWT({ ...credential })
      .setProtectedHeader({ alg: 'ES256', kid: attacker.active.kid })
      .setIssuer(credential.issuer.id)
      .setJti(credential.id)
      .setSubject(credential.credentialSubject.id)
      .setNotBefore(Date.parse(credential.validFrom) / 1000)
      .sign(attacker.active.privateKey);
    const mixed = await verifyCredentialToken(bareKid, { keys: attacker, publicUrl: input.publicUrl });
    expect(mixed.verdict).toBe('invalid');
    expect(mixed.checks.find((c) => !c.ok)?.detail).toContain('https://evil.example/issuer is not us');
  });

  it('answers superseded, without looking at revocation, when the record says a newer credential replaced this one', async () => {
    const jws = await signCredential(buildAchievementCredential(input), keys.active);
    const revocation = jest.fn();
    const result = await verifyCredentialToken(jws, {
      keys,
      publicUrl: input.publicUrl,
      record: async () => ({ ok: false, superseded: true, detail: 'a newer credential replaces this one' }),
      revocation,
    });
    expect(result).toMatchObject({ verdict: 'superseded', failed: 'record' });
    expect(result.checks.at(-1)).toEqual({ name: 'record', ok: false, detail: 'a newer credential replaces this one' });
    expect(revocation).not.toHaveBeenCalled();
  });

  it('keeps verifying credentials of a rotated-out key, and publishes only public parts', async () => {
    const oldJwk = await privateJwk('ES256');
    const old = await keySetFromJwks(oldJwk);
    const issuedBefore = await signCredential(buildAchievementCredential(input), old.active);
    const rotated = await keySetFromJwks({ keys: [await privateJwk('EdDSA'), oldJwk] });
    expect(rotated.active.alg).toBe('EdDSA');
    expect((await verifyCredentialJws(issuedBefore, rotated)).ok).toBe(true);
    const issuedAfter = await signCredential(buildAchievementCredential(input), rotated.active);
    expect((await verifyCredentialJws(issuedAfter, rotated)).ok).toBe(true);
    const published = JSON.stringify(publicJwks(rotated));
    expect(published).not.toContain('"d"');
    expect(publicJwks(rotated).keys).toHaveLength(2);
  });

  it('reads a PEM private key, and never repeats key material in its errors', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    for (const [type, alg] of [['ec', 'ES256'], ['ed25519', 'EdDSA']] as const) {
      const { privateKey } = generateKeyPairSync(type as 'ec', { namedCurve: 'P-256' });
      const file = join(dir, `${type}.pem`);
      writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }));
      expect((await loadKeySet({ keyFile: file })).active.alg).toBe(alg);
    }
    const secret = '{"kty":"EC","crv":"P-256","d":"c2VjcmV0LXNlY3JldA"';
    await expect(loadKeySet({ keyJwk: secret, keyFile: '' })).rejects.toThrow(/neither JSON/);
    await expect(loadKeySet({ keyJwk: secret, keyFile: '' })).rejects.not.toThrow(/c2VjcmV0/);
    await expect(loadKeySet({ keyJwk: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', keyFile: '' })).rejects.toThrow('not a PKCS#8');
  });

  it('refuses a key set whose signing key is public only', async () => {
    const { d: _d, ...publicOnly } = await privateJwk('ES256');
    await expect(keySetFromJwks(publicOnly)).rejects.toThrow('must be a private key');
  });
});
