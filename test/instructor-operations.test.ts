import { generateAfterCourseEnd } from './helpers/generation';
import { httpClient, useService, uniqueCourseId, waitFor } from './helpers/service';

type Api = ReturnType<typeof httpClient>;

async function createEndedCourse(api: Api, label: string, extra: Record<string, unknown> = {}) {
  const courseId = uniqueCourseId(label);
  const created = await api.post('/courses', {
    id: courseId,
    title: `${label} course`,
    pacing: 'instructor',
    endAt: new Date(Date.now() + 1000).toISOString(),
    certificatesActive: true,
    passingGrade: 0.6,
    ...extra,
  });
  expect(created.status).toBe(201);
  return courseId;
}

async function enroll(api: Api, courseId: string, people: Array<{ id: string; mode?: string; grade: number | null }>) {
  const suffix = courseId.slice(-8);
  expect(
    (await api.put(`/courses/${courseId}/enrollments`, {
      enrollments: people.map((p) => ({ learnerId: `${p.id}-${suffix}`, email: `${p.id}-${suffix}@example.org`, name: `Learner ${p.id}`, mode: p.mode ?? 'verified' })),
    })).status,
  ).toBe(200);
  const graded = people.filter((p) => p.grade !== null);
  if (graded.length) {
    expect((await api.put(`/courses/${courseId}/grades`, { grades: graded.map((p) => ({ learnerId: `${p.id}-${suffix}`, grade: p.grade })) })).status).toBe(200);
  }
  return (id: string) => `${id}-${suffix}`;
}

async function waitForTask(api: Api, taskId: string) {
  return waitFor(`generation task ${taskId}`, async () => {
    const r = await api.get(`/generation-tasks/${taskId}`);
    return ['succeeded', 'failed'].includes(r.body.state) ? r.body : null;
  });
}

async function statuses(api: Api, courseId: string): Promise<Record<string, string>> {
  const list = await api.get(`/courses/${courseId}/certificates`);
  return Object.fromEntries(list.body.certificates.map((c: { learnerId: string; status: string }) => [c.learnerId, c.status]));
}

