import { signDevToken } from '../../scripts/lib/dev-access.cjs';

export type TokenClaims =
  | { role: 'admin'; sub: string; name?: string }
  | { role: 'instructor'; sub: string; courses: string[]; name?: string }
  | { role: 'learner'; sub: string; name?: string };

/**
 * Signs a token the way the LMS does, with the LMS key that global-setup made for this run
 * (AUTH_TOKEN_KEY_FILE holds its private half; the service reads only the public half).
 */
export async function lmsToken(claims: TokenClaims, options: TokenOptions = {}): Promise<string> {
  return lmsTokenWithClaims(claims, options);
}

interface TokenOptions {
  expiresIn?: string;
  audience?: string;
  issuer?: string;
  keyFile?: string;
}

/** The same, with claims no LMS should send (an unknown role, a missing field): the service must refuse them. */
export async function lmsTokenWithClaims(
  claims: Record<string, unknown>,
  { expiresIn = '1h', audience = 'course-certificates', issuer, keyFile = process.env.AUTH_TOKEN_KEY_FILE }: TokenOptions = {},
): Promise<string> {
  if (!keyFile) throw new Error('AUTH_TOKEN_KEY_FILE is not set; run the tests through jest so global-setup makes the LMS key');
  return signDevToken(keyFile, claims, { expiresIn, audience, issuer });
}

/** A sign-in token, as the LMS puts in a link: short-lived, with its own `jti`, usable once. */
export async function signInToken(claims: TokenClaims, options: { expiresIn?: string; issuer?: string } = {}): Promise<string> {
  return lmsToken(claims, { expiresIn: '5m', ...options });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function adminHeaders(): Promise<Record<string, string>> {
  return bearer(await lmsToken({ role: 'admin', sub: 'test-admin' }));
}
