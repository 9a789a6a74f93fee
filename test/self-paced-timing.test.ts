import { startMailCatcher } from '../scripts/lib/mail-catcher.cjs';
import { useService, uniqueCourseId, waitFor } from './helpers/service';

type Catcher = Awaited<ReturnType<typeof startMailCatcher>>;

/**
 * Timing kept by Temporal: a self-paced course issues to every qualified learner at intervals
 * (seed 000), the LMS's "Finish" requests the certificate (seed 002), and the "certificate
 * available" mail waits until the display behaviour shows the certificate.
 */
describe('self-paced timing: interval issuance, Finish, mail when visible', () => {
  let catcher: Catcher;
  // A short interval so a run comes within the test; the default is one day.
  const env: Record<string, string> = { SELF_PACED_ISSUANCE_INTERVAL: '2s' };
  beforeAll(async () => {
    catcher = await startMailCatcher();
    env.SMTP_URL = catcher.smtpUrl;
  });
  afterAll(async () => {
    await catcher?.stop();
  });
  const ctx = useService(env);

  async function createCourse(courseId: string, settings: Record<string, unknown>) {
    const created = await ctx.api.post('/courses', {
      id: courseId,
      title: `Timing ${courseId.slice(-8)}`,
      endAt: new Date(Date.now() + 3_600_000).toISOString(),
      passingGrade: 0.6,
      certificatesActive: true,
      ...settings,
    });
    expect(created.status).toBe(201);
  }

  async function enroll(courseId: string, people: Array<{ id: string; grade: number }>) {
    const tag = courseId.slice(-8);
    const learnerId = (id: string) => `${id}-${tag}`;
    const enrollments = people.map((p) => ({ learnerId: learnerId(p.id), email: `${learnerId(p.id)}@example.org`, name: `Learner ${p.id}`, mode: 'verified' }));
    expect((await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments })).status).toBe(200);
    expect((await ctx.api.put(`/courses/${courseId}/grades`, { grades: people.map((p) => ({ learnerId: learnerId(p.id), grade: p.grade })) })).status).toBe(200);
    return learnerId;
  }

  it('a self-paced course issues to a qualified learner who never requested, at intervals recorded in the history, without re-signing', async () => {
    const courseId = uniqueCourseId('Interval');
    await createCourse(courseId, { pacing: 'self' });
    const learnerId = await enroll(courseId, [
      { id: 'quiet', grade: 0.9 },
      { id: 'failing', grade: 0.3 },
    ]);

    const certificate = await waitFor('the interval run to issue the certificate', async () => {
      const rows = (await ctx.api.get(`/courses/${courseId}/certificates?learner=${learnerId('quiet')}`)).body.certificates as Array<{ id: string; status: string }>;
      return rows.find((c) => c.status === 'downloadable');
    });
    const tasks = (await ctx.api.get(`/courses/${courseId}/generation-tasks`)).body.tasks as Array<{ kind: string; requestedBy: string; state: string }>;
    expect(tasks.some((t) => t.kind === 'all_learners' && t.requestedBy === 'system (interval)')).toBe(true);
    expect(tasks.every((t) => t.requestedBy === 'system (interval)')).toBe(true);

    // A later run issues nothing new and leaves the issued credential as it was.
    const before = await ctx.service.db.certificate.findUniqueOrThrow({ where: { id: certificate.id } });
    await waitFor('another interval run to finish', async () => {
      const list = (await ctx.api.get(`/courses/${courseId}/generation-tasks`)).body.tasks as Array<{ state: string; requestedAt: string }>;
      return list.filter((t) => t.state === 'succeeded' && Date.parse(t.requestedAt) > before.updatedAt.getTime()).length > 0;
    });
    const after = await ctx.service.db.certificate.findUniqueOrThrow({ where: { id: certificate.id } });
    expect(after.jws).toBe(before.jws);
    expect(after.issuedAt).toEqual(before.issuedAt);
    const failing = (await ctx.api.get(`/courses/${courseId}/certificates?learner=${learnerId('failing')}`)).body.certificates as Array<{ status: string }>;
    expect(failing.some((c) => c.status === 'downloadable')).toBe(false);
  }, 60_000);

  it('an instructor-paced course has no interval runs', async () => {
    const courseId = uniqueCourseId('NoInterval');
    await createCourse(courseId, { pacing: 'instructor' });
    await enroll(courseId, [{ id: 'ada', grade: 0.9 }]);
    // The lifecycle reports its state once it has read the schedule; its timers run beside it.
    await waitFor('the lifecycle to read its schedule', async () => (await ctx.api.get(`/courses/${courseId}`)).body.lifecycle?.finalizesAt);
    await new Promise((r) => setTimeout(r, 4000));
    expect((await ctx.api.get(`/courses/${courseId}/generation-tasks`)).body).toEqual({ tasks: [], nextCursor: null });
  }, 30_000);

  it('"Finish" requests the certificate like the learner\'s request, idempotently; 409 where the course does not issue on demand', async () => {
    // Learner-generated in an instructor-paced course: on demand, with no interval runs to get there first.
    const courseId = uniqueCourseId('Finish');
    await createCourse(courseId, { pacing: 'instructor', learnerGeneratedEnabled: true });
    const learnerId = await enroll(courseId, [
      { id: 'done', grade: 0.9 },
      { id: 'short', grade: 0.2 },
    ]);
    const finished = await ctx.api.post(`/courses/${courseId}/learners/${learnerId('done')}/finish`);
    expect(finished.status).toBe(200);
    expect(finished.body).toMatchObject({ issued: true, status: 'downloadable' });
    const run = await ctx.service.db.certificate.findFirstOrThrow({ where: { courseId, learnerId: learnerId('done') } });
    expect(finished.body.certificateId).toBe(run.id);
    const again = await ctx.api.post(`/courses/${courseId}/learners/${learnerId('done')}/finish`);
    expect(again.body).toEqual(finished.body);
    const request = await ctx.api.post(`/courses/${courseId}/learners/${learnerId('done')}/certificate`);
    expect(request.body).toEqual(finished.body);

    const short = await ctx.api.post(`/courses/${courseId}/learners/${learnerId('short')}/finish`);
    expect(short.status).toBe(200);
    expect(short.body).toMatchObject({ issued: false, reason: 'grade_below_passing', certificateId: null });

    const bulk = uniqueCourseId('FinishBulk');
    await createCourse(bulk, { pacing: 'instructor' });
    const bulkLearner = await enroll(bulk, [{ id: 'done', grade: 0.9 }]);
    const refused = await ctx.api.post(`/courses/${bulk}/learners/${bulkLearner('done')}/finish`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/generated by the course team/);
  }, 60_000);

  it('under "end", the certificate mail waits for the course end, then goes out once', async () => {
    const courseId = uniqueCourseId('MailAtEnd');
    await createCourse(courseId, { pacing: 'instructor', learnerGeneratedEnabled: true, displayBehavior: 'end', endAt: new Date(Date.now() + 5000).toISOString() });
    const learnerId = await enroll(courseId, [{ id: 'early', grade: 0.9 }]);
    const email = `${learnerId('early')}@example.org`;
    const issued = await ctx.api.post(`/courses/${courseId}/learners/${learnerId('early')}/certificate`);
    expect(issued.body).toMatchObject({ issued: true });
    // Issued before the course end: the request's workflow has finished, and nothing was mailed.
    const row = await ctx.service.db.certificate.findUniqueOrThrow({ where: { id: issued.body.certificateId } });
    expect(row.mailSentAt).toBeNull();
    expect(catcher.messages.some((m) => m.to.includes(email))).toBe(false);

    const [mail] = await catcher.waitFor(1, (m) => m.to.includes(email));
    expect(mail.subject).toMatch(/^Your certificate for .* is available$/);
    const course = await ctx.service.db.course.findUniqueOrThrow({ where: { id: courseId } });
    const sent = await waitFor('the mail to be marked as sent', async () => (await ctx.service.db.certificate.findUniqueOrThrow({ where: { id: row.id } })).mailSentAt);
    expect(sent.getTime()).toBeGreaterThanOrEqual(course.endAt.getTime());

    // Another request after the end mails nobody again.
    await ctx.api.post(`/courses/${courseId}/learners/${learnerId('early')}/certificate`);
    expect(catcher.messages.filter((m) => m.to.includes(email))).toHaveLength(1);
  }, 60_000);
});
