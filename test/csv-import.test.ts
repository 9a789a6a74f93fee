import { uniqueCourseId, useService } from './helpers/service';

describe('CSV ingestion (enrollments, grades, completions)', () => {
  const ctx = useService({}, { worker: false });
  const csv = (path: string, text: string) => ctx.api.raw('POST', path, text, { 'content-type': 'text/csv' });

  it('imports whole files, refuses a file with bad lines whole, and names every bad line', async () => {
    const courseId = uniqueCourseId('Csv');
    const suffix = courseId.slice(-8);
    await ctx.service.db.course.create({
      data: { id: courseId, title: 'CSV', pacing: 'self', startAt: new Date(), endAt: new Date(Date.now() + 86_400_000), certificatesActive: true, passingGrade: 0.5 },
    });
    const enrollments = ['learnerId,email,name,mode', `a-${suffix},a-${suffix}@example.org,"Lovelace, Ada",verified`, `b-${suffix},b-${suffix}@example.org,Bob,audit`].join('\n');
    const ok = await csv(`/courses/${courseId}/imports/enrollments`, enrollments);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ kind: 'enrollments', courseId, enrolled: 2 });
    expect((await csv(`/courses/${courseId}/imports/enrollments`, enrollments)).status).toBe(200);
    expect(await ctx.service.db.enrollment.count({ where: { courseId } })).toBe(2);
    expect((await ctx.service.db.learner.findUniqueOrThrow({ where: { id: `a-${suffix}` } })).name).toBe('Lovelace, Ada');

    const grades = ['learnerId,grade', `a-${suffix},0.8`, `b-${suffix},eighty`, `ghost-${suffix},0.5`, `b-${suffix},1.5`].join('\n');
    const bad = await csv(`/courses/${courseId}/imports/grades`, grades);
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['line 3: grade', 'line 5: grade']);
    // Nothing from a refused file is written, not even its good lines.
    expect((await ctx.service.db.enrollment.findUniqueOrThrow({ where: { courseId_learnerId: { courseId, learnerId: `a-${suffix}` } } })).grade).toBeNull();

    const unknownLearner = await csv(`/courses/${courseId}/imports/grades`, ['learnerId,grade', `a-${suffix},0.8`, `ghost-${suffix},0.5`].join('\n'));
    expect(unknownLearner.status).toBe(400);
    expect(unknownLearner.body.fields).toEqual([{ field: 'line 3: learnerId', message: `ghost-${suffix} is not enrolled in ${courseId}` }]);

    const header = await csv(`/courses/${courseId}/imports/grades`, 'learner,score\nx,1');
    expect(header.status).toBe(400);
    expect(header.body.fields[0]).toMatchObject({ field: 'line 1' });
    expect(header.body.fields[0].message).toContain('missing learnerId, grade');

    const ragged = await csv(`/courses/${courseId}/imports/grades`, `learnerId,grade\na-${suffix},0.8,extra`);
    expect(ragged.body.fields).toEqual([{ field: 'line 2', message: 'expected 2 values, found 3' }]);

    expect((await csv(`/courses/${courseId}/imports/grades`, ['learnerId,grade', `a-${suffix},0.8`].join('\r\n'))).status).toBe(200);
    expect((await csv(`/courses/${courseId}/imports/payments`, 'x')).status).toBe(400);
  });
});
