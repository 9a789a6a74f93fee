import { gzipSync } from 'node:zlib';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { signCredential } from './sign-credential';
import { keySetFromJwks, type KeySet } from './signing-keys';
import {
  bitAt,
  buildStatusListCredential,
  decodeStatusList,
  encodeStatusList,
  readStatusListCredential,
  STATUS_LIST_SIZE,
  statusListUrl,
  statusPosition,
} from './status-list';

describe('Bitstring Status List', () => {
  it('gives every certificate its own position, scattered over the list', () => {
    const seen = new Set<number>();
    for (let n = 0; n < STATUS_LIST_SIZE; n++) {
      const { list, index } = statusPosition(n);
      expect(list).toBe(1);
      seen.add(index);
    }
    expect(seen.size).toBe(STATUS_LIST_SIZE);
    expect(statusPosition(STATUS_LIST_SIZE)).toMatchObject({ list: 2 });
    const first = [0, 1, 2, 3].map((n) => statusPosition(n).index);
    expect(Math.abs(first[1] - first[0])).toBeGreaterThan(1000);
  });

  it('encodes bit 0 as the most significant bit of the first byte, gzipped, multibase u', () => {
    const encoded = encodeStatusList([0, 9, STATUS_LIST_SIZE - 1]);
    expect(encoded.startsWith('u')).toBe(true);
    const bytes = decodeStatusList(encoded);
    expect(bytes.length).toBe(STATUS_LIST_SIZE / 8);
    expect(bytes[0]).toBe(0x80);
    expect(bytes[1]).toBe(0x40);
    expect(bitAt(bytes, 9)).toBe(true);
    expect(bitAt(bytes, 10)).toBe(false);
    expect(bitAt(bytes, STATUS_LIST_SIZE - 1)).toBe(true);
    // An empty list of 16 KB compresses to a few dozen bytes.
    expect(encodeStatusList([]).length).toBeLessThan(100);
  });
});

describe('status list credentials as a verifier reads them', () => {
  const publicUrl = 'https://certs.example.org';
  const validFrom = new Date('2026-11-20T10:00:00Z');
  const validUntil = new Date('2026-11-20T10:00:30Z');
  let keys: KeySet;
  let attacker: KeySet;
  const newKeys = async () => keySetFromJwks(await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey));
  const signed = (overrides: Record<string, unknown> = {}, key = keys) =>
    signCredential({ ...buildStatusListCredential({ publicUrl, issuerName: 'Example', list: 1, encodedList: encodeStatusList([42]), validFrom, validUntil }), ...overrides }, key.active);
  const read = async (jws: string, at = '2026-11-20T10:00:10Z', trusted = publicUrl) => readStatusListCredential(jws, { keys, publicUrl: trusted, url: statusListUrl(trusted, 1), now: new Date(at) });

  beforeAll(async () => {
    keys = await newKeys();
    attacker = await newKeys();
  });

  it('carries validUntil (and exp) so a stale copy can be told from a fresh one', async () => {
    const jws = await signed();
    const payload = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ validFrom: '2026-11-20T10:00:00Z', validUntil: '2026-11-20T10:00:30Z', exp: validUntil.getTime() / 1000 });
    const fresh = await read(jws);
    expect(fresh.ok).toBe(true);
    if (fresh.ok) expect([bitAt(fresh.bits, 42), bitAt(fresh.bits, 43)]).toEqual([true, false]);
  });

  it('refuses a stale copy past validUntil (beyond a minute of clock skew), and one without validUntil', async () => {
    const jws = await signed();
    expect((await read(jws, '2026-11-20T10:01:20Z')).ok).toBe(true);
    expect(await read(jws, '2026-11-20T10:01:31Z')).toEqual({ ok: false, reason: expect.stringContaining('expired on 2026-11-20T10:00:30Z') });
    expect(await read(await signed({ validUntil: undefined }))).toEqual({ ok: false, reason: expect.stringContaining('no validUntil') });
  });

  it('refuses a list signed by another key, issued by another issuer, or for another list', async () => {
    expect(await read(await signed({}, attacker))).toEqual({ ok: false, reason: expect.stringContaining('not signed with a key of https://certs.example.org') });
    expect(await read(await signed(), undefined, 'https://evil.example')).toEqual({ ok: false, reason: expect.stringContaining('not signed with a key of https://evil.example') });
    // Another issuer's name, even under our key (chosen by bare thumbprint), is not our list.
    const credential = { ...buildStatusListCredential({ publicUrl, issuerName: 'Example', list: 1, encodedList: encodeStatusList([]), validFrom, validUntil }), issuer: { id: 'https://evil.example/issuer' } };
    const foreign = await new SignJWT(credential).setProtectedHeader({ alg: 'ES256', kid: keys.active.kid }).sign(keys.active.privateKey);
    expect(await read(foreign)).toEqual({ ok: false, reason: expect.stringContaining('issued by https://evil.example/issuer') });
    expect(await read(await signed({ id: statusListUrl(publicUrl, 2) }))).toEqual({ ok: false, reason: expect.stringContaining('not https://certs.example.org/status/1') });
    const [h, p] = (await signed()).split('.');
    const tampered = JSON.parse(Buffer.from(p, 'base64url').toString());
    tampered.credentialSubject.encodedList = encodeStatusList([]);
    expect(await read(`${h}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${(await signed()).split('.')[2]}`)).toEqual({
      ok: false,
      reason: 'the status list signature does not match its content',
    });
  });

  it('does not inflate a GZIP bomb', () => {
    const bomb = `u${gzipSync(Buffer.alloc(64 * 1024 * 1024)).toString('base64url')}`;
    expect(() => decodeStatusList(bomb)).toThrow();
  });
});
