import { createHash } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { Authenticator } from './authenticator';

const sign = (key: Parameters<SignJWT['sign']>[0], claims: Record<string, unknown>, alg = 'ES256') =>
  new SignJWT(claims).setProtectedHeader({ alg }).setAudience('course-certificates').setExpirationTime('5m').sign(key);

const config = (tokenKey: string | undefined, apiKeys: string[] = []) => ({
  tokenKey,
  tokenKeyFile: '/nonexistent/lms-token-key.json',
  audience: 'course-certificates',
  apiKeyHashes: apiKeys.map((k) => createHash('sha256').update(k).digest('hex')),
});

describe('Authenticator', () => {
  it('accepts the LMS key file holding the private JWK (development), checking with its public half', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const auth = await Authenticator.create(config(JSON.stringify(await exportJWK(privateKey))));
    await expect(auth.token(await sign(privateKey, { sub: 'ada', role: 'instructor', courses: ['c1'] }))).resolves.toEqual({
      kind: 'instructor',
      id: 'ada',
      name: undefined,
      courses: new Set(['c1']),
    });
  });

  it('reads an SPKI PEM and checks each token with the algorithm it declares', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const auth = await Authenticator.create(config(await exportSPKI(publicKey)));
    await expect(auth.token(await sign(privateKey, { sub: 'l1', role: 'learner' }, 'EdDSA'))).resolves.toMatchObject({ kind: 'learner', id: 'l1' });
  });

  it('says why a token is refused', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const auth = await Authenticator.create(config(JSON.stringify(await exportJWK(publicKey))));
    await expect(auth.token(await sign(privateKey, { sub: 'x', role: 'instructor' }))).rejects.toThrow(/courses/);
    await expect(auth.token('not.a.token')).rejects.toThrow('the token is not a valid signed JWT');
    const unconfigured = await Authenticator.create(config(undefined));
    await expect(unconfigured.token('a.b.c')).rejects.toThrow('AUTH_TOKEN_KEY');
  });

  it('recognises API keys by digest only and treats no credentials as nobody', async () => {
    const auth = await Authenticator.create(config(undefined, ['k-one', 'k-two']));
    await expect(auth.authenticate({ apiKey: 'k-two' })).resolves.toMatchObject({ kind: 'admin', via: 'api-key' });
    await expect(auth.authenticate({ apiKey: 'k-three' })).rejects.toThrow('the API key is not valid');
    await expect(auth.authenticate({})).resolves.toBeNull();
  });
});
