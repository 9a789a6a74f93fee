import type { z } from 'zod';
import * as R from '../apps/api/src/common/response-schemas';
import { bearer, lmsToken } from './helpers/auth';
import { generateAfterCourseEnd } from './helpers/generation';
import { useService, uniqueCourseId, waitFor } from './helpers/service';

type Operation = { security?: Array<Record<string, string[]>>; responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; requestBody?: unknown };

/** The published API description: every operation says who may call it, what it takes and how it fails. */
describe('OpenAPI document at /docs', () => {
  const ctx = useService({}, { worker: false });

  it('describes authentication, request bodies and the error shape of every operation', async () => {
    const response = await fetch(`${ctx.service.baseUrl}/docs/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, { type: string }> } };
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['api-key', 'lms-token']);

    const problems: string[] = [];
    const PUBLIC = /^\/(verify|status|keys|issuer|\.well-known|did\.json|health|session|oid4vci)/;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (!Object.keys(operation.responses).some((status) => /^[23]\d\d$/.test(status))) problems.push(`${name}: no success response described`);
        for (const status of ['400', '404', '500']) {
          if (!operation.responses[status]?.content?.['application/json']?.schema) problems.push(`${name}: no ${status} error schema`);
        }
        if (!PUBLIC.test(path)) {
          if (!operation.security?.some((s) => 'lms-token' in s)) problems.push(`${name}: no bearer security`);
          if (!operation.responses['401'] || !operation.responses['403']) problems.push(`${name}: 401/403 not described`);
        }
        const takesBody = ['post', 'put', 'patch'].includes(method) && !/\/(logout|retry|certificate|finish|reinstatement|removal|nonce)$/.test(path) && path !== '/verify';
        if (takesBody && !operation.requestBody) problems.push(`${name}: request body not described`);
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(document.paths)).not.toContain('/app');
    for (const path of ['/.well-known/did.json', '/did.json']) {
      expect(Object.keys(document.paths[path]?.get?.responses['200']?.content ?? {})).toEqual(['application/did+json', 'application/json']);
    }
  });
});

/** Real answers parsed with the schemas /docs publishes: the documentation cannot drift from the code. */
describe('documented answers match real ones', () => {
  const ctx = useService();

  it('every JSON answer of a whole course parses with its documented schema', async () => {
    const checked: string[] = [];
    const expectShape = <S extends z.ZodType>(what: string, schema: S, body: unknown): z.infer<S> => {
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw new Error(`${what} does not match its documented schema: ${parsed.error.message}\n${JSON.stringify(body).slice(0, 400)}`);
      checked.push(what);
      return parsed.data;
    };
    const courseId = uniqueCourseId('Docs');
    const c = `/courses/${courseId}`;
    const tag = courseId.slice(-8);
    expectShape('POST /courses', R.courseResponse, (await ctx.api.post('/courses', { id: courseId, title: 'Documented', pacing: 'self', endAt: new Date(Date.now() + 864e5).toISOString(), certificatesActive: true, passingGrade: 0.5 })).body);
    expectShape('PUT lessons', R.ingestionResponse, (await ctx.api.put(`${c}/lessons`, { lessons: [{ id: 'l1', title: 'One', required: true }] })).body);
    expectShape('PUT enrollments', R.ingestionResponse, (await ctx.api.put(`${c}/enrollments`, { enrollments: ['a', 'b', 'c'].map((x) => ({ learnerId: `${x}-${tag}`, email: `${x}-${tag}@example.org`, name: `Learner ${x}`, mode: 'verified' })) })).body);
    expectShape('PUT grades', R.ingestionResponse, (await ctx.api.put(`${c}/grades`, { grades: [{ learnerId: `a-${tag}`, grade: 0.9 }, { learnerId: `b-${tag}`, grade: 0.2 }] })).body);
    expectShape('PUT completions', R.ingestionResponse, (await ctx.api.put(`${c}/completions`, { completions: [{ learnerId: `a-${tag}`, lessonId: 'l1' }] })).body);
    expectShape('POST imports', R.importResponse, (await ctx.api.raw('POST', `${c}/imports/grades`, `learnerId,grade\nc-${tag},0.7\n`, { 'content-type': 'text/csv' })).body);
    expectShape('PATCH course', R.courseUpdateResponse, (await ctx.api.patch(c, { learnerGeneratedEnabled: true })).body);
    expectShape('PUT activation', R.courseResponse, (await ctx.api.put(`${c}/certificates/activation`, { active: true })).body);
    expectShape('GET preview', R.specimenResponse, (await ctx.api.get(`${c}/certificate-preview`)).body);
    expectShape('GET progress', R.progressResponse, (await ctx.api.get(`${c}/learners/a-${tag}/progress`)).body);
    const requested = expectShape('POST learner certificate', R.learnerRequestResponse, (await ctx.api.post(`${c}/learners/a-${tag}/certificate`)).body);
    const certificateId = requested.certificateId!;
    const task = expectShape('POST generation-tasks', R.taskResponse, (await ctx.api.post(`${c}/generation-tasks`, { kind: 'all_learners' })).body);
    await waitFor('the task', async () => (await ctx.api.get(`/generation-tasks/${task.id}`)).body.state === 'succeeded');
    expectShape('GET generation task', R.taskResponse, (await ctx.api.get(`/generation-tasks/${task.id}`)).body);
    expectShape('GET generation-tasks', R.taskPageResponse, (await ctx.api.get(`${c}/generation-tasks`)).body);
    expectShape('POST retry', R.taskResponse, (await ctx.api.post(`/generation-tasks/${task.id}/retry`, {})).body);
    expectShape('GET course', R.courseDetailResponse, (await ctx.api.get(c)).body);
    expectShape('GET certificates', R.certificatePageResponse, (await ctx.api.get(`${c}/certificates`)).body);
    expectShape('GET certificate', R.certificateResponse, (await ctx.api.get(`/certificates/${certificateId}`)).body);
    expectShape('GET share', R.shareResponse, (await ctx.api.get(`/certificates/${certificateId}/share`)).body);
    expectShape('GET visibility', R.visibilityResponse, (await ctx.api.get(`/certificates/${certificateId}/visibility`)).body);
    const learnerA = bearer(await lmsToken({ role: 'learner', sub: `a-${tag}` }));
    expectShape('PUT visibility', R.visibilityResponse, (await ctx.api.raw('PUT', `/certificates/${certificateId}/visibility`, { visibility: 'public' }, learnerA)).body);
    expectShape('GET verify', R.verificationResponse, (await ctx.api.get(`/verify/${certificateId}`)).body);
    const jws = await (await ctx.api.fetch(`/certificates/${certificateId}/credential.jwt`)).text();
    expectShape('POST verify', R.verificationResponse, (await ctx.api.post('/verify', { credential: jws })).body);
    expectShape('POST invalidation', R.invalidationCreatedResponse, (await ctx.api.post(`/certificates/${certificateId}/invalidations`, { notes: 'checking the docs' })).body);
    expectShape('POST reinstatement', R.certificateResponse, (await ctx.api.post(`/certificates/${certificateId}/reinstatement`, {})).body);
    expectShape('POST exception', R.exceptionResponse, (await ctx.api.post(`${c}/exceptions`, { learner: `b-${tag}`, notes: 'docs' })).body);
    expectShape('POST exceptions import', R.exceptionImportResponse, (await ctx.api.raw('POST', `${c}/exceptions/import`, `c-${tag},docs\nnobody,x\n`, { 'content-type': 'text/csv' })).body);
    expectShape('GET exceptions', R.exceptionPageResponse, (await ctx.api.get(`${c}/exceptions`)).body);
    expectShape('POST exception removal', R.exceptionRemovalResponse, (await ctx.api.post(`${c}/exceptions/b-${tag}/removal`, {})).body);
    expectShape('POST farewell', R.farewellResponse, (await ctx.api.post(`${c}/farewell`, { subject: 'Bye', body: 'Thanks.' })).body);
    expectShape('GET health', R.healthResponse, (await ctx.api.get('/health')).body);
    const jwks = expectShape('GET jwks', R.jwksResponse, (await ctx.api.get('/.well-known/jwks.json')).body);
    expectShape('GET key', R.jwkResponse, (await ctx.api.get(`/keys/${jwks.keys[0].kid.split('/').pop()}`)).body);
    expectShape('GET issuer', R.issuerResponse, (await ctx.api.get('/issuer')).body);
    expectShape('GET /me (learner)', R.meResponse, (await ctx.api.get('/me', bearer(await lmsToken({ role: 'learner', sub: `a-${tag}` })))).body);
    expectShape('GET /me (instructor)', R.meResponse, (await ctx.api.get('/me', bearer(await lmsToken({ role: 'instructor', sub: 'prof', courses: [courseId] })))).body);
    expect(checked).toHaveLength(36);
  }, 60_000);

  it('a regrade task, started by grades that change after finalization, parses and has its name on the dashboard', async () => {
    const courseId = uniqueCourseId('Regraded');
    const c = `/courses/${courseId}`;
    const learnerId = `r-${courseId.slice(-8)}`;
    expect((await ctx.api.post('/courses', { id: courseId, title: 'Regraded', pacing: 'instructor', endAt: new Date(Date.now() + 1000).toISOString(), certificatesActive: true, passingGrade: 0.5 })).status).toBe(201);
    await ctx.api.put(`${c}/enrollments`, { enrollments: [{ learnerId, email: `${learnerId}@example.org`, name: 'Regraded Learner', mode: 'verified' }] });
    await ctx.api.put(`${c}/grades`, { grades: [{ learnerId, grade: 0.4 }] });
    await generateAfterCourseEnd(ctx.api, courseId);
    await ctx.api.put(`${c}/grades`, { grades: [{ learnerId, grade: 0.9 }] });

    const tasks = await waitFor('the regrade task', async () => {
      const body = (await ctx.api.get(`${c}/generation-tasks`)).body.tasks as Array<{ kind: string; state: string }>;
      return body.some((t) => t.kind === 'regrade' && t.state === 'succeeded') ? body : null;
    });
    const parsed = R.taskResponse.array().safeParse(tasks);
    if (!parsed.success) throw new Error(`the tasks do not match their documented schema: ${parsed.error.message}`);
    expect(parsed.data.map((t) => t.kind)).toEqual(['regrade', 'all_learners']);
    expect(R.courseDetailResponse.parse((await ctx.api.get(c)).body).certificates).toEqual({ downloadable: 1 });

    const dashboard = await (await ctx.api.fetch(`/app/courses/${encodeURIComponent(courseId)}/certificates`)).text();
    expect(dashboard).toContain('Grade changes after finalization');
    expect(dashboard).toContain('1 issued');
  }, 60_000);
});
