import type { CookieOptions } from 'express';
import type { AppConfig } from '../../../shared/config';

export interface SessionCookie {
  name: string;
  /** Name, flags and path: what setting and clearing the cookie must both carry. */
  attributes: CookieOptions;
  options: (maxAgeMs: number) => CookieOptions;
}

/**
 * The session cookie's name and flags. In production it is `__Host-` prefixed, which browsers
 * accept only with Secure, Path=/ and no Domain: no subdomain and no plain-http page can set or
 * shadow it. Development and tests run over http, where a Secure cookie would never come back.
 */
export function sessionCookie(env: AppConfig['env']): SessionCookie {
  const production = env === 'production';
  const attributes: CookieOptions = { httpOnly: true, secure: production, sameSite: 'lax', path: '/' };
  return {
    name: production ? '__Host-certificates_session' : 'certificates_session',
    attributes,
    options: (maxAgeMs) => ({ ...attributes, maxAge: Math.max(0, maxAgeMs) }),
  };
}
