import { REGENERATION_GROUPS } from '../apps/shared/domain/regeneration-groups';
import { bearer, lmsToken } from './helpers/auth';
import { httpClient, uniqueCourseId, useService, waitFor } from './helpers/service';

type Api = ReturnType<typeof httpClient>;

/**
 * Point 7 of issue 11 (seed 003, "Regenerate Certificates"): the five groups an instructor may
 * regenerate, and exactly who each covers. "Learners who have not received certificates" is every
 * enrolled learner without one: not passing, no grade, awaiting ID verification, or enrolled after
 * the certificates were generated (no certificate row at all).
 */
const LEARNERS = {
  received: { mode: 'verified', grade: 0.9, idVerified: true },
  failing: { mode: 'verified', grade: 0.3, idVerified: true },
  ungraded: { mode: 'verified', grade: null, idVerified: true },
  awaitingId: { mode: 'verified', grade: 0.9, idVerified: false },
  auditPassing: { mode: 'audit', grade: 0.9, idVerified: true },
  auditFailing: { mode: 'audit', grade: 0.2, idVerified: true },
  broken: { mode: 'verified', grade: 0.9, idVerified: true },
  late: { mode: 'verified', grade: 0.9, idVerified: true },
} as const;
type Learner = keyof typeof LEARNERS;

async function waitForTask(api: Api, taskId: string) {
  return waitFor(`generation task ${taskId}`, async () => {
    const r = await api.get(`/generation-tasks/${taskId}`);
    return ['succeeded', 'failed'].includes(r.body.state) ? r.body : null;
  });
}

