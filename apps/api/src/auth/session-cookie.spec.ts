import { sessionCookie } from './session-cookie';

describe('sessionCookie', () => {
  it('is __Host- prefixed and Secure in production, with the flags that prefix requires (Path=/, no Domain)', () => {
    const cookie = sessionCookie('production');
    expect(cookie.name).toBe('__Host-certificates_session');
    const options = cookie.options(3_600_000);
    expect(options).toEqual({ httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: 3_600_000 });
    expect(options).not.toHaveProperty('domain');
  });

  it('uses the plain name without Secure over development and test http, still HttpOnly', () => {
    for (const env of ['development', 'test'] as const) {
      const cookie = sessionCookie(env);
      expect(cookie.name).toBe('certificates_session');
      expect(cookie.options(1000)).toMatchObject({ httpOnly: true, secure: false, sameSite: 'lax', path: '/' });
    }
  });

  it('never asks for a negative lifetime', () => {
    expect(sessionCookie('test').options(-5).maxAge).toBe(0);
  });
});
