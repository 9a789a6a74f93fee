import { SignJWT, generateKeyPair } from 'jose';
import { CONTROLLERS } from '../apps/api/src/app.module';
import { listRoutes } from '../apps/api/src/auth/routes';
import { bearer, lmsToken, lmsTokenWithClaims, signInToken } from './helpers/auth';
import { generateAfterCourseEnd } from './helpers/generation';
import { useService, uniqueCourseId } from './helpers/service';

type Caller = 'anonymous' | 'admin' | 'apiKey' | 'instructorX' | 'instructorY' | 'learnerA' | 'learnerB';
const CALLERS: Caller[] = ['anonymous', 'admin', 'apiKey', 'instructorX', 'instructorY', 'learnerA', 'learnerB'];

const EVERYONE: Caller[] = CALLERS;
const ADMIN: Caller[] = ['admin', 'apiKey'];
const STAFF_X: Caller[] = [...ADMIN, 'instructorX'];
const STAFF_X_OR_LEARNER_A: Caller[] = [...STAFF_X, 'learnerA'];
const SIGNED_IN: Caller[] = CALLERS.filter((c) => c !== 'anonymous');

/**
 * Who may call each route, written out by hand: the guard's policies are checked against this
 * table, not against themselves. Paths use course X, learner A (enrolled in X, holding a
 * certificate), A's certificate and a generation task of X.
 */
const EXPECTED: Record<string, Caller[]> = {
  'GET /health': EVERYONE,
  'GET /session': EVERYONE,
  'POST /session': EVERYONE,
  'POST /session/logout': EVERYONE,
  'GET /me': SIGNED_IN,
  'POST /courses': ADMIN,
  'GET /courses/:courseId': STAFF_X,
  'PATCH /courses/:courseId': STAFF_X,
  'PUT /courses/:courseId/certificates/activation': STAFF_X,
  'GET /courses/:courseId/changes': STAFF_X,
  'PUT /courses/:courseId/lessons': ADMIN,
  'PUT /courses/:courseId/completions': ADMIN,
  'PUT /courses/:courseId/enrollments': ADMIN,
  'PUT /courses/:courseId/grades': ADMIN,
  'GET /courses/:courseId/certificate-preview': STAFF_X,
  'GET /courses/:courseId/certificate-preview.pdf': STAFF_X,
  'GET /courses/:courseId/certificates': STAFF_X,
  'GET /courses/:courseId/invalidations': STAFF_X,
  'POST /courses/:courseId/farewell': STAFF_X,
  // A's certificate is public (the issuer's default, A never chose): its files are anyone's.
  // certificate-sharing.test.ts covers private ones (staff and A only, as the share route).
  'GET /certificates/:certificateId/credential.jwt': EVERYONE,
  'GET /certificates/:certificateId/certificate.pdf': EVERYONE,
  'GET /certificates/:certificateId/badge.png': EVERYONE,
  'GET /certificates/:certificateId/share': STAFF_X_OR_LEARNER_A,
  'GET /certificates/:certificateId': STAFF_X_OR_LEARNER_A,
  'GET /certificates/:certificateId/visibility': STAFF_X_OR_LEARNER_A,
  'PUT /certificates/:certificateId/visibility': ['learnerA'],
  'POST /certificates/:certificateId/invalidations': STAFF_X,
  'POST /certificates/:certificateId/reinstatement': STAFF_X,
  'GET /verify/:certificateId': EVERYONE,
  'POST /verify': EVERYONE,
  'POST /courses/:courseId/generation-tasks': STAFF_X,
  'GET /courses/:courseId/generation-tasks': STAFF_X,
  'GET /generation-tasks/:taskId': STAFF_X,
  'POST /generation-tasks/:taskId/retry': STAFF_X,
  'POST /generation-tasks/:taskId/cancel': STAFF_X,
  'GET /courses/:courseId/exceptions': STAFF_X,
  'POST /courses/:courseId/exceptions': STAFF_X,
  'POST /courses/:courseId/exceptions/import': STAFF_X,
  'POST /courses/:courseId/exceptions/:learnerId/removal': STAFF_X,
  'POST /courses/:courseId/learners/:learnerId/certificate': STAFF_X_OR_LEARNER_A,
  'POST /courses/:courseId/learners/:learnerId/finish': STAFF_X_OR_LEARNER_A,
  'GET /courses/:courseId/learners/:learnerId/progress': STAFF_X_OR_LEARNER_A,
  'POST /courses/:courseId/imports/:kind': ADMIN,
  'GET /.well-known/jwks.json': EVERYONE,
  'GET /keys/:thumbprint': EVERYONE,
  'GET /issuer': EVERYONE,
  'GET /.well-known/did.json': EVERYONE,
  'GET /did.json': EVERYONE,
  'GET /status/:list': EVERYONE,
  'GET /': EVERYONE,
  'GET /app': SIGNED_IN,
  'GET /app/learner': SIGNED_IN,
  'GET /app/courses/:courseId/progress': SIGNED_IN,
  'GET /app/courses/:courseId/certificates': STAFF_X,
  'GET /assets/:file': EVERYONE,
  'POST /certificates/:certificateId/wallet-offers': ['learnerA'],
  'GET /.well-known/openid-credential-issuer': EVERYONE,
  'GET /.well-known/oauth-authorization-server': EVERYONE,
  'POST /oid4vci/token': EVERYONE,
  'POST /oid4vci/nonce': EVERYONE,
  // Only with an access token from the token endpoint: everyone else's credentials are not one (401).
  'POST /oid4vci/credential': [],
};

