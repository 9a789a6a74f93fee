import fs from 'node:fs';
import { importJWK, SignJWT, type JWK } from 'jose';

export type TokenClaims =
  | { role: 'admin'; sub: string; name?: string }
  | { role: 'instructor'; sub: string; courses: string[]; name?: string }
  | { role: 'learner'; sub: string; name?: string };

/**
 * Signs a token the way the LMS does, with the LMS key that global-setup made for this run
 * (AUTH_TOKEN_KEY_FILE holds its private half; the service reads only the public half).
 */
export async function lmsToken(claims: TokenClaims, { expiresIn = '1h', audience = 'course-certificates', keyFile = process.env.AUTH_TOKEN_KEY_FILE } = {}): Promise<string> {
  if (!keyFile) throw new Error('AUTH_TOKEN_KEY_FILE is not set; run the tests through jest so global-setup makes the LMS key');
  const jwk = JSON.parse(fs.readFileSync(keyFile, 'utf8')) as JWK;
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .setAudience(audience)
    .sign(key);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function adminHeaders(): Promise<Record<string, string>> {
  return bearer(await lmsToken({ role: 'admin', sub: 'test-admin' }));
}
