import { useServiceWithMail } from './helpers/mail';
import { adminHeaders } from './helpers/auth';
import { generateAfterCourseEnd } from './helpers/generation';
import { type httpClient, uniqueCourseId, waitFor } from './helpers/service';

type Api = ReturnType<typeof httpClient>;
type Invalidation = { active: boolean; notes: string; invalidatedBy: string; publicReason: string | null; reinstatedBy: string | null };

/**
 * Issue 11, point 6: every change of standing is a recorded event. A certificate taken away by a
 * regrade or a rule change gets an automatic invalidation with its reason, the course team
 * confirms rule changes first (told how many holders would lose theirs), the learner is mailed
 * once, and the certificates page lists it. Certificates are always generated explicitly here.
 */
describe('changes of standing are recorded events', () => {
  const { ctx, mail: inbox } = useServiceWithMail();

  async function createCourse(label: string, extra: Record<string, unknown> = {}) {
    const courseId = uniqueCourseId(label);
    const created = await ctx.api.post('/courses', {
      id: courseId,
      title: `${label} course`,
      pacing: 'instructor',
      endAt: new Date(Date.now() + 1500).toISOString(),
      certificatesActive: true,
      passingGrade: 0.6,
      ...extra,
    });
    expect(created.status).toBe(201);
    if (!created.body.course?.certificatesActive && created.body.certificatesActive !== true) {
      await ctx.api.put(`/courses/${courseId}/certificates/activation`, { active: true, confirm: true, changedBy: 'prof@example.org' });
    }
    return courseId;
  }

  async function enroll(courseId: string, people: Array<{ id: string; grade: number; idVerified?: boolean }>) {
    const suffix = courseId.slice(-8);
    const id = (name: string) => `${name}-${suffix}`;
    const enrolled = await ctx.api.put(`/courses/${courseId}/enrollments`, {
      enrollments: people.map((p) => ({ learnerId: id(p.id), email: `${id(p.id)}@example.org`, name: `Learner ${p.id}`, mode: 'verified', ...(p.idVerified === undefined ? {} : { idVerified: p.idVerified }) })),
    });
    expect(enrolled.status).toBe(200);
    expect((await ctx.api.put(`/courses/${courseId}/grades`, { grades: people.map((p) => ({ learnerId: id(p.id), grade: p.grade })) })).status).toBe(200);
    return id;
  }

  async function certificateOf(api: Api, courseId: string, learnerId: string) {
    const list = (await api.get(`/courses/${courseId}/certificates`)).body.certificates as Array<{ id: string; learnerId: string; status: string }>;
    return list.find((c) => c.learnerId === learnerId) ?? null;
  }

  const waitForStatus = (courseId: string, learnerId: string, status: string) =>
    waitFor(`${learnerId} ${status}`, async () => {
      const c = await certificateOf(ctx.api, courseId, learnerId);
      return c?.status === status ? c : null;
    });

  async function invalidationsOf(certificateId: string): Promise<Invalidation[]> {
    return (await ctx.api.get(`/certificates/${certificateId}`)).body.invalidations;
  }

  async function waitForTask(taskId: string) {
    return waitFor(`generation task ${taskId}`, async () => {
      const r = await ctx.api.get(`/generation-tasks/${taskId}`);
      return ['succeeded', 'failed'].includes(r.body.state) ? r.body : null;
    });
  }

  const withdrawalMailsTo = (address: string) => inbox().messages.filter((m: { to: string[]; subject: string }) => m.to.includes(address) && m.subject.includes('was withdrawn'));

  it('a lowered grade withdraws the certificate with a record, a mail (once) and a line on the certificates page; a raised grade gives it back', async () => {
    const courseId = await createCourse('Regrade');
    const id = await enroll(courseId, [
      { id: 'ann', grade: 0.9 },
      { id: 'bob', grade: 0.9 },
    ]);
    await generateAfterCourseEnd(ctx.api, courseId);
    await inbox().waitFor(1, (m) => m.to.includes(`${id('ann')}@example.org`) && m.subject.includes('is available'));
    const issued = (await certificateOf(ctx.api, courseId, id('ann')))!;

    expect((await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: id('ann'), grade: 0.55 }] })).status).toBe(200);
    await waitForStatus(courseId, id('ann'), 'notpassing');
    const [withdrawal] = await invalidationsOf(issued.id);
    expect(withdrawal).toMatchObject({
      active: true,
      notes: 'Withdrawn: grade 55% is below the passing grade of 60% (re-evaluation requested by regrade)',
      invalidatedBy: 'regrade',
      publicReason: 'The holder no longer meets the requirements of this course for the certificate.',
    });
    const verdict = (await ctx.api.get(`/verify/${issued.id}`)).body;
    expect(verdict.verdict).toBe('revoked');
    expect(JSON.stringify(verdict)).not.toContain('55%');
    expect((await ctx.api.get(`/verify/${(await certificateOf(ctx.api, courseId, id('bob')))!.id}`)).body.verdict).toBe('valid');

    const page = await ctx.api.get(`/app/courses/${encodeURIComponent(courseId)}/certificates`, { ...(await adminHeaders()), accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Withdrawn: grade 55% is below the passing grade of 60%');

    const [mail] = await inbox().waitFor(1, (m) => m.to.includes(`${id('ann')}@example.org`) && m.subject.includes('was withdrawn'));
    expect(mail.subject).toBe('Your certificate for Regrade course was withdrawn');
    expect(mail.text).toContain(`/verify/${issued.id}`);

    // Another regrade that leaves her below the passing grade: no second record, no second mail.
    expect((await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: id('ann'), grade: 0.5 }, { learnerId: id('bob'), grade: 0.95 }] })).status).toBe(200);
    await waitFor('the second regrade', async () => ((await ctx.api.get(`/courses/${courseId}/generation-tasks`)).body.tasks.filter((t: { kind: string; state: string }) => t.kind === 'regrade' && t.state === 'succeeded').length >= 2 ? true : null));
    expect(await invalidationsOf(issued.id)).toHaveLength(1);

    // Qualifying again lifts the automatic withdrawal: the same certificate is valid again.
    expect((await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: id('ann'), grade: 0.8 }] })).status).toBe(200);
    await waitForStatus(courseId, id('ann'), 'downloadable');
    expect(await invalidationsOf(issued.id)).toEqual([expect.objectContaining({ active: false, reinstatedBy: 'system' })]);
    expect((await ctx.api.get(`/verify/${issued.id}`)).body.verdict).toBe('valid');
    expect(withdrawalMailsTo(`${id('ann')}@example.org`)).toHaveLength(1);
    expect(withdrawalMailsTo(`${id('bob')}@example.org`)).toHaveLength(0);
  });

  it('an invalidation made by the course team is never lifted by a regrade', async () => {
    const courseId = await createCourse('Manual');
    const id = await enroll(courseId, [{ id: 'cat', grade: 0.9 }]);
    await generateAfterCourseEnd(ctx.api, courseId);
    const issued = (await certificateOf(ctx.api, courseId, id('cat')))!;
    expect((await ctx.api.post(`/certificates/${issued.id}/invalidations`, { notes: 'plagiarism', invalidatedBy: 'prof@example.org' })).status).toBe(201);
    expect((await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: id('cat'), grade: 0.95 }] })).status).toBe(200);
    await waitFor('the regrade', async () => ((await ctx.api.get(`/courses/${courseId}/generation-tasks`)).body.tasks.some((t: { kind: string; state: string }) => t.kind === 'regrade' && t.state === 'succeeded') ? true : null));
    expect(await invalidationsOf(issued.id)).toEqual([expect.objectContaining({ active: true, notes: 'plagiarism' })]);
    expect((await ctx.api.get(`/verify/${issued.id}`)).body.verdict).toBe('revoked');
  });

  it('making a lesson required after issuance asks for confirmation with the count of holders affected, then records the withdrawals', async () => {
    const courseId = await createCourse('Lessons');
    const suffix = courseId.slice(-8);
    const id = (name: string) => `${name}-${suffix}`;
    const lessons = (finalRequired: boolean) => [{ id: 'intro', title: 'Intro' }, { id: 'final', title: 'Final', required: finalRequired }];
    await ctx.api.put(`/courses/${courseId}/enrollments`, {
      enrollments: ['dan', 'eve'].map((n) => ({ learnerId: id(n), email: `${id(n)}@example.org`, name: `Learner ${n}`, mode: 'verified' })),
    });
    expect((await ctx.api.put(`/courses/${courseId}/lessons`, { lessons: lessons(false) })).status).toBe(200);
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: id('dan'), grade: 0.9 }, { learnerId: id('eve'), grade: 0.9 }] });
    await ctx.api.put(`/courses/${courseId}/completions`, {
      completions: [{ learnerId: id('dan'), lessonId: 'intro' }, { learnerId: id('dan'), lessonId: 'final' }, { learnerId: id('eve'), lessonId: 'intro' }],
    });
    await generateAfterCourseEnd(ctx.api, courseId);
    const eve = (await certificateOf(ctx.api, courseId, id('eve')))!;
    expect(eve.status).toBe('downloadable');

    // Sending the same lessons again changes no rule: no confirmation needed.
    expect((await ctx.api.put(`/courses/${courseId}/lessons`, { lessons: lessons(false) })).status).toBe(200);
    const refused = await ctx.api.put(`/courses/${courseId}/lessons`, { lessons: lessons(true) });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain('1 learner holding a certificate would lose it');

    const gradeRefused = await ctx.api.patch(`/courses/${courseId}`, { passingGrade: 0.95 });
    expect(gradeRefused.status).toBe(409);
    expect(JSON.stringify(gradeRefused.body)).toContain('2 learners holding a certificate would lose it');

    expect((await ctx.api.put(`/courses/${courseId}/lessons`, { lessons: lessons(true), confirmRetroactive: true })).status).toBe(200);
    await waitForStatus(courseId, id('eve'), 'notpassing');
    expect(await invalidationsOf(eve.id)).toEqual([
      expect.objectContaining({ active: true, notes: 'Withdrawn: 1 of 2 required lessons completed (re-evaluation requested by lesson requirements changed)' }),
    ]);
    expect((await ctx.api.get(`/verify/${eve.id}`)).body.verdict).toBe('revoked');
    expect((await certificateOf(ctx.api, courseId, id('dan')))!.status).toBe('downloadable');
    await inbox().waitFor(1, (m) => m.to.includes(`${id('eve')}@example.org`) && m.subject.includes('was withdrawn'));
  });

  it('a new passing grade is retroactive in a course that issues on demand too', async () => {
    const courseId = await createCourse('OnDemandGrade', { pacing: 'self', learnerGeneratedEnabled: true, endAt: new Date(Date.now() + 86_400_000).toISOString() });
    const id = await enroll(courseId, [
      { id: 'fay', grade: 0.7 },
      { id: 'gus', grade: 0.9 },
    ]);
    for (const learner of ['fay', 'gus']) {
      expect((await ctx.api.post(`/courses/${courseId}/learners/${id(learner)}/certificate`)).body).toMatchObject({ issued: true });
    }
    expect((await ctx.api.get(`/courses/${courseId}`)).body.certificatesGeneratedAt).toBeNull();

    const refused = await ctx.api.patch(`/courses/${courseId}`, { passingGrade: 0.8 });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain('1 learner holding a certificate would lose it');
    const confirmed = await ctx.api.patch(`/courses/${courseId}`, { passingGrade: 0.8, confirmRetroactive: true, changedBy: 'prof@example.org' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.reevaluationTaskId).toEqual(expect.any(String));
    const task = await waitForTask(confirmed.body.reevaluationTaskId);
    expect(task).toMatchObject({ state: 'succeeded', kind: 'regrade' });

    const fay = (await certificateOf(ctx.api, courseId, id('fay')))!;
    expect(fay.status).toBe('notpassing');
    expect(await invalidationsOf(fay.id)).toEqual([
      // Recorded as made by whoever changed the passing grade (the task's requester).
      expect.objectContaining({ active: true, invalidatedBy: task.requestedBy, notes: `Withdrawn: grade 70% is below the passing grade of 80% (re-evaluation requested by ${task.requestedBy})` }),
    ]);
    expect((await certificateOf(ctx.api, courseId, id('gus')))!.status).toBe('downloadable');
  });

  it('an identity verified after grading re-evaluates the learner, who then gets the certificate', async () => {
    const courseId = await createCourse('LateId', { idVerificationRequired: true });
    const id = await enroll(courseId, [
      { id: 'hal', grade: 0.9, idVerified: false },
      { id: 'ivy', grade: 0.9, idVerified: true },
    ]);
    await generateAfterCourseEnd(ctx.api, courseId);
    expect((await certificateOf(ctx.api, courseId, id('hal')))?.status ?? null).not.toBe('downloadable');
    expect((await certificateOf(ctx.api, courseId, id('ivy')))!.status).toBe('downloadable');

    expect(
      (await ctx.api.put(`/courses/${courseId}/enrollments`, {
        enrollments: [{ learnerId: id('hal'), email: `${id('hal')}@example.org`, name: 'Learner hal', mode: 'verified', idVerified: true }],
      })).status,
    ).toBe(200);
    const hal = await waitForStatus(courseId, id('hal'), 'downloadable');
    expect((await ctx.api.get(`/verify/${hal.id}`)).body.verdict).toBe('valid');
  });

  it('generating exception certificates turns "certificates generated" on', async () => {
    const courseId = await createCourse('ExceptionsOnly');
    const id = await enroll(courseId, [{ id: 'jon', grade: 0.2 }]);
    await waitFor('grade finalization', async () => ((await ctx.api.get(`/courses/${courseId}`)).body.gradesFinalizedAt ? true : null), 60_000);
    expect((await ctx.api.get(`/courses/${courseId}`)).body.certificatesGeneratedAt).toBeNull();
    expect((await ctx.api.post(`/courses/${courseId}/exceptions`, { learner: id('jon'), notes: 'medical leave', grantedBy: 'prof@example.org' })).status).toBe(201);
    const task = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'exceptions_missing', requestedBy: 'prof@example.org' });
    expect(await waitForTask(task.body.id)).toMatchObject({ state: 'succeeded', issued: 1 });
    expect((await ctx.api.get(`/courses/${courseId}`)).body.certificatesGeneratedAt).toEqual(expect.any(String));
  });
});
