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

  it('accepts as sign-in tokens only those naming themselves (jti) and living at most the configured age', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const auth = await Authenticator.create(config(JSON.stringify(await exportJWK(publicKey))), { signInTokenMaxAgeMs: 5 * 60_000 });
    const claims = { sub: 'ada', role: 'learner' };
    const now = Math.floor(Date.now() / 1000);
    const token = (jti: string | undefined, iat: number | undefined, exp: number) => {
      const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setAudience('course-certificates').setExpirationTime(exp);
      if (jti) jwt.setJti(jti);
      if (iat !== undefined) jwt.setIssuedAt(iat);
      return jwt.sign(privateKey);
    };
    await expect(auth.signInToken(await token('t-1', now, now + 300))).resolves.toMatchObject({ id: 't-1', principal: { kind: 'learner', id: 'ada' } });
    await expect(auth.signInToken(await token('t-2', undefined, now + 240))).resolves.toMatchObject({ id: 't-2' });
    await expect(auth.signInToken(await token(undefined, now, now + 300))).rejects.toThrow('no "jti"');
    await expect(auth.signInToken(await token('t-3', now, now + 3600))).rejects.toThrow('lives 3600 s, sign-in tokens at most 300 s');
    await expect(auth.signInToken(await token('t-4', now - 3600, now + 60))).rejects.toThrow('lives 3660 s');
    await expect(auth.signInToken(await token('t-5', undefined, now + 3600))).rejects.toThrow(/lives 3\d{3} s/);
    // The same long-lived token is still a perfectly good bearer token.
    await expect(auth.token(await token(undefined, now, now + 3600))).resolves.toMatchObject({ id: 'ada' });
  });

  it('answers a session cookie only through the session store, and refuses one it does not know', async () => {
    const sessions = { principalOf: async (secret: string) => (secret === 'live' ? ({ kind: 'learner', id: 'ada' } as const) : null) };
    const auth = await Authenticator.create(config(undefined), { sessions });
    await expect(auth.authenticate({ cookie: 'live' })).resolves.toEqual({ kind: 'learner', id: 'ada' });
    await expect(auth.authenticate({ cookie: 'revoked' })).rejects.toThrow('your session has ended');
  });

  it('recognises API keys by digest only and treats no credentials as nobody', async () => {
    const auth = await Authenticator.create(config(undefined, ['k-one', 'k-two']));
    await expect(auth.authenticate({ apiKey: 'k-two' })).resolves.toMatchObject({ kind: 'admin', via: 'api-key' });
    await expect(auth.authenticate({ apiKey: 'k-three' })).rejects.toThrow('the API key is not valid');
    await expect(auth.authenticate({})).resolves.toBeNull();
  });
});
