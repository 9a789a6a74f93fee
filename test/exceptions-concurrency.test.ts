/**
 * Exceptions and invalidations under concurrent requests, through the real HTTP API: the
 * database's constraints decide who wins, so every answer is one a sequential run could give
 * and the data stays consistent (one exception row, at most one active invalidation).
 */
import { randomUUID } from 'node:crypto';
import { generateAfterCourseEnd } from './helpers/generation';
import { httpClient, uniqueCourseId, useService, waitFor, type HttpResult } from './helpers/service';

type Api = ReturnType<typeof httpClient>;

const N = 16;

function countBy(results: HttpResult[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/** Two kinds of request, alternately, so that they reach the API mixed, not in two waves. */
function interleave<T>(count: number, a: T, b: T): T[] {
  return Array.from({ length: count }, (_, i) => (i % 2 === 0 ? a : b));
}

describe('exceptions and invalidations under concurrent requests', () => {
  const ctx = useService();
  let courseId: string;
  let id: (name: string) => string;
  const certificateOf: Record<string, string> = {};

  /**
   * Sends the calls together. The client shares this process with the API, so it first opens one
   * connection per call (a cheap read each); otherwise connecting would space the calls out.
   */
  async function atOnce(calls: Array<() => Promise<HttpResult>>): Promise<HttpResult[]> {
    await Promise.all(calls.map(() => ctx.api.get(`/courses/${courseId}`)));
    return Promise.all(calls.map((call) => call()));
  }

  const activeInvalidations = (certificateId: string) => ctx.service.db.invalidation.count({ where: { certificateId, active: true } });
  const grant = (learner: string) => ctx.api.post(`/courses/${courseId}/exceptions`, { learner, notes: 'concurrency' });
  const remove = (learnerId: string) => ctx.api.post(`/courses/${courseId}/exceptions/${learnerId}/removal`, {});
  const invalidate = (certificateId: string) => ctx.api.post(`/certificates/${certificateId}/invalidations`, { notes: 'concurrency' });
  const reinstate = (certificateId: string) => ctx.api.post(`/certificates/${certificateId}/reinstatement`, {});

  /** An ended course whose failing learners hold certificates on the exception list only. */
  beforeAll(async () => {
    const api: Api = ctx.api;
    courseId = uniqueCourseId('Concurrency');
    const created = await api.post('/courses', { id: courseId, title: 'Concurrency course', pacing: 'instructor', endAt: new Date(Date.now() + 1000).toISOString(), certificatesActive: true, passingGrade: 0.6 });
    expect(created.status).toBe(201);
    const suffix = courseId.slice(-8);
    id = (name: string) => `${name}-${suffix}`;
    const people = [
      ['passer', 0.9],
      ['grantee1', 0.2],
      ['grantee2', 0.5],
      ['grantee3', null],
      ['grantee4', 0.1],
      ['csv1', 0.2],
      ['csv2', 0.3],
      ['csv3', null],
      ['removed', 0.2],
      ['flip', 0.2],
      ['mixed', 0.2],
      ['toggled', 0.9],
    ] as const;
    expect((await api.put(`/courses/${courseId}/enrollments`, {
      enrollments: people.map(([name]) => ({ learnerId: id(name), email: `${id(name)}@example.org`, name: `Learner ${name}`, mode: 'verified' })),
    })).status).toBe(200);
    expect((await api.put(`/courses/${courseId}/grades`, {
      grades: people.filter(([, grade]) => grade !== null).map(([name, grade]) => ({ learnerId: id(name), grade })),
    })).status).toBe(200);
    await generateAfterCourseEnd(api, courseId);

    for (const name of ['removed', 'flip', 'mixed']) expect((await grant(id(name))).status).toBe(201);
    const task = await api.post(`/courses/${courseId}/generation-tasks`, { kind: 'exceptions_missing' });
    expect(task.status).toBe(202);
    const done = await waitFor('exceptions_missing task', async () => {
      const r = await api.get(`/generation-tasks/${task.body.id}`);
      return ['succeeded', 'failed'].includes(r.body.state) ? r.body : null;
    });
    expect(done).toMatchObject({ state: 'succeeded', issued: 3 });
    for (const c of (await api.get(`/courses/${courseId}/certificates`)).body.certificates as Array<{ id: string; learnerId: string; status: string }>) {
      if (c.status === 'downloadable') certificateOf[c.learnerId] = c.id;
    }
    for (const name of ['passer', 'removed', 'flip', 'mixed', 'toggled']) expect(certificateOf[id(name)]).toBeDefined();
  });

  it(`${N} grants of the same learner at once, for 4 learners together: one 201 each, the rest 409, one exception row`, async () => {
    const learners = ['grantee1', 'grantee2', 'grantee3', 'grantee4'].map(id);
    // Round-robin, so each learner's grants are spread over the whole burst.
    const requests = Array.from({ length: N * learners.length }, (_, i) => learners[i % learners.length]);
    const answers = await atOnce(requests.map((learner) => () => grant(learner)));
    for (const learner of learners) {
      const mine = answers.filter((_, i) => requests[i] === learner);
      expect(countBy(mine)).toEqual({ 201: 1, 409: N - 1 });
      const added = mine.find((a) => a.status === 201)!.body;
      expect(added).toMatchObject({ learnerId: learner, notes: 'concurrency', certificateGeneratedAt: null });
      expect(Math.abs(Date.parse(added.grantedAt) - Date.now())).toBeLessThan(60_000);
      for (const a of mine.filter((a) => a.status === 409)) expect(a.body).toMatchObject({ code: 'conflict', message: `${learner} is already on the exception list` });
    }
    const rows = await ctx.service.db.certificateException.findMany({ where: { courseId, learnerId: { in: learners } } });
    expect(rows).toHaveLength(learners.length);
    expect(rows.every((r) => r.active)).toBe(true);
    // Stored as the moment of the grant (UTC), whatever the database session's time zone.
    for (const r of rows) expect(Math.abs(r.grantedAt.getTime() - Date.now())).toBeLessThan(60_000);
    const list = (await ctx.api.get(`/courses/${courseId}/exceptions?limit=500`)).body.exceptions as Array<{ learnerId: string }>;
    expect(list.filter((e) => learners.includes(e.learnerId))).toHaveLength(learners.length);
  });

  it('the same CSV imported 8 times at once: each learner is added by exactly one upload', async () => {
    const csv = ['learner,notes', `${id('csv1')},one`, `${id('csv2')}@example.org,two`, `${id('csv3')},three`].join('\n');
    const uploads = await atOnce(Array(8).fill(() => ctx.api.raw('POST', `/courses/${courseId}/exceptions/import`, csv, { 'content-type': 'text/csv' })));
    expect(uploads.map((u) => u.status)).toEqual(Array(8).fill(200));
    expect(uploads.reduce((sum, u) => sum + (u.body.added as number), 0)).toBe(3);
    for (const line of [2, 3, 4]) {
      const results = uploads.map((u) => (u.body.results as Array<{ line: number; result: string }>).find((r) => r.line === line)!.result);
      expect(results.filter((r) => r === 'added')).toHaveLength(1);
      expect(results.filter((r) => r === 'already_listed')).toHaveLength(7);
    }
    expect(await ctx.service.db.certificateException.count({ where: { courseId, learnerId: { in: [id('csv1'), id('csv2'), id('csv3')] }, active: true } })).toBe(3);
  });

  it(`an exception removed ${N} times at once: one 200 that invalidates the certificate, the rest 404, one active invalidation`, async () => {
    const answers = await atOnce(Array(N).fill(() => remove(id('removed'))));
    expect(countBy(answers)).toEqual({ 200: 1, 404: N - 1 });
    expect(answers.find((a) => a.status === 200)!.body).toEqual({ courseId, learnerId: id('removed'), removed: true, certificateInvalidated: true });
    expect(await activeInvalidations(certificateOf[id('removed')])).toBe(1);
    expect((await ctx.api.get(`/verify/${certificateOf[id('removed')]}`)).body.verdict).toBe('revoked');
  });

  it('grants and removals of one learner interleaved: every answer matches one order of events, and the data agrees', async () => {
    const answers = await atOnce(interleave(20, () => remove(id('flip')), () => grant(id('flip'))));
    const removals = answers.filter((_, i) => i % 2 === 0);
    const grants = answers.filter((_, i) => i % 2 === 1);
    expect(removals.every((r) => r.status === 200 || r.status === 404)).toBe(true);
    expect(grants.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    // The exception started active; each accepted removal turned it off and each accepted grant
    // on again, alternately, so their counts differ by at most one and say where it ended.
    const removed = removals.filter((r) => r.status === 200).length;
    const granted = grants.filter((r) => r.status === 201).length;
    const row = await ctx.service.db.certificateException.findUniqueOrThrow({ where: { courseId_learnerId: { courseId, learnerId: id('flip') } } });
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(removed - granted).toBe(row.active ? 0 : 1);
    // Only the first removal invalidates; later ones find the certificate already invalidated.
    expect(removals.filter((r) => r.status === 200 && r.body.certificateInvalidated === true)).toHaveLength(1);
    expect(await activeInvalidations(certificateOf[id('flip')])).toBe(1);
  });

  it(`one certificate invalidated ${N} times at once: one 201, the rest 409, one active invalidation`, async () => {
    const certificateId = certificateOf[id('passer')];
    const answers = await atOnce(Array(N).fill(() => invalidate(certificateId)));
    expect(countBy(answers)).toEqual({ 201: 1, 409: N - 1 });
    for (const a of answers.filter((a) => a.status === 409)) expect(a.body).toMatchObject({ code: 'conflict', message: `certificate ${certificateId} is already invalidated` });
    expect(await activeInvalidations(certificateId)).toBe(1);
    expect(answers.find((a) => a.status === 201)!.body).toMatchObject({ certificateId, active: true });
  });

  it('invalidations by the course team racing an exception removal: one active invalidation, claimed by exactly one request', async () => {
    const certificateId = certificateOf[id('mixed')];
    const [removal, ...invalidations] = await atOnce([() => remove(id('mixed')), ...Array(8).fill(() => invalidate(certificateId))]);
    expect(removal.status).toBe(200);
    const created = invalidations.filter((r) => r.status === 201).length;
    expect(invalidations.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(created + (removal.body.certificateInvalidated ? 1 : 0)).toBe(1);
    expect(await activeInvalidations(certificateId)).toBe(1);
  });

  it('invalidations and reinstatements of one certificate interleaved: the answers and the data agree', async () => {
    const certificateId = certificateOf[id('toggled')];
    const answers = await atOnce(interleave(20, () => invalidate(certificateId), () => reinstate(certificateId)));
    const invalidated = answers.filter((r, i) => i % 2 === 0 && r.status === 201).length;
    const reinstated = answers.filter((r, i) => i % 2 === 1 && r.status === 200).length;
    expect(answers.every((r) => [200, 201, 409].includes(r.status))).toBe(true);
    const active = await activeInvalidations(certificateId);
    expect(active).toBeLessThanOrEqual(1);
    expect(invalidated - reinstated).toBe(active);
    expect(await ctx.service.db.invalidation.count({ where: { certificateId } })).toBe(invalidated);
  });

  it('the database itself refuses a second active invalidation of a certificate, and keeps any number of lifted ones', async () => {
    const certificateId = certificateOf[id('passer')];
    expect(await activeInvalidations(certificateId)).toBe(1);
    const row = { certificateId, notes: 'written directly', invalidatedBy: 'test' };
    await expect(ctx.service.db.invalidation.create({ data: row })).rejects.toMatchObject({ code: 'P2002' });
    await expect(
      ctx.service.db.$executeRaw`INSERT INTO invalidations (id, certificate_id, notes, invalidated_by) VALUES (${randomUUID()}::uuid, ${certificateId}::uuid, 'raw', 'test')`,
    ).rejects.toThrow(/invalidations_one_active_per_certificate|Unique constraint/);
    await ctx.service.db.invalidation.createMany({ data: [{ ...row, active: false }, { ...row, active: false }] });
    expect(await ctx.service.db.invalidation.count({ where: { certificateId, active: false } })).toBeGreaterThanOrEqual(2);
    expect(await activeInvalidations(certificateId)).toBe(1);
  });

  it('an honor learner in a course without honor certificates cannot be granted an exception (the rules module decides)', async () => {
    const honorCourse = uniqueCourseId('HonorOff');
    expect((await ctx.api.post('/courses', { id: honorCourse, title: 'No honor', pacing: 'self', endAt: new Date(Date.now() + 86_400_000).toISOString(), certificatesActive: true, passingGrade: 0.5, honorEligible: false })).status).toBe(201);
    const learner = `honor-${honorCourse.slice(-8)}`;
    expect((await ctx.api.put(`/courses/${honorCourse}/enrollments`, { enrollments: [{ learnerId: learner, email: `${learner}@example.org`, name: 'Honor learner', mode: 'honor' }] })).status).toBe(200);
    const refused = await ctx.api.post(`/courses/${honorCourse}/exceptions`, { learner });
    expect(refused.status).toBe(400);
    expect(refused.body.fields[0]).toMatchObject({ field: 'body.learner' });
    expect(refused.body.fields[0].message).toContain('honor');
    const imported = await ctx.api.raw('POST', `/courses/${honorCourse}/exceptions/import`, `${learner},x`, { 'content-type': 'text/csv' });
    expect(imported.body.results).toEqual([{ line: 1, learner, result: 'rejected', message: refused.body.fields[0].message }]);
    expect(await ctx.service.db.certificateException.count({ where: { courseId: honorCourse } })).toBe(0);
  });
});
