import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { decodeJwt, exportJWK, importJWK, SignJWT } from 'jose';
import { bearer, lmsToken, signInToken, type TokenClaims } from './helpers/auth';
import { startService, useService, type RunningService } from './helpers/service';

const ada: TokenClaims = { role: 'learner', sub: 'ada.sessions', name: 'Ada Lovelace' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A browser talking to one service: what it would send for the sign-in page, its form and its pages. */
function browserOf(service: RunningService, cookieName = 'certificates_session') {
  const base = service.baseUrl;
  const origin = new URL(service.config.http.publicUrl).origin;
  return {
    page: (token: string, { next = '/app/learner', cookie }: { next?: string; cookie?: string } = {}) =>
      fetch(`${base}/session?token=${token}&next=${encodeURIComponent(next)}`, { redirect: 'manual', headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } }),
    /** What the sign-in page's form posts; `headers` replace the same-origin ones a browser adds. */
    confirm: (token: string, { next = '/app/learner', cookie, headers }: { next?: string; cookie?: string; headers?: Record<string, string> } = {}) =>
      fetch(`${base}/session`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...(headers ?? { origin }), ...(cookie ? { cookie } : {}) },
        body: new URLSearchParams({ token, next }),
      }),
    me: (cookie: string) => fetch(`${base}/me`, { headers: { accept: 'application/json', cookie } }),
    logout: (cookie: string, headers: Record<string, string> = {}) => fetch(`${base}/session/logout`, { method: 'POST', redirect: 'manual', headers: { accept: 'application/json', cookie, ...headers } }),
    /** "name=value" of the session cookie a response sets. */
    cookieOf: (response: Response) => {
      const header = response.headers.getSetCookie().find((c) => c.startsWith(`${cookieName}=`));
      if (!header) throw new Error(`no ${cookieName} cookie in ${response.status} answer`);
      return { pair: header.split(';')[0], value: header.split(';')[0].slice(cookieName.length + 1), header };
    },
  };
}

