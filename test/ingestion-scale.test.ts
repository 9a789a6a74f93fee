import { uniqueCourseId, useService } from './helpers/service';

/** Ingestion at the size of a large MOOC: the documented maximum batches and files, through the HTTP API. */
describe('ingestion at scale', () => {
  const ctx = useService({}, { worker: false });
  const csv = (path: string, text: string) => ctx.api.raw('POST', path, text, { 'content-type': 'text/csv' });

  const createCourse = async (label: string) => {
    const courseId = uniqueCourseId(label);
    const created = await ctx.api.post('/courses', {
      id: courseId,
      title: `${label} at scale`,
      pacing: 'self',
      startAt: new Date(Date.now() - 3_600_000).toISOString(),
      endAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      passingGrade: 0.5,
      certificatesActive: true,
    });
    expect(created.status).toBe(201);
    return { courseId, tag: courseId.slice(-8) };
  };
  // Read back from the database: the course page also asks the course's workflow, which these tests run without a worker.
  const enrolledIn = (courseId: string) => ctx.service.db.enrollment.count({ where: { courseId } });
  const learner = (tag: string, i: number) => `s-${tag}-${String(i).padStart(6, '0')}`;
  const enrollment = (tag: string, i: number) => ({ learnerId: learner(tag, i), email: `${learner(tag, i)}@example.org`, name: `Learner ${i}`, mode: i % 10 === 0 ? 'audit' : 'verified' });

  it('enrolls and grades a maximum batch of 10,000 learners, with exact counts', async () => {
    const { courseId, tag } = await createCourse('Batch');
    const enrollments = Array.from({ length: 10_000 }, (_, i) => enrollment(tag, i));
    const enrolled = await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body).toEqual({ courseId, enrolled: 10_000 });
    // The same batch again leaves the same state.
    expect((await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments })).status).toBe(200);

    const grades = Array.from({ length: 10_000 }, (_, i) => ({ learnerId: learner(tag, i), grade: (i % 100) / 100 }));
    const graded = await ctx.api.put(`/courses/${courseId}/grades`, { grades });
    expect(graded.status).toBe(200);
    expect(graded.body).toEqual({ courseId, recorded: 10_000 });

    expect(await enrolledIn(courseId)).toBe(10_000);
    expect(await ctx.service.db.enrollment.count({ where: { courseId, mode: 'audit' } })).toBe(1_000);
    expect(await ctx.service.db.enrollment.count({ where: { courseId, grade: { gte: 0.5 } } })).toBe(5_000);
    const one = await ctx.service.db.enrollment.findUniqueOrThrow({ where: { courseId_learnerId: { courseId, learnerId: learner(tag, 4_321) } } });
    expect(one.grade?.toNumber()).toBe(0.21);
  }, 60_000);

  it('refuses a batch with one bad row whole, naming that row, and writes nothing', async () => {
    const { courseId, tag } = await createCourse('Refused');
    const enrollments = Array.from({ length: 5_000 }, (_, i) => enrollment(tag, i));
    enrollments[3_210] = { ...enrollments[3_210], email: enrollments[17].email };
    const refused = await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments });
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual([{ field: 'body.enrollments.3210.email', message: 'appears more than once in this batch' }]);
    expect(await enrolledIn(courseId)).toBe(0);

    enrollments[3_210] = enrollment(tag, 3_210);
    expect((await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments })).status).toBe(200);
    const grades = enrollments.map((e, i) => ({ learnerId: e.learnerId, grade: 0.9 + (i % 2) / 100 }));
    grades[4_999] = { learnerId: `ghost-${tag}`, grade: 0.5 };
    const unknown = await ctx.api.put(`/courses/${courseId}/grades`, { grades });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields).toEqual([{ field: 'body.grades.4999.learnerId', message: `ghost-${tag} is not enrolled in ${courseId}` }]);
    expect(await ctx.service.db.enrollment.count({ where: { courseId, grade: { not: null } } })).toBe(0);

    // A learner graded twice in one batch keeps the later grade.
    const twice = await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: learner(tag, 1), grade: 0.2 }, { learnerId: learner(tag, 1), grade: 0.7 }] });
    expect(twice.status).toBe(200);
    const graded = await ctx.service.db.enrollment.findUniqueOrThrow({ where: { courseId_learnerId: { courseId, learnerId: learner(tag, 1) } } });
    expect(graded.grade?.toNumber()).toBe(0.7);
  }, 60_000);

  it('enrolls the same learners into many courses at once', async () => {
    const courses = await Promise.all(Array.from({ length: 6 }, (_, c) => createCourse(`Many${c}`)));
    const { tag } = courses[0];
    // Shared learners, each course sending them in a different order: the writes must neither deadlock nor collide.
    const enrollments = Array.from({ length: 2_000 }, (_, i) => enrollment(tag, i));
    const answers = await Promise.all(
      courses.map(({ courseId }, c) => ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: c % 2 ? [...enrollments].reverse() : enrollments })),
    );
    expect(answers.map((a) => a.status)).toEqual(courses.map(() => 200));
    for (const { courseId } of courses) expect(await enrolledIn(courseId)).toBe(2_000);
  }, 60_000);

  it('accepts a 100,000-line enrollments CSV, and refuses one line more naming the limit', async () => {
    const { courseId, tag } = await createCourse('File');
    const lines = ['learnerId,email,name,mode'];
    for (let i = 0; i < 100_000; i++) lines.push(`${learner(tag, i)},${learner(tag, i)}@example.org,"Learner, ${i}",verified`);
    const imported = await csv(`/courses/${courseId}/imports/enrollments`, lines.join('\n'));
    expect(imported.status).toBe(200);
    expect(imported.body).toEqual({ kind: 'enrollments', courseId, enrolled: 100_000 });
    expect(await enrolledIn(courseId)).toBe(100_000);

    const other = await createCourse('TooLong');
    const tooLong = await csv(`/courses/${other.courseId}/imports/enrollments`, [...lines, `${learner(tag, 100_000)},x-${tag}@example.org,X,audit`].join('\n'));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.fields).toEqual([{ field: 'body', message: 'at most 100001 lines per file' }]);
    expect(await enrolledIn(other.courseId)).toBe(0);
  }, 120_000);

  it('refuses a file with bad lines whole, reporting every one', async () => {
    const { courseId, tag } = await createCourse('BadFile');
    const lines = ['learnerId,email,name,mode'];
    for (let i = 0; i < 20_000; i++) lines.push(`${learner(tag, i)},${learner(tag, i)}@example.org,Learner ${i},${i === 12_345 ? 'premium' : 'verified'}`);
    lines.push(`${learner(tag, 7)},other-${tag}@example.org,Again,audit`);
    const refused = await csv(`/courses/${courseId}/imports/enrollments`, lines.join('\n'));
    expect(refused.status).toBe(400);
    expect(refused.body.fields.map((f: { field: string }) => f.field)).toEqual(['line 12347: mode']);
    // Valid rows, but the same learner twice: refused by line too.
    lines[12_346] = lines[12_346].replace('premium', 'verified');
    const duplicate = await csv(`/courses/${courseId}/imports/enrollments`, lines.join('\n'));
    expect(duplicate.body.fields).toEqual([{ field: 'line 20002: learnerId', message: 'appears more than once in this batch' }]);
    expect(await enrolledIn(courseId)).toBe(0);
  }, 60_000);

  it('answers 413 naming the limit for bodies above it', async () => {
    const { courseId } = await createCourse('Limits');
    const file = await csv(`/courses/${courseId}/imports/enrollments`, `learnerId,email,name,mode\n${'x'.repeat(16 * 1024 * 1024)}`);
    expect(file.status).toBe(413);
    expect(file.body).toMatchObject({ code: 'payload_too_large', message: 'the body is larger than the limit of 16 MB' });
    const json = await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: 'x'.repeat(3 * 1024 * 1024), grade: 1 }] });
    expect(json.status).toBe(413);
    expect(json.body).toMatchObject({ code: 'payload_too_large', message: 'the body is larger than the limit of 2 MB' });
  });

  it('answers an exception CSV of a few thousand lines line by line', async () => {
    const { courseId, tag } = await createCourse('Exceptions');
    const enrollments = Array.from({ length: 3_000 }, (_, i) => enrollment(tag, i));
    expect((await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments })).status).toBe(200);
    const listed = await ctx.api.post(`/courses/${courseId}/exceptions`, { learner: learner(tag, 1), grantedBy: 'prof@example.org' });
    expect(listed.status).toBe(201);

    const lines = ['learner,notes'];
    for (let i = 0; i < 3_000; i++) lines.push(i % 2 ? `${learner(tag, i)},excused ${i}` : `${learner(tag, i)}@example.org,"excused, ${i}"`);
    lines.push(`ghost-${tag},unknown`, `${learner(tag, 3)}@example.org,again by email`, `${learner(tag, 5)},dup`);
    const started = performance.now();
    const imported = await ctx.api.raw('POST', `/courses/${courseId}/exceptions/import?grantedBy=prof%40example.org`, lines.join('\n'), { 'content-type': 'text/csv' });
    const seconds = (performance.now() - started) / 1000;
    expect(imported.status).toBe(200);
    const results = imported.body.results as Array<{ line: number; learner: string; result: string; message: string }>;
    expect(results).toHaveLength(3_003);
    // Every tenth learner audits: the exception cannot lift the track.
    const audits = 300;
    expect(imported.body.added).toBe(3_000 - audits - 1);
    expect(results[0]).toEqual({ line: 2, learner: `${learner(tag, 0)}@example.org`, result: 'rejected', message: expect.stringContaining(`${learner(tag, 0)}@example.org: `) });
    expect(results[1]).toEqual({ line: 3, learner: learner(tag, 1), result: 'already_listed', message: `${learner(tag, 1)} is already on the exception list` });
    expect(results[2]).toEqual({ line: 4, learner: `${learner(tag, 2)}@example.org`, result: 'added', message: 'added to the exception list' });
    expect(results.slice(-3)).toEqual([
      { line: 3002, learner: `ghost-${tag}`, result: 'rejected', message: `ghost-${tag} is not enrolled in this course` },
      // Line 5 named this learner by username; by email it is the same learner, already granted.
      { line: 3003, learner: `${learner(tag, 3)}@example.org`, result: 'already_listed', message: `${learner(tag, 3)}@example.org is already on the exception list` },
      { line: 3004, learner: learner(tag, 5), result: 'rejected', message: 'this learner appears on an earlier line' },
    ]);
    expect(await ctx.service.db.certificateException.count({ where: { courseId, active: true } })).toBe(3_000 - audits);
    expect(seconds).toBeLessThan(10);
  }, 60_000);
});
