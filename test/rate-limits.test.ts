import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TEMPORAL_CLIENT } from '../apps/api/src/common/tokens';
import { learnerRequestWorkflowId } from '../workflows/definitions';
import { bearer, lmsToken } from './helpers/auth';
import { httpClient, uniqueCourseId, useService } from './helpers/service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function get(baseUrl: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}${path}`, { headers: { accept: 'application/json', ...headers }, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text.startsWith('{') ? JSON.parse(text) : text };
}

describe('rate limits per client address', () => {
  const ctx = useService({ RATE_LIMIT_PUBLIC: '3/1m', RATE_LIMIT_SIGN_IN: '2/1m' }, { worker: false });

  it('answers 429 with Retry-After and the error shape once an address is over the public limit, on every public route', async () => {
    const base = ctx.service.baseUrl;
    for (let i = 0; i < 3; i++) expect((await get(base, '/issuer')).status).toBe(200);
    const refused = await get(base, '/issuer');
    expect(refused.status).toBe(429);
    const seconds = Number(refused.retryAfter);
    expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60).toBe(true);
    expect(refused.body).toEqual({ statusCode: 429, code: 'too_many_requests', message: expect.stringContaining('3 per minute'), errorId: expect.stringMatching(UUID), retryAfter: seconds });

    // One count for all public routes, and X-Forwarded-For is not believed without TRUST_PROXY.
    expect((await get(base, '/.well-known/jwks.json')).status).toBe(429);
    expect((await get(base, '/issuer', { 'x-forwarded-for': '198.51.100.7' })).status).toBe(429);

    // Signed-in routes that start nothing are not counted against the address.
    expect((await get(base, '/me', await adminHeadersFor('reader'))).status).toBe(200);
  });

  it('limits sign-in attempts per address on their own count', async () => {
    const base = ctx.service.baseUrl;
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push((await get(base, `/session?token=not-a-token-${i}`)).status);
    expect(attempts.slice(0, 2).every((status) => status === 401)).toBe(true);
    expect(attempts[2]).toBe(429);
  });
});

describe('rate limits behind a reverse proxy (TRUST_PROXY)', () => {
  const ctx = useService({ RATE_LIMIT_PUBLIC: '2/1m', TRUST_PROXY: 'loopback' }, { worker: false });

  it('counts each forwarded client address separately, and a client cannot escape by prepending its own X-Forwarded-For', async () => {
    const base = ctx.service.baseUrl;
    const from = (chain: string) => get(base, '/issuer', { 'x-forwarded-for': chain });
    expect((await from('203.0.113.1')).status).toBe(200);
    expect((await from('203.0.113.1')).status).toBe(200);
    expect((await from('203.0.113.1')).status).toBe(429);
    expect((await from('203.0.113.2')).status).toBe(200);
    // The proxy appends the address it saw; what the client wrote before it is not trusted.
    expect((await from('192.0.2.99, 203.0.113.1')).status).toBe(429);
  });
});