describe('browser sessions', () => {
  const ctx = useService({}, { worker: false });
  const browser = () => browserOf(ctx.service);
  const sessionsOf = (subject: string) => ctx.service.db.session.findMany({ where: { subject }, orderBy: { createdAt: 'asc' } });

  it('shows who the link signs in as, without consuming the token or setting a cookie', async () => {
    const token = await signInToken(ada);
    const { jti } = decodeJwt(token);
    for (let i = 0; i < 2; i += 1) {
      const page = await browser().page(token);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.getSetCookie()).toEqual([]);
      const body = await page.text();
      expect(body).toContain('Continue as Ada Lovelace');
      expect(body).toMatch(/<form method="post" action="\/session">/);
      expect(body).toContain(`name="token" value="${token}"`);
      expect(body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    }
    expect(await ctx.service.db.session.count({ where: { signInTokenId: String(jti) } })).toBe(0);
  });

  it('refuses a sign-in posted from another site, or from nowhere it can tell, and keeps the token unused', async () => {
    const token = await signInToken(ada);
    const attempts: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site', origin: ctx.service.baseUrl },
      { 'sec-fetch-site': 'same-site' },
      { referer: 'https://evil.example/login' },
      {},
    ];
    for (const headers of attempts) {
      const refused = await browser().confirm(token, { headers });
      expect({ headers, status: refused.status, cookies: refused.headers.getSetCookie() }).toEqual({ headers, status: 403, cookies: [] });
      expect(((await refused.json()) as { message: string }).message).toContain("this site's own page");
    }
    expect(await ctx.service.db.session.count({ where: { signInTokenId: String(decodeJwt(token).jti) } })).toBe(0);
    // What a browser sends for the real page's form, then a Referer-only older browser.
    expect((await browser().confirm(token, { headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(303);
    expect((await browser().confirm(await signInToken(ada), { headers: { referer: `${ctx.service.baseUrl}/session?token=x` } })).status).toBe(303);
  });

  it('exchanges the token once for an opaque cookie, stored only as a hash, that /me accepts', async () => {
    const claims: TokenClaims = { role: 'instructor', sub: 'grace.sessions', name: 'Grace Hopper', courses: ['course-v1:S+One+1', 'course-v1:S+Two+2'] };
    const token = await signInToken(claims);
    const signedIn = await browser().confirm(token, { next: '/app' });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/app');
    const cookie = browser().cookieOf(signedIn);
    expect(cookie.header).toMatch(/; HttpOnly/);
    expect(cookie.header).toMatch(/; SameSite=Lax/);
    expect(cookie.header).toMatch(/; Path=\//);
    expect(cookie.header).toMatch(new RegExp(`; Max-Age=${8 * 3600}(;|$)`));
    // Opaque: 32 random bytes, neither the token nor any JWT.
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.value).not.toBe(token);
    expect(cookie.value.split('.')).toHaveLength(1);

    const [row] = await sessionsOf('grace.sessions');
    expect(row).toMatchObject({ idHash: sha256(cookie.value), role: 'instructor', name: 'Grace Hopper', courses: claims.courses, signInTokenId: decodeJwt(token).jti, revokedAt: null });
    expect(JSON.stringify(row)).not.toContain(cookie.value);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(8 * 3_600_000 - 5_000);

    const me = await browser().me(cookie.pair);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: 'grace.sessions', role: 'instructor' });

    // The same link again, in a browser without this session: refused, and says what to do.
    const again = await browser().confirm(token);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { message: string }).message).toBe('this sign-in link was already used; open it again from your learning platform');
    const againPage = await browser().page(token);
    expect(againPage.status).toBe(401);
    expect(await againPage.text()).toContain('this sign-in link was already used');
    expect(await sessionsOf('grace.sessions')).toHaveLength(1);

    // In the browser that holds a live session for the same person, the old link just goes on.
    for (const reopened of [await browser().page(token, { next: '/app', cookie: cookie.pair }), await browser().confirm(token, { next: '/app', cookie: cookie.pair })]) {
      expect(reopened.status).toBe(303);
      expect(reopened.headers.get('location')).toBe('/app');
      expect(reopened.headers.getSetCookie()).toEqual([]);
    }
  });

  it('an HTML form post that fails gets a page, not JSON', async () => {
    const token = await signInToken(ada);
    expect((await browser().confirm(token)).status).toBe(303);
    const again = await fetch(`${ctx.service.baseUrl}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: ctx.service.baseUrl },
      body: new URLSearchParams({ token }),
    });
    expect(again.status).toBe(401);
    expect(again.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await again.text()).toContain('this sign-in link was already used');
  });

  it('signs out only with the page header, revokes the session on the server, and the replayed cookie is refused', async () => {
    const cookie = browser().cookieOf(await browser().confirm(await signInToken(ada)));
    const forged = await browser().logout(cookie.pair);
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { message: string }).message).toContain('x-requested-by');
    expect((await browser().me(cookie.pair)).status).toBe(200);

    const out = await browser().logout(cookie.pair, { 'x-requested-by': 'certificates-ui' });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()).toEqual([expect.stringMatching(/^certificates_session=;.*Expires=Thu, 01 Jan 1970/)]);
    const row = await ctx.service.db.session.findUnique({ where: { idHash: sha256(cookie.value) } });
    expect(row?.revokedAt).toBeInstanceOf(Date);

    const replayed = await browser().me(cookie.pair);
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('session has ended') });
    // Signing out with no session at all changes nothing and needs nothing.
    expect((await fetch(`${ctx.service.baseUrl}/session/logout`, { method: 'POST' })).status).toBe(204);
  });

  it('refuses an expired session and forgets long-expired ones when someone signs in', async () => {
    const cookie = browser().cookieOf(await browser().confirm(await signInToken(ada)));
    await ctx.service.db.session.update({ where: { idHash: sha256(cookie.value) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await browser().me(cookie.pair)).status).toBe(401);

    const old = await ctx.service.db.session.create({
      data: { idHash: sha256(`old-${Date.now()}`), subject: 'long.gone', role: 'learner', courses: [], signInTokenId: `old-${Date.now()}`, expiresAt: new Date(Date.now() - 86_400_000) },
    });
    expect((await browser().confirm(await signInToken(ada))).status).toBe(303);
    expect(await ctx.service.db.session.findUnique({ where: { idHash: old.idHash } })).toBeNull();
    // Just expired is kept a while longer: its sign-in token may not have expired yet.
    expect(await ctx.service.db.session.findUnique({ where: { idHash: sha256(cookie.value) } })).not.toBeNull();
  });

  it('signing in as someone else on the same browser signs the previous person out', async () => {
    const first = browser().cookieOf(await browser().confirm(await signInToken(ada)));
    const second = await browser().confirm(await signInToken({ role: 'learner', sub: 'alan.sessions' }), { cookie: first.pair });
    expect(second.status).toBe(303);
    expect((await browser().me(first.pair)).status).toBe(401);
    expect(await (await browser().me(browser().cookieOf(second).pair)).json()).toMatchObject({ id: 'alan.sessions' });
  });

  it('refuses tokens without jti or living too long for sign-in, while they stay fine as bearer tokens', async () => {
    const keyFile = process.env.AUTH_TOKEN_KEY_FILE!;
    const key = await importJWK(JSON.parse(fs.readFileSync(keyFile, 'utf8')), 'ES256');
    const withoutId = await new SignJWT({ role: 'learner' }).setProtectedHeader({ alg: 'ES256' }).setSubject('no.jti').setAudience('course-certificates').setIssuedAt().setExpirationTime('2m').sign(key);
    const longLived = await lmsToken({ role: 'learner', sub: 'long.lived' }, { expiresIn: '1h' });
    const backdated = await new SignJWT({ role: 'learner' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('backdated')
      .setJti('backdated-1')
      .setAudience('course-certificates')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime('2m')
      .sign(key);
    for (const [token, reason] of [
      [withoutId, /has no .{1,6}jti.{1,6} \(sign-in tokens are single-use\)/],
      [longLived, /lives \d+ s, sign-in tokens at most 300 s/],
      [backdated, /lives \d+ s, sign-in tokens at most 300 s/],
    ] as const) {
      for (const response of [await browser().page(token), await browser().confirm(token)]) {
        expect(response.status).toBe(401);
        expect(response.headers.getSetCookie()).toEqual([]);
        const text = await response.text();
        expect(text).toMatch(reason);
      }
      expect((await fetch(`${ctx.service.baseUrl}/me`, { headers: bearer(token) })).status).toBe(200);
    }
    expect(await ctx.service.db.session.count({ where: { subject: { in: ['no.jti', 'long.lived', 'backdated'] } } })).toBe(0);
  });
});

describe('browser sessions in production', () => {
  let service: RunningService;
  const issuer = 'https://lms.example';

  beforeAll(async () => {
    const lmsPrivate = JSON.parse(fs.readFileSync(process.env.AUTH_TOKEN_KEY_FILE!, 'utf8')) as Record<string, unknown>;
    const lmsPublic = await exportJWK(await importJWK({ ...lmsPrivate, d: undefined }, 'ES256'));
    service = await startService(
      {
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://certificates.example',
        SIGNING_KEY: fs.readFileSync(process.env.SIGNING_KEY_FILE!, 'utf8'),
        AUTH_TOKEN_KEY: JSON.stringify(lmsPublic),
        AUTH_TOKEN_ISSUER: issuer,
        SESSION_TTL: '2h',
      },
      { worker: false },
    );
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('sets a __Host- prefixed, Secure, HttpOnly cookie for the public origin, and reads only that name', async () => {
    const browser = browserOf(service, '__Host-certificates_session');
    const signedIn = await browser.confirm(await signInToken(ada, { issuer }));
    expect(signedIn.status).toBe(303);
    const cookie = browser.cookieOf(signedIn);
    expect(cookie.header).toMatch(/^__Host-certificates_session=[A-Za-z0-9_-]{43}; Max-Age=7200; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
    expect((await browser.me(cookie.pair)).status).toBe(200);
    expect((await browser.me(`certificates_session=${cookie.value}`)).status).toBe(401);

    // The public origin is https://certificates.example, so a post claiming the test's own address is foreign.
    expect((await browser.confirm(await signInToken(ada, { issuer }), { headers: { origin: service.baseUrl } })).status).toBe(403);

    const out = await browser.logout(cookie.pair, { 'x-requested-by': 'certificates-ui' });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/^__Host-certificates_session=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax$/);
  });
});
