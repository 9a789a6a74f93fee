import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { ConfigError, loadConfig } from './config';
import { assertSafeForProduction, productionProblems } from './production-checks';

let dir: string;
let publicJwk: Record<string, unknown>;
let privateJwk: Record<string, unknown>;
let publicPem: string;
let privatePem: string;
const file = (name: string, text: string) => {
  const target = path.join(dir, name);
  fs.writeFileSync(target, text);
  return target;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'production-checks-'));
  const pair = await generateKeyPair('ES256', { extractable: true });
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'lms-1' };
  privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'lms-1' };
  publicPem = await exportSPKI(pair.publicKey);
  privatePem = await exportPKCS8(pair.privateKey);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A production setup with nothing wrong; each test spoils one thing. */
function safe(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://certs.example.org',
    SIGNING_KEY_FILE: file('signing-key.json', JSON.stringify(privateJwk)),
    AUTH_TOKEN_KEY_FILE: file('lms-public.json', JSON.stringify(publicJwk)),
    AUTH_TOKEN_ISSUER: 'https://lms.example.org',
  };
}

const problemsOf = (env: Record<string, string | undefined>) => productionProblems(loadConfig(env as NodeJS.ProcessEnv));

describe('productionProblems', () => {
  it('accepts explicit keys, a public-only token key, an issuer and an https PUBLIC_URL', () => {
    expect(problemsOf(safe())).toEqual([]);
    expect(problemsOf({ ...safe(), SIGNING_KEY_FILE: undefined, SIGNING_KEY: JSON.stringify(privateJwk) })).toEqual([]);
    expect(problemsOf({ ...safe(), AUTH_TOKEN_KEY_FILE: undefined, AUTH_TOKEN_KEY: JSON.stringify({ keys: [publicJwk, { ...publicJwk, kid: 'lms-0' }] }) })).toEqual([]);
    expect(problemsOf({ ...safe(), AUTH_TOKEN_KEY_FILE: file('lms-public.pem', publicPem) })).toEqual([]);
  });

  it('checks nothing outside production, where the development defaults are the point', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'test', AUTH_TOKEN_KEY: JSON.stringify(privateJwk) })).toEqual([]);
  });

  it('reports every problem of a development setup at once, one message per problem naming its variable', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^SIGNING_KEY or SIGNING_KEY_FILE must be set: .*development key \(.data\/signing-key.json\)/);
    expect(problems[1]).toMatch(/^AUTH_TOKEN_KEY or AUTH_TOKEN_KEY_FILE must be set .*development LMS key \(.data\/lms-token-key.json\)/);
    expect(problems[2]).toMatch(/^AUTH_TOKEN_ISSUER must be set/);
    expect(problems[3]).toMatch(/^PUBLIC_URL must be set to the https:\/\/ origin/);
  });

  it('refuses key files in .data/, even when named explicitly', () => {
    const problems = problemsOf({ ...safe(), SIGNING_KEY_FILE: '.data/signing-key.json', AUTH_TOKEN_KEY_FILE: path.join(dir, '.data', 'lms.json') });
    expect(problems).toEqual([
      'SIGNING_KEY_FILE must not point into .data/ (.data/signing-key.json), where npm start keeps its development keys',
      expect.stringMatching(/^AUTH_TOKEN_KEY_FILE must not point into .data\/ \(.*\.data\/lms\.json\)/),
    ]);
  });

  it('says when a key file cannot be read', () => {
    const missing = path.join(dir, 'nowhere.json');
    expect(problemsOf({ ...safe(), SIGNING_KEY_FILE: missing, AUTH_TOKEN_KEY_FILE: missing })).toEqual([
      `SIGNING_KEY_FILE: cannot read ${missing} (ENOENT)`,
      `AUTH_TOKEN_KEY_FILE: cannot read ${missing} (ENOENT)`,
    ]);
  });

  it.each([
    ['a private JWK', () => JSON.stringify(privateJwk), /^AUTH_TOKEN_KEY(_FILE)? has private members \(d\)/],
    ['a JWK set with one private key', () => JSON.stringify({ keys: [publicJwk, privateJwk] }), /^key 2 of AUTH_TOKEN_KEY(_FILE)? has private members \(d\)/],
    ['an RSA private JWK', () => JSON.stringify({ kty: 'RSA', n: 'x', e: 'AQAB', d: 'x', p: 'x', q: 'x', dp: 'x', dq: 'x', qi: 'x' }), /has private members \(d, p, q, dp, dq, qi\)/],
    ['a shared secret', () => JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }), /has private members \(k\)/],
    ['a PKCS#8 private key', () => privatePem, /^AUTH_TOKEN_KEY(_FILE)? holds a private key/],
    ['an EC private key PEM', () => '-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n', /holds a private key/],
    ['a certificate PEM', () => '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', /is a PEM but not an SPKI public key/],
    ['text that is no key', () => 'c2VjcmV0', /is neither JSON .* nor an SPKI PEM public key/],
    ['an empty key set', () => '{"keys":[]}', /holds no JWK/],
  ])('refuses %s as the LMS token key, inline or in a file, without echoing it', (_, text, message) => {
    const key = text();
    const setups: Array<[string, Record<string, string | undefined>]> = [
      ['AUTH_TOKEN_KEY_FILE', { ...safe(), AUTH_TOKEN_KEY_FILE: file('lms-key', key) }],
      ['AUTH_TOKEN_KEY', { ...safe(), AUTH_TOKEN_KEY_FILE: undefined, AUTH_TOKEN_KEY: key }],
    ];
    for (const [variable, env] of setups) {
      const problems = problemsOf(env);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(message);
      expect(problems[0]).toMatch(new RegExp(`^(key \\d of )?${variable} (has|holds|is) `));
      for (const secret of [privateJwk.d as string, 'c2VjcmV0', 'AAAA']) expect(problems[0]).not.toContain(secret);
    }
  });

  it('prefers the inline token key to the file, as the service does', () => {
    expect(problemsOf({ ...safe(), AUTH_TOKEN_KEY: JSON.stringify(publicJwk), AUTH_TOKEN_KEY_FILE: file('lms-private.json', JSON.stringify(privateJwk)) })).toEqual([]);
  });

  it('refuses an http PUBLIC_URL', () => {
    expect(problemsOf({ ...safe(), PUBLIC_URL: 'http://certs.example.org' })).toEqual(['PUBLIC_URL must be an https:// URL in production, not http://certs.example.org']);
  });
});

describe('assertSafeForProduction', () => {
  it('throws a ConfigError that lists every problem', () => {
    const config = loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'http://certs.example.org' });
    expect(() => assertSafeForProduction(config)).toThrow(ConfigError);
    try {
      assertSafeForProduction(config);
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(4);
      expect((error as Error).message).toMatch(/^Refusing to start with NODE_ENV=production:\n {2}- SIGNING_KEY or SIGNING_KEY_FILE must be set/);
      expect((error as Error).message).toContain('\n  - PUBLIC_URL must be an https:// URL in production');
    }
  });

  it('passes a safe production setup', () => {
    expect(() => assertSafeForProduction(loadConfig(safe()))).not.toThrow();
  });
});