describe('regeneration groups: the five groups of seed 003, each learner in exactly one', () => {
  const ctx = useService();
  const courseId = uniqueCourseId('RegenGroups');
  const suffix = courseId.slice(-8);
  const idOf = (learner: Learner) => `${learner}-${suffix}`;
  const learnerOf = (id: string) => id.slice(0, -(suffix.length + 1)) as Learner;

  const enroll = async (learners: Learner[]) => {
    const enrollments = learners.map((l) => ({ learnerId: idOf(l), email: `${idOf(l)}@example.org`, name: `Learner ${l}`, mode: LEARNERS[l].mode, idVerified: LEARNERS[l].idVerified }));
    expect((await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments })).status).toBe(200);
    const grades = learners.filter((l) => LEARNERS[l].grade !== null).map((l) => ({ learnerId: idOf(l), grade: LEARNERS[l].grade }));
    expect((await ctx.api.put(`/courses/${courseId}/grades`, { grades })).status).toBe(200);
  };

  /** Each learner's certificate status, "none" without a row. */
  const standings = async (): Promise<Record<Learner, string>> => {
    const list = (await ctx.api.get(`/courses/${courseId}/certificates`)).body.certificates as Array<{ learnerId: string; status: string }>;
    const byLearner = new Map(list.map((c) => [learnerOf(c.learnerId), c.status]));
    return Object.fromEntries((Object.keys(LEARNERS) as Learner[]).map((l) => [l, byLearner.get(l) ?? 'none'])) as Record<Learner, string>;
  };

  /** Regenerates the groups through the API; answers the finished task and whose certificates it wrote. */
  const regenerate = async (groups: string[]) => {
    const requested = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'regenerate', groups });
    expect(requested.status).toBe(202);
    const task = await waitForTask(ctx.api, requested.body.id);
    // The API does not say which rows a task wrote; the rows themselves do (certificates.task_id).
    const rows = await ctx.service.db.certificate.findMany({ where: { courseId, taskId: task.id }, select: { learnerId: true } });
    return { task, written: rows.map((r) => learnerOf(r.learnerId)).sort() };
  };

  beforeAll(async () => {
    const created = await ctx.api.post('/courses', {
      id: courseId,
      title: 'Regeneration groups',
      pacing: 'instructor',
      endAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      passingGrade: 0.6,
      idVerificationRequired: true,
      certificatesActive: true,
    });
    expect(created.status).toBe(201);
    await enroll(['received', 'failing', 'ungraded', 'awaitingId', 'auditPassing', 'auditFailing', 'broken']);
    const generation = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners' });
    expect(await waitForTask(ctx.api, generation.body.id)).toMatchObject({ state: 'succeeded', total: 7 });
    // A learner whose certificate could not be built (test/issuance-failures.test.ts makes one with a
    // broken signing key); here the row is put in that state directly.
    await ctx.service.db.certificate.update({
      where: { courseId_learnerId: { courseId, learnerId: idOf('broken') } },
      data: { status: 'error', jws: null, keyId: null, issuedAt: null, errorReason: 'simulated: the PDF could not be built' },
    });
    // Enrolled after the certificates were generated: no certificate row at all.
    await enroll(['late']);
  }, 60_000);

  it('starts with one learner in each standing', async () => {
    expect(await standings()).toEqual({
      received: 'downloadable',
      failing: 'notpassing',
      ungraded: 'notpassing',
      awaitingId: 'unavailable',
      auditPassing: 'audit_passing',
      auditFailing: 'audit_notpassing',
      broken: 'error',
      late: 'none',
    });
  });

  // In the order the seed lists them; each task re-decides exactly its learners.
  it.each([
    ['downloadable', 'Learners who have already received certificates', ['received'], 1],
    ['notpassing', 'Learners who have not received certificates', ['awaitingId', 'failing', 'late', 'ungraded'], 1],
    ['audit_passing', 'Learners with audit passing status', ['auditPassing'], 0],
    ['audit_notpassing', 'Learners with audit not passing status', ['auditFailing'], 0],
    ['error', 'Learners in an error state', ['broken'], 1],
  ] as const)('%s (%s) covers exactly %j', async (group, _label, learners, issued) => {
    const { task, written } = await regenerate([group]);
    expect(task).toMatchObject({ state: 'succeeded', kind: 'regenerate', groups: [group], total: learners.length, done: learners.length, issued, failed: 0 });
    expect(written).toEqual([...learners].sort());
  });

  it('leaves each learner where the rules put them: the late learner and the broken certificate are issued', async () => {
    expect(await standings()).toEqual({
      received: 'downloadable',
      failing: 'notpassing',
      ungraded: 'notpassing',
      awaitingId: 'unavailable',
      auditPassing: 'audit_passing',
      auditFailing: 'audit_notpassing',
      broken: 'downloadable',
      late: 'downloadable',
    });
  });

  it('all five groups together cover every enrolled learner once', async () => {
    const { task, written } = await regenerate([...REGENERATION_GROUPS]);
    expect(task).toMatchObject({ state: 'succeeded', total: 8, done: 8, issued: 3, failed: 0 });
    expect(written).toEqual((Object.keys(LEARNERS) as Learner[]).sort());
  });

  it('accepts only the five group names', async () => {
    const unknown = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'regenerate', groups: ['unavailable'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields[0].field).toBe('body.groups.0');
  });

  it("the instructor's Certificates page offers exactly the five groups, with the seed's labels", async () => {
    const instructor = bearer(await lmsToken({ role: 'instructor', sub: 'prof-groups', courses: [courseId] }));
    const page = await fetch(`${ctx.service.baseUrl}/app/courses/${encodeURIComponent(courseId)}/certificates`, { headers: { ...instructor, accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const offered = [...html.matchAll(/<input type="checkbox" name="groups\[\]" value="([^"]+)">\s*([^<]+?)\s*<\/label>/g)].map((m) => [m[1], m[2]]);
    expect(offered).toEqual([
      ['downloadable', 'Learners who have already received certificates'],
      ['notpassing', 'Learners who have not received certificates'],
      ['audit_passing', 'Learners with audit passing status'],
      ['audit_notpassing', 'Learners with audit not passing status'],
      ['error', 'Learners in an error state'],
    ]);
    // Seed 001: "...and click the Regenerate Certificates button."
    expect(html).toMatch(/<button type="submit">Regenerate Certificates<\/button>/);
  });
});
