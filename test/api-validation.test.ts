import { useService, uniqueCourseId } from './helpers/service';

/** Bad input gets a precise 4xx naming the field, and nothing is written. */
describe('API input validation', () => {
  const ctx = useService({}, { worker: false });

  const validCourse = () => ({
    id: uniqueCourseId('Validation'),
    title: 'Validation',
    pacing: 'instructor',
    endAt: new Date(Date.now() + 3_600_000).toISOString(),
    certificatesActive: true,
    passingGrade: 0.5,
  });

  it.each([
    ['a missing title', { title: undefined }, 'body.title'],
    ['an unknown pacing', { pacing: 'weekly' }, 'body.pacing'],
    ['a passing grade above 1', { passingGrade: 1.5 }, 'body.passingGrade'],
    ['an end date that is not ISO 8601', { endAt: 'next friday' }, 'body.endAt'],
    ['an end before the start', { startAt: new Date(Date.now() + 7_200_000).toISOString() }, 'body.endAt'],
    ['an id with spaces', { id: 'my course' }, 'body.id'],
    ['an unknown field', { colour: 'blue' }, 'body'],
  ])('refuses a course with %s', async (_what, change, field) => {
    const body = { ...validCourse(), ...change };
    const response = await ctx.api.post('/courses', body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(response.body.errorId).toMatch(/^[0-9a-f-]{36}$/);
    if (typeof body.id === 'string') {
      expect(await ctx.service.db.course.findUnique({ where: { id: body.id } })).toBeNull();
    }
  });

  it('gives a course created without settings the defaults of the documents: early_no_info, the instructor generates', async () => {
    const response = await ctx.api.post('/courses', validCourse());
    expect(response.status).toBe(201);
    // Seed 002: "“Early no info” (option set by default)"; "By default, the instructor will decide when to generate".
    expect(response.body).toMatchObject({ displayBehavior: 'early_no_info', autoGenerateCertificates: false, learnerGeneratedEnabled: false });
  });

  it('answers 400 for malformed JSON and 413 for an oversized body', async () => {
    const malformed = await ctx.api.raw('POST', '/courses', '{"id": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('invalid_request_body');
    const huge = await ctx.api.raw('POST', '/courses', JSON.stringify({ title: 'x'.repeat(3 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('payload_too_large');
  });

  it('answers 404 for an unknown course and for an unknown certificate', async () => {
    const course = await ctx.api.get('/courses/course-v1:Nobody+Nothing+0');
    expect(course.status).toBe(404);
    expect(course.body.message).toContain('course-v1:Nobody+Nothing+0');
    const certificate = await ctx.api.get('/certificates/00000000-0000-4000-8000-000000000000');
    expect(certificate.status).toBe(404);
    const verify = await ctx.api.get('/verify/00000000-0000-4000-8000-000000000000');
    expect(verify.status).toBe(404);
    expect(verify.body.verdict).toBe('not_found');
    expect((await ctx.api.get('/verify/not-a-uuid')).status).toBe(400);
  });

  it('refuses a whole grade batch that names a learner who is not enrolled, by row', async () => {
    const course = validCourse();
    await ctx.service.db.course.create({
      data: { id: course.id, title: course.title, pacing: 'instructor', startAt: new Date(), endAt: new Date(course.endAt), certificatesActive: true, passingGrade: 0.5 },
    });
    const enrolled = await ctx.api.put(`/courses/${course.id}/enrollments`, {
      enrollments: [{ learnerId: 'val-1', email: `val-1-${course.id.slice(-8)}@example.org`, name: 'One', mode: 'verified' }],
    });
    expect(enrolled.status).toBe(200);

    const response = await ctx.api.put(`/courses/${course.id}/grades`, {
      grades: [
        { learnerId: 'val-1', grade: 0.9 },
        { learnerId: 'ghost', grade: 0.8 },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual([{ field: 'body.grades.1.learnerId', message: `ghost is not enrolled in ${course.id}` }]);
    const row = await ctx.service.db.enrollment.findUniqueOrThrow({ where: { courseId_learnerId: { courseId: course.id, learnerId: 'val-1' } } });
    expect(row.grade).toBeNull();

    const badGrade = await ctx.api.put(`/courses/${course.id}/grades`, { grades: [{ learnerId: 'val-1', grade: -0.1 }] });
    expect(badGrade.status).toBe(400);
    expect(badGrade.body.fields[0].field).toBe('body.grades.0.grade');
  });

  it('refuses duplicate learners in one enrollment batch and an email owned by someone else', async () => {
    const course = validCourse();
    await ctx.service.db.course.create({
      data: { id: course.id, title: course.title, pacing: 'instructor', startAt: new Date(), endAt: new Date(course.endAt), certificatesActive: true, passingGrade: 0.5 },
    });
    const email = `dup-${course.id.slice(-8)}@example.org`;
    const duplicate = await ctx.api.put(`/courses/${course.id}/enrollments`, {
      enrollments: [
        { learnerId: 'dup-a', email, name: 'A', mode: 'verified' },
        { learnerId: 'dup-a', email, name: 'A', mode: 'verified' },
      ],
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.fields[0].field).toBe('body.enrollments.1.learnerId');

    expect((await ctx.api.put(`/courses/${course.id}/enrollments`, { enrollments: [{ learnerId: 'dup-a', email, name: 'A', mode: 'verified' }] })).status).toBe(200);
    // Same batch again: idempotent.
    expect((await ctx.api.put(`/courses/${course.id}/enrollments`, { enrollments: [{ learnerId: 'dup-a', email, name: 'A', mode: 'verified' }] })).status).toBe(200);
    expect(await ctx.service.db.enrollment.count({ where: { courseId: course.id } })).toBe(1);

    const stolen = await ctx.api.put(`/courses/${course.id}/enrollments`, { enrollments: [{ learnerId: 'dup-b', email, name: 'B', mode: 'verified' }] });
    expect(stolen.status).toBe(400);
    expect(stolen.body.fields[0]).toEqual({ field: 'body.enrollments.0.email', message: 'already belongs to another learner' });
  });

  it('answers 404 to invalidating a certificate that does not exist, whatever the body', async () => {
    // The access check looks the certificate up before the body is read: an unknown id is 404 whatever the body.
    const missingNotes = await ctx.api.post('/certificates/00000000-0000-4000-8000-000000000000/invalidations', { invalidatedBy: 'x' });
    expect(missingNotes.status).toBe(404);
    const unknown = await ctx.api.post('/certificates/00000000-0000-4000-8000-000000000000/invalidations', { notes: 'n', invalidatedBy: 'x' });
    expect(unknown.status).toBe(404);
  });
});