describe('instructor operations, through the course lifecycle workflow', () => {
  const ctx = useService();

  it('exceptions: one by one, CSV with a bad line reported by number, certificates for the list, removal invalidates', async () => {
    const courseId = await createEndedCourse(ctx.api, 'Exceptions');
    const id = await enroll(ctx.api, courseId, [
      { id: 'pass', grade: 0.9 },
      { id: 'fail1', grade: 0.2 },
      { id: 'fail2', grade: 0.3 },
      { id: 'fail3', grade: null },
      { id: 'auditor', mode: 'audit', grade: 0.1 },
    ]);
    await generateAfterCourseEnd(ctx.api, courseId);
    expect(await statuses(ctx.api, courseId)).toMatchObject({ [id('pass')]: 'downloadable', [id('fail1')]: 'notpassing', [id('fail2')]: 'notpassing' });

    const one = await ctx.api.post(`/courses/${courseId}/exceptions`, { learner: id('fail1'), notes: 'medical leave', grantedBy: 'prof@example.org' });
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ learnerId: id('fail1'), notes: 'medical leave', certificateGeneratedAt: null });
    expect((await ctx.api.post(`/courses/${courseId}/exceptions`, { learner: id('fail1'), grantedBy: 'x' })).status).toBe(409);
    expect((await ctx.api.post(`/courses/${courseId}/exceptions`, { learner: 'nobody', grantedBy: 'x' })).status).toBe(404);
    const audit = await ctx.api.post(`/courses/${courseId}/exceptions`, { learner: id('auditor'), grantedBy: 'x' });
    expect(audit.status).toBe(400);
    expect(audit.body.fields[0].message).toContain('audit');

    const csv = ['learner,notes', `${id('fail2')}@example.org,"late, but excused"`, 'ghost-learner,unknown', `${id('fail3')},`, `${id('fail2')},again`, `${id('fail3')},dup`].join('\n');
    const imported = await ctx.api.raw('POST', `/courses/${courseId}/exceptions/import?grantedBy=prof%40example.org`, csv, { 'content-type': 'text/csv' });
    expect(imported.status).toBe(200);
    expect(imported.body.added).toBe(2);
    expect(imported.body.results).toEqual([
      { line: 2, learner: `${id('fail2')}@example.org`, result: 'added', message: 'added to the exception list' },
      { line: 3, learner: 'ghost-learner', result: 'rejected', message: 'ghost-learner is not enrolled in this course' },
      { line: 4, learner: id('fail3'), result: 'added', message: 'added to the exception list' },
      // The same learner by username after their email: already granted on line 2.
      { line: 5, learner: id('fail2'), result: 'already_listed', message: `${id('fail2')} is already on the exception list` },
      { line: 6, learner: id('fail3'), result: 'rejected', message: 'this learner appears on an earlier line' },
    ]);
    // A person's token names who granted; the LMS's API key must say whom it acts for.
    const unnamed = await ctx.api.raw('POST', `/courses/${courseId}/exceptions/import`, csv, { 'content-type': 'text/csv', 'x-api-key': process.env.TEST_API_KEY! });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.fields).toEqual([{ field: 'query.grantedBy', message: 'calls made with an API key must say who they act for' }]);

    const missing = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'exceptions_missing', requestedBy: 'prof@example.org' });
    expect(missing.status).toBe(202);
    const done = await waitForTask(ctx.api, missing.body.id);
    expect(done).toMatchObject({ state: 'succeeded', total: 3, done: 3, issued: 3, failed: 0 });
    expect(await statuses(ctx.api, courseId)).toMatchObject({ [id('fail1')]: 'downloadable', [id('fail2')]: 'downloadable', [id('fail3')]: 'downloadable' });
    const list = await ctx.api.get(`/courses/${courseId}/exceptions`);
    expect(list.body.exceptions.every((e: { certificateGeneratedAt: string | null }) => e.certificateGeneratedAt !== null)).toBe(true);

    // Again, for those without a certificate: nobody left.
    const again = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'exceptions_missing', requestedBy: 'prof@example.org' });
    expect(await waitForTask(ctx.api, again.body.id)).toMatchObject({ state: 'succeeded', total: 0, done: 0 });

    const removed = await ctx.api.post(`/courses/${courseId}/exceptions/${id('fail1')}/removal`, { removedBy: 'prof@example.org' });
    expect(removed.body).toEqual({ courseId, learnerId: id('fail1'), removed: true, certificateInvalidated: true });
    const cert = (await ctx.api.get(`/courses/${courseId}/certificates`)).body.certificates.find((c: { learnerId: string }) => c.learnerId === id('fail1'));
    expect((await ctx.api.get(`/verify/${cert.id}`)).body.verdict).toBe('revoked');

    // "All on the list" re-evaluates the two still listed; the removed learner is not on it.
    const onList = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'exceptions_all', requestedBy: 'prof@example.org' });
    expect(await waitForTask(ctx.api, onList.body.id)).toMatchObject({ state: 'succeeded', total: 2, done: 2, issued: 2 });

    // An invalidated certificate blocks future generation: regenerating everyone leaves it revoked.
    const all = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners', requestedBy: 'prof@example.org' });
    await waitForTask(ctx.api, all.body.id);
    expect((await ctx.api.get(`/verify/${cert.id}`)).body.verdict).toBe('revoked');

    const preview = await ctx.api.get(`/courses/${courseId}/certificate-preview`);
    expect(preview.body).toMatchObject({ specimen: true, verifiable: false, credential: { credentialSubject: { name: 'SPECIMEN LEARNER', achievement: { name: 'Exceptions course' } } } });
  });

  it('regenerates chosen groups with real re-evaluation, keeps public ids, and records the history', async () => {
    const courseId = await createEndedCourse(ctx.api, 'Regenerate');
    const id = await enroll(ctx.api, courseId, [
      { id: 'a', grade: 0.9 },
      { id: 'b', grade: 0.4 },
      { id: 'c', grade: 0.5 },
    ]);
    const generated = await generateAfterCourseEnd(ctx.api, courseId);
    const before = (await ctx.api.get(`/courses/${courseId}/certificates`)).body.certificates;
    const idOf = (learner: string) => before.find((c: { learnerId: string }) => c.learnerId === learner).id;

    // Regrade after issuance: a now-passing learner is issued, a now-failing one loses it.
    expect((await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: id('b'), grade: 0.95 }, { learnerId: id('a'), grade: 0.1 }] })).status).toBe(200);
    await waitFor('the regrade', async () => {
      const s = await statuses(ctx.api, courseId);
      return s[id('b')] === 'downloadable' && s[id('a')] === 'notpassing' ? s : null;
    });
    expect((await ctx.api.get(`/verify/${idOf(id('b'))}`)).body.verdict).toBe('valid');

    const bad = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'regenerate', groups: [], requestedBy: 'prof' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0].field).toBe('body.groups');

    const regen = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'regenerate', groups: ['downloadable'], requestedBy: 'prof@example.org' });
    expect(await waitForTask(ctx.api, regen.body.id)).toMatchObject({ kind: 'regenerate', groups: ['downloadable'], total: 1, done: 1, issued: 1 });
    const after = (await ctx.api.get(`/courses/${courseId}/certificates`)).body.certificates;
    for (const c of after) expect(c.id).toBe(idOf(c.learnerId));

    const history = await ctx.api.get(`/courses/${courseId}/generation-tasks`);
    expect(history.body.tasks.map((t: { kind: string }) => t.kind)).toEqual(['regenerate', 'regrade', 'all_learners']);
    expect(history.body.tasks[2]).toMatchObject({ id: generated.id, state: 'succeeded', total: 3 });
    expect(history.body.tasks[2].requestedBy).not.toBe('system');

    const retried = await ctx.api.post(`/generation-tasks/${regen.body.id}/retry`, { requestedBy: 'prof@example.org' });
    expect(retried.status).toBe(202);
    expect(retried.body.retryOf).toBe(regen.body.id);
    expect(await waitForTask(ctx.api, retried.body.id)).toMatchObject({ state: 'succeeded' });

    // The passing grade changed after issuance: refused without confirmation, then re-evaluated.
    const unconfirmed = await ctx.api.patch(`/courses/${courseId}`, { passingGrade: 0.99 });
    expect(unconfirmed.status).toBe(409);
    const confirmed = await ctx.api.patch(`/courses/${courseId}`, { passingGrade: 0.99, confirmRetroactive: true, changedBy: 'prof@example.org' });
    expect(confirmed.status).toBe(200);
    await waitForTask(ctx.api, confirmed.body.reevaluationTaskId);
    expect(Object.values(await statuses(ctx.api, courseId)).every((s) => s === 'notpassing')).toBe(true);
  });

  it('required lessons gate completion, optional ones never do', async () => {
    const courseId = await createEndedCourse(ctx.api, 'Lessons', { endAt: new Date(Date.now() + 3_600_000).toISOString(), pacing: 'self' });
    const id = await enroll(ctx.api, courseId, [{ id: 'l', grade: 0.9 }]);
    expect((await ctx.api.put(`/courses/${courseId}/lessons`, { lessons: [{ id: 'intro', title: 'Intro' }, { id: 'bonus', title: 'Bonus', required: false }] })).status).toBe(200);

    let progress = await ctx.api.get(`/courses/${courseId}/learners/${id('l')}/progress`);
    expect(progress.body.eligibility).toMatchObject({ eligible: false, reason: 'required_lessons_incomplete' });
    expect(progress.body.display).toMatchObject({ message: null, actions: [] });

    const unknown = await ctx.api.put(`/courses/${courseId}/completions`, { completions: [{ learnerId: id('l'), lessonId: 'nope' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields[0].field).toBe('body.completions.0.lessonId');
    expect((await ctx.api.put(`/courses/${courseId}/completions`, { completions: [{ learnerId: id('l'), lessonId: 'intro' }] })).status).toBe(200);

    progress = await ctx.api.get(`/courses/${courseId}/learners/${id('l')}/progress`);
    expect(progress.body.requiredLessons).toEqual({ total: 1, completed: 1 });
    expect(progress.body.display).toMatchObject({ message: 'Congratulations, you qualified for a certificate!', actions: ['request_certificate'] });
  });
});

describe('on-demand certificates (self-paced)', () => {
  const ctx = useService();

  it('issues synchronously, gives the reason when not eligible, and concurrent requests get one certificate', async () => {
    const courseId = uniqueCourseId('OnDemand');
    await ctx.api.post('/courses', { id: courseId, title: 'Self-paced', pacing: 'self', endAt: new Date(Date.now() + 86_400_000).toISOString(), certificatesActive: true, passingGrade: 0.7 });
    const id = await enroll(ctx.api, courseId, [
      { id: 'eager', grade: 0.8 },
      { id: 'early', grade: 0.5 },
    ]);

    const refused = await ctx.api.post(`/courses/${courseId}/learners/${id('early')}/certificate`);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ issued: false, status: 'notpassing', reason: 'grade_below_passing', message: 'Your grade 50% is below the passing grade of 70%.' });

    const answers = await Promise.all(Array.from({ length: 12 }, () => ctx.api.post(`/courses/${courseId}/learners/${id('eager')}/certificate`)));
    for (const a of answers) expect(a.status).toBe(200);
    const ids = new Set(answers.map((a) => a.body.certificateId));
    expect(ids.size).toBe(1);
    expect(answers[0].body).toMatchObject({ issued: true, status: 'downloadable' });
    expect(await ctx.service.db.certificate.count({ where: { courseId, learnerId: id('eager') } })).toBe(1);
    expect((await ctx.api.get(`/verify/${answers[0].body.certificateId}`)).body.verdict).toBe('valid');

    const progress = await ctx.api.get(`/courses/${courseId}/learners/${id('eager')}/progress`);
    expect(progress.body.display).toMatchObject({ message: 'Your certificate is available.', actions: ['download_certificate'], courseCardDownload: true });
    expect(progress.body.certificate.id).toBe(answers[0].body.certificateId);
  });

  it('holds when hundreds of learners ask in the same second', async () => {
    const courseId = uniqueCourseId('Crowd');
    await ctx.api.post('/courses', { id: courseId, title: 'Crowd', pacing: 'self', endAt: new Date(Date.now() + 86_400_000).toISOString(), certificatesActive: true, passingGrade: 0.5 });
    const crowd = Array.from({ length: 200 }, (_, i) => ({ id: `c${i}`, grade: i % 4 === 0 ? 0.2 : 0.9 }));
    const id = await enroll(ctx.api, courseId, crowd);
    const started = Date.now();
    const answers = await Promise.all(crowd.map((c) => ctx.api.post(`/courses/${courseId}/learners/${id(c.id)}/certificate`)));
    const seconds = (Date.now() - started) / 1000;
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.issued)).toHaveLength(150);
    expect(await ctx.service.db.certificate.count({ where: { courseId, status: 'downloadable' } })).toBe(150);
    process.stdout.write(`\n[on-demand] 200 concurrent requests answered in ${seconds.toFixed(2)} s\n`);
  });

  it('requires identity verification where the course asks for it', async () => {
    const courseId = uniqueCourseId('IdV');
    await ctx.api.post('/courses', { id: courseId, title: 'IdV', pacing: 'self', endAt: new Date(Date.now() + 86_400_000).toISOString(), certificatesActive: true, passingGrade: 0.5, idVerificationRequired: true });
    const suffix = courseId.slice(-8);
    await ctx.api.put(`/courses/${courseId}/enrollments`, {
      enrollments: [
        { learnerId: `v-${suffix}`, email: `v-${suffix}@example.org`, name: 'Verified', mode: 'verified', idVerified: true },
        { learnerId: `u-${suffix}`, email: `u-${suffix}@example.org`, name: 'Unverified', mode: 'verified' },
      ],
    });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: `v-${suffix}`, grade: 0.9 }, { learnerId: `u-${suffix}`, grade: 0.9 }] });
    expect((await ctx.api.post(`/courses/${courseId}/learners/v-${suffix}/certificate`)).body.issued).toBe(true);
    expect((await ctx.api.post(`/courses/${courseId}/learners/u-${suffix}/certificate`)).body).toMatchObject({ issued: false, reason: 'id_verification_required' });
  });

  it('refuses on-demand requests in an instructor-paced course', async () => {
    const courseId = uniqueCourseId('NoDemand');
    await ctx.api.post('/courses', { id: courseId, title: 'Paced', pacing: 'instructor', endAt: new Date(Date.now() + 86_400_000).toISOString(), certificatesActive: true, passingGrade: 0.7 });
    const id = await enroll(ctx.api, courseId, [{ id: 'x', grade: 0.9 }]);
    const response = await ctx.api.post(`/courses/${courseId}/learners/${id('x')}/certificate`);
    expect(response.status).toBe(409);
    expect(response.body.message).toContain('instructor-paced');
    expect((await ctx.api.post(`/courses/${courseId}/learners/nobody/certificate`)).status).toBe(404);
  });
});