describe('rate limits per person on routes that start work', () => {
  // Courses are set up through a service with the suite-wide (generous) limits; the limited one is under test.
  const setup = useService();
  const ctx = useService({ RATE_LIMIT_WORKFLOWS: '2/1m', RATE_LIMIT_API_KEY: '3/1m', FAREWELL_MIN_INTERVAL: '1h' });

  it('counts each signed-in person (and each API key) on their own, whatever address they call from', async () => {
    const courseId = uniqueCourseId('Limits');
    const as = async (headers: Record<string, string>) => httpClient(ctx.service.baseUrl, headers);
    const profX = await as(bearer(await lmsToken({ role: 'instructor', sub: `prof-x-${randomUUID()}`, courses: [courseId] })));
    const profY = await as(bearer(await lmsToken({ role: 'instructor', sub: `prof-y-${randomUUID()}`, courses: [courseId] })));
    const lms = await as({ 'x-api-key': process.env.TEST_API_KEY! });
    // An invalid body still counts: the limit is checked before the request is read.
    const generate = (client: ReturnType<typeof httpClient>) => client.post(`/courses/${encodeURIComponent(courseId)}/generation-tasks`, { kind: 'nonsense' }).then((r) => r.status);

    expect([await generate(profX), await generate(profX)]).toEqual([400, 400]);
    const refused = await profX.post(`/courses/${encodeURIComponent(courseId)}/farewell`, { subject: 'Bye', body: 'Thanks' });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'too_many_requests', message: expect.stringContaining('2 per minute'), retryAfter: expect.any(Number) });
    expect(refused.headers.get('retry-after')).toBe(String(refused.body.retryAfter));

    expect(await generate(profY)).toBe(400);
    expect([await generate(lms), await generate(lms), await generate(lms), await generate(lms)]).toEqual([400, 400, 400, 429]);
  });

  it('gives a learner who already holds a downloadable certificate that certificate, without a new workflow run', async () => {
    const courseId = uniqueCourseId('Held');
    const learnerId = `held-${randomUUID().slice(0, 8)}`;
    await createCourse(setup.api, courseId, 'self', [learnerId]);
    const learner = httpClient(ctx.service.baseUrl, bearer(await lmsToken({ role: 'learner', sub: learnerId })));
    const path = `/courses/${encodeURIComponent(courseId)}/learners/${learnerId}/certificate`;

    const first = await learner.post(path);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ issued: true, status: 'downloadable', certificateId: expect.stringMatching(UUID) });
    const handle = ctx.service.app.get<Client>(TEMPORAL_CLIENT).workflow.getHandle(learnerRequestWorkflowId(courseId, learnerId));
    const run = await handle.describe();
    expect(run.status.name).toBe('COMPLETED');

    const again = await learner.post(path);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const latest = await handle.describe();
    expect(latest.runId).toBe(run.runId);
    expect(latest.startTime).toEqual(run.startTime);
  });

  it('refuses a second farewell to the same course within FAREWELL_MIN_INTERVAL and says when the next one may be sent', async () => {
    const courseId = uniqueCourseId('Farewell');
    await createCourse(setup.api, courseId, 'instructor', ['fw-a', 'fw-b'].map((l) => `${l}-${courseId.slice(-8)}`));
    const prof = httpClient(ctx.service.baseUrl, bearer(await lmsToken({ role: 'instructor', sub: `prof-${randomUUID()}`, courses: [courseId] })));
    const path = `/courses/${encodeURIComponent(courseId)}/farewell`;

    const sent = await prof.post(path, { subject: 'Thank you', body: 'It was a pleasure.' });
    expect(sent.status).toBe(202);
    expect(sent.body.recipients).toBe(2);
    const again = await prof.post(path, { subject: 'Thank you (again)', body: 'It was a pleasure.' });
    expect(again.status).toBe(429);
    expect(again.body).toMatchObject({ code: 'too_many_requests', message: expect.stringContaining('the next one may be sent from') });
    expect(again.body.retryAfter).toBeGreaterThan(3500);
    expect(again.body.retryAfter).toBeLessThanOrEqual(3600);
    expect(await ctx.service.db.courseMessage.count({ where: { courseId } })).toBe(1);
  });

  it('lets exactly one of concurrent farewells to a course through', async () => {
    const courses = [uniqueCourseId('Race'), uniqueCourseId('Race'), uniqueCourseId('Race')];
    for (const courseId of courses) await createCourse(setup.api, courseId, 'instructor', [`race-${courseId.slice(-8)}`]);
    // Through the generous service: four at once per course, so only the farewell interval can refuse them.
    const outcomes = await Promise.all(
      courses.map(async (courseId) => {
        const statuses = await Promise.all(
          [1, 2, 3, 4].map((n) => setup.api.post(`/courses/${encodeURIComponent(courseId)}/farewell`, { subject: `Farewell ${n}`, body: 'Goodbye.' }).then((r) => r.status)),
        );
        return { statuses: statuses.sort(), rows: await setup.service.db.courseMessage.count({ where: { courseId } }) };
      }),
    );
    for (const outcome of outcomes) expect(outcome).toEqual({ statuses: [202, 429, 429, 429], rows: 1 });
  });

  it('documents a 429 with the error shape and Retry-After on every limited operation, and only there', async () => {
    const document = (await (await fetch(`${ctx.service.baseUrl}/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, any> }>> };
    for (const [path, method] of [['/verify', 'post'], ['/issuer', 'get'], ['/session', 'get'], ['/courses/{courseId}/farewell', 'post'], ['/courses/{courseId}/learners/{learnerId}/certificate', 'post'], ['/courses', 'post']]) {
      const answer = document.paths[path]?.[method]?.responses['429'];
      expect({ path, method, schema: Boolean(answer?.content?.['application/json']?.schema?.properties?.retryAfter), header: Boolean(answer?.headers?.['Retry-After']) }).toEqual({ path, method, schema: true, header: true });
    }
    expect(document.paths['/courses/{courseId}/farewell'].post.responses['429'].description).toContain('FAREWELL_MIN_INTERVAL');
    expect(document.paths['/courses/{courseId}'].get.responses['429']).toBeUndefined();
  });
});

async function adminHeadersFor(sub: string) {
  return bearer(await lmsToken({ role: 'admin', sub }));
}

/** A course with passing learners, through the service with the suite-wide limits. */
async function createCourse(api: ReturnType<typeof httpClient>, courseId: string, pacing: 'self' | 'instructor', learners: string[]) {
  const c = `/courses/${encodeURIComponent(courseId)}`;
  const created = await api.post('/courses', { id: courseId, title: 'Limits', pacing, endAt: new Date(Date.now() + 864e5).toISOString(), certificatesActive: true, passingGrade: 0.5 });
  expect(created.status).toBe(201);
  const enrolled = await api.put(`${c}/enrollments`, { enrollments: learners.map((id) => ({ learnerId: id, email: `${id}@example.org`, name: id, mode: 'verified' })) });
  expect(enrolled.status).toBe(200);
  const graded = await api.put(`${c}/grades`, { grades: learners.map((id) => ({ learnerId: id, grade: 0.9 })) });
  expect(graded.status).toBe(200);
}