/** Routes that authenticate with a token of their own (OpenID4VCI access tokens): 401 to every other caller. */
const OWN_TOKEN_ROUTES = new Set(['POST /oid4vci/credential']);

describe('access: every route × every kind of caller', () => {
  const ctx = useService();
  const headers = {} as Record<Caller, Record<string, string>>;
  const ids = {} as { courseId: string; otherCourseId: string; certificateId: string; taskId: string; thumbprint: string };

  beforeAll(async () => {
    ids.courseId = uniqueCourseId('AccessX');
    ids.otherCourseId = uniqueCourseId('AccessY');
    headers.anonymous = {};
    headers.admin = bearer(await lmsToken({ role: 'admin', sub: 'platform-admin' }));
    headers.apiKey = { 'x-api-key': process.env.TEST_API_KEY! };
    headers.instructorX = bearer(await lmsToken({ role: 'instructor', sub: 'prof-x', courses: [ids.courseId] }));
    headers.instructorY = bearer(await lmsToken({ role: 'instructor', sub: 'prof-y', courses: [ids.otherCourseId] }));
    headers.learnerA = bearer(await lmsToken({ role: 'learner', sub: 'learner-a' }));
    headers.learnerB = bearer(await lmsToken({ role: 'learner', sub: 'learner-b' }));

    const suffix = ids.courseId.slice(-8);
    for (const id of [ids.courseId, ids.otherCourseId]) {
      await ctx.api.post('/courses', { id, title: `Access ${id}`, pacing: 'instructor', endAt: new Date(Date.now() + 1000).toISOString(), certificatesActive: true, passingGrade: 0.5 });
      await ctx.api.put(`/courses/${id}/enrollments`, {
        enrollments: [
          { learnerId: 'learner-a', email: `a-${suffix}@example.org`, name: 'Learner A', mode: 'verified' },
          { learnerId: 'learner-b', email: `b-${suffix}@example.org`, name: 'Learner B', mode: 'verified' },
        ].filter((e) => id === ids.courseId || e.learnerId === 'learner-b'),
      });
    }
    await ctx.api.put(`/courses/${ids.courseId}/grades`, { grades: [{ learnerId: 'learner-a', grade: 0.9 }] });
    await generateAfterCourseEnd(ctx.api, ids.courseId);
    ids.certificateId = (await ctx.api.get(`/courses/${ids.courseId}/certificates`)).body.certificates.find((c: { learnerId: string }) => c.learnerId === 'learner-a').id;
    ids.taskId = (await ctx.api.get(`/courses/${ids.courseId}/generation-tasks`)).body.tasks[0].id;
    ids.thumbprint = (await ctx.api.get('/.well-known/jwks.json')).body.keys[0].kid.split('/').pop();
  }, 60_000);

  const routes = listRoutes(CONTROLLERS);

  it('has an expectation for every route the API serves, and no stale ones', () => {
    const served = routes.map((r) => `${r.method} ${r.path}`).sort();
    expect(served).toEqual(Object.keys(EXPECTED).sort());
  });

  it('answers 401 to strangers, 403 to the wrong people and lets the right people through', async () => {
    const table: string[] = [];
    const wrong: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const allowed = EXPECTED[key] ?? [];
      const path = route.path
        .replace(':courseId', encodeURIComponent(ids.courseId))
        .replace(':learnerId', 'learner-a')
        .replace(':certificateId', ids.certificateId)
        .replace(':taskId', ids.taskId)
        .replace(':kind', 'enrollments')
        .replace(':thumbprint', ids.thumbprint)
        .replace(':list', '1')
        .replace(':file', 'app.css');
      const row: string[] = [];
      for (const caller of CALLERS) {
        const response = await fetch(`${ctx.service.baseUrl}${path}`, {
          method: route.method,
          redirect: 'manual',
          headers: { accept: 'application/json', ...headers[caller], ...(route.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
          body: route.method === 'GET' ? undefined : '{}',
        });
        await response.arrayBuffer();
        row.push(`${caller}=${response.status}`);
        const ok = allowed.includes(caller)
          ? response.status !== 401 && response.status !== 403 && response.status < 500
          : response.status === (caller === 'anonymous' || OWN_TOKEN_ROUTES.has(key) ? 401 : 403);
        if (!ok) wrong.push(`${key} as ${caller}: ${response.status} (${allowed.includes(caller) ? 'should be let through' : 'should be refused'})`);
      }
      table.push(`${key.padEnd(58)} ${row.join(' ')}`);
    }
    process.stdout.write(`[access matrix]\n${table.join('\n')}\n`);
    expect(wrong).toEqual([]);
  }, 120_000);
});

describe('access: credentials that do not check out', () => {
  const ctx = useService({}, { worker: false });
  const get = (headers: Record<string, string>) => fetch(`${ctx.service.baseUrl}/me`, { headers: { accept: 'application/json', ...headers } }).then(async (r) => ({ status: r.status, body: await r.json(), header: r.headers.get('www-authenticate') }));

  it('refuses expired, foreign, symmetric, wrongly addressed and malformed tokens with a reason', async () => {
    const expired = await lmsToken({ role: 'admin', sub: 'late' }, { expiresIn: '-1m' });
    expect(await get(bearer(expired))).toMatchObject({ status: 401, body: { code: 'unauthenticated', message: 'the token has expired' } });

    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'ES256' }).setSubject('mallory').setAudience('course-certificates').setExpirationTime('1h').sign(privateKey);
    expect(await get(bearer(foreign))).toMatchObject({ status: 401, body: { message: 'the token is not signed by the configured LMS key' } });

    const symmetric = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setAudience('course-certificates').setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await get(bearer(symmetric))).toMatchObject({ status: 401 });

    const elsewhere = await lmsToken({ role: 'admin', sub: 'someone' }, { audience: 'another-service' });
    expect(await get(bearer(elsewhere))).toMatchObject({ status: 401, body: { message: expect.stringContaining('"aud"') } });

    const noRole = await lmsTokenWithClaims({ role: 'wizard', sub: 'merlin' });
    expect(await get(bearer(noRole))).toMatchObject({ status: 401, body: { message: expect.stringContaining('claims are not usable') } });

    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","role":"admin"}').toString('base64url')}.`;
    expect(await get(bearer(unsigned))).toMatchObject({ status: 401 });
    expect(await get({ authorization: 'Basic YWRtaW46YWRtaW4=' })).toMatchObject({ status: 401, body: { message: 'the Authorization header must be "Bearer <token>"' } });
    expect(await get({ 'x-api-key': 'guessed' })).toMatchObject({ status: 401, body: { message: 'the API key is not valid' } });
    expect((await get({})).header).toContain('Bearer');
  });

  it('signs a browser in with a session cookie, never redirects off-site, and refuses cookie changes without the page header', async () => {
    const prof = { role: 'instructor', sub: 'prof', courses: ['course-v1:X+Y+Z'] } as const;
    // What the sign-in page's form posts, from the service's own origin.
    const confirm = async (next: string) =>
      fetch(`${ctx.service.baseUrl}/session`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ctx.service.baseUrl, accept: 'application/json' },
        body: new URLSearchParams({ token: await signInToken({ ...prof, courses: [...prof.courses] }), next }),
      });
    const signIn = await confirm('/app/learner');
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/app/learner');
    const cookie = signIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const session = cookie.split(';')[0];

    for (const offsite of ['//evil.example/', '/\\evil.example/', '/\t/evil.example/', 'https://evil.example/']) {
      expect((await confirm(offsite)).headers.get('location')).toBe(`/app/courses/${encodeURIComponent('course-v1:X+Y+Z')}/certificates`);
    }

    const me = await fetch(`${ctx.service.baseUrl}/me`, { headers: { cookie: session, accept: 'application/json' } });
    expect(await me.json()).toMatchObject({ id: 'prof', role: 'instructor' });

    const forged = await fetch(`${ctx.service.baseUrl}/courses/${encodeURIComponent('course-v1:X+Y+Z')}/generation-tasks`, {
      method: 'POST',
      headers: { cookie: session, 'content-type': 'application/json', accept: 'application/json' },
      body: '{}',
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { message: string }).message).toContain('x-requested-by');

    const refused = await fetch(`${ctx.service.baseUrl}/session?token=not-a-token`, { redirect: 'manual', headers: { accept: 'application/json' } });
    expect(refused.status).toBe(401);

    // A cookie that is not even URI-encoded properly is refused like any bad credential, not a 500.
    expect(await get({ cookie: 'certificates_session=%E0%A4%A' })).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
  });
});
