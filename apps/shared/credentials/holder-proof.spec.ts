import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { checkJwtProof, decodeBase58, didJwkOf, didKeyToJwk, holderKeyOf } from './holder-proof';

const AUD = 'https://certificates.example';

describe('holder proofs of possession', () => {
  it('decodes a did:key of an Ed25519 and of a P-256 key', () => {
    // did:key test vectors of the did:key method specification.
    expect(didKeyToJwk('did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp')).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(didKeyToJwk('did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169')).toMatchObject({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) });
    expect(didKeyToJwk('did:key:z0OIl')).toBeNull();
    expect(decodeBase58('1112')).toEqual(Uint8Array.from([0, 0, 0, 1]));
  });

  it('refuses a private key in the jwk header and names a bare jwk by its did:jwk', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    expect(holderKeyOf({ jwk: { ...jwk, d: 'x' } })).toContain('private');
    expect(holderKeyOf({ jwk })).toMatchObject({ did: didJwkOf(jwk), alg: 'ES256' });
    expect(holderKeyOf({ kid: 'did:web:example.com#key-1' })).toContain('not a did:key or did:jwk');
  });

  it('accepts a fresh proof by the named key for our audience, and refuses the others', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const did = didJwkOf(await exportJWK(publicKey));
    const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}, key = privateKey) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'openid4vci-proof+jwt', kid: `${did}#0`, ...header }).setIssuedAt().sign(key);
    expect(await checkJwtProof(await sign({ aud: AUD, nonce: 'n1' }), { audience: AUD })).toMatchObject({ ok: true, nonce: 'n1', holder: { did } });
    expect(await checkJwtProof(await sign({ aud: 'https://elsewhere.example', nonce: 'n1' }), { audience: AUD })).toMatchObject({ ok: false, error: 'invalid_proof' });
    expect(await checkJwtProof(await sign({ aud: AUD }), { audience: AUD })).toMatchObject({ ok: false, error: 'invalid_nonce' });
    expect(await checkJwtProof(await sign({ aud: AUD, nonce: 'n1' }, { typ: 'JWT' }), { audience: AUD })).toMatchObject({ ok: false, error: 'invalid_proof' });
    const other = await generateKeyPair('EdDSA');
    expect(await checkJwtProof(await sign({ aud: AUD, nonce: 'n1' }, {}, other.privateKey), { audience: AUD })).toMatchObject({ ok: false, error: 'invalid_proof', description: expect.stringContaining('not signed by the key it names') });
    const old = await new SignJWT({ aud: AUD, nonce: 'n1' }).setProtectedHeader({ alg: 'EdDSA', typ: 'openid4vci-proof+jwt', kid: `${did}#0` }).setIssuedAt(Math.floor(Date.now() / 1000) - 3600).sign(privateKey);
    expect(await checkJwtProof(old, { audience: AUD })).toMatchObject({ ok: false, error: 'invalid_proof' });
    expect(await checkJwtProof('x'.repeat(10_000), { audience: AUD })).toMatchObject({ ok: false, error: 'invalid_proof' });
  });
});
