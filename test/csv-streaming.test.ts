import { gzipSync } from 'node:zlib';
import { uniqueCourseId, useService } from './helpers/service';

/** CSV imports are read from the connection as they arrive; lessons are written a batch at a time. */
describe('CSV imports read as they arrive, and lessons written by batch', () => {
  // With the worker: the course page reports its lifecycle, which the worker answers.
  const ctx = useService();
  const csv = (path: string, text: string, headers: Record<string, string> = {}) => ctx.api.raw('POST', path, text, { 'content-type': 'text/csv', ...headers });

  const createCourse = async (name: string) => {
    const courseId = uniqueCourseId(name);
    const created = await ctx.api.post('/courses', { id: courseId, title: name, pacing: 'self', endAt: new Date(Date.now() + 86_400_000).toISOString(), passingGrade: 0.5, certificatesActive: true });
    expect(created.status).toBe(201);
    return { courseId, path: `/courses/${encodeURIComponent(courseId)}`, tag: courseId.slice(-8) };
  };
  const rule = async (path: string) => (await ctx.api.get(path)).body.completionRule as { requiredLessons: number; optionalLessons: number };

  it('upserts a batch of lessons: new ones added, existing ones updated, completions recorded against them', async () => {
    const { path, tag } = await createCourse('Lessons');
    const lessons = Array.from({ length: 1_500 }, (_, i) => ({ id: `lesson-${i}`, title: `Lesson ${i}`, position: i }));
    expect((await ctx.api.put(`${path}/lessons`, { lessons })).body).toMatchObject({ lessons: 1_500 });
    expect(await rule(path)).toMatchObject({ requiredLessons: 1_500, optionalLessons: 0 });

    // The first 500 become optional, 100 are new; nothing is certified yet, so nothing is retroactive.
    const changed = [...lessons.map((l, i) => ({ ...l, title: `${l.title} (revised)`, required: i >= 500 })), ...Array.from({ length: 100 }, (_, i) => ({ id: `extra-${i}`, title: `Extra ${i}` }))];
    expect((await ctx.api.put(`${path}/lessons`, { lessons: changed.reverse() })).status).toBe(200);
    expect(await rule(path)).toMatchObject({ requiredLessons: 1_100, optionalLessons: 500 });

    expect((await csv(`${path}/imports/enrollments`, `learnerId,email,name,mode\nl-${tag},l-${tag}@example.org,Lena,verified`)).status).toBe(200);
    const completions = await csv(`${path}/imports/completions`, `learnerId,lessonId\nl-${tag},lesson-1\nl-${tag},extra-99\nl-${tag},lesson-1500`);
    expect(completions.body.fields).toEqual([{ field: 'line 4: lessonId', message: expect.stringContaining('lesson-1500 is not a lesson of') }]);
    const recorded = await csv(`${path}/imports/completions`, `learnerId,lessonId\nl-${tag},lesson-1\nl-${tag},extra-99`);
    expect(recorded.body).toMatchObject({ kind: 'completions', recorded: 2 });
  });

  it('refuses a body sent without a length once it passes 16 MB, writing nothing, and keeps answering', async () => {
    const { path, courseId, tag } = await createCourse('Chunked');
    const rows = Array.from({ length: 12_000 }, (_, i) => `c${i}-${tag},c${i}-${tag}@example.org,Learner ${i},verified\n`).join('');
    async function* body() {
      yield Buffer.from(`learnerId,email,name,mode\n${rows}`);
      // Then more than the limit of names, a megabyte at a time.
      const line = `x-${tag},x-${tag}@example.org,${'n'.repeat(60_000)},verified\n`;
      const filler = Buffer.from(line.repeat(Math.ceil((1024 * 1024) / line.length)));
      for (let i = 0; i < 17; i++) yield filler;
    }
    const response = await ctx.api.fetch(`${path}/imports/enrollments`, { method: 'POST', headers: { 'content-type': 'text/csv', accept: 'application/json' }, body: body(), duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'payload_too_large', message: 'the body is larger than the limit of 16 MB' });
    // The rows before the limit were not kept: their learners are not enrolled.
    expect((await csv(`${path}/imports/grades`, `learnerId,grade\nc1-${tag},0.9`)).body.fields).toEqual([{ field: 'line 2: learnerId', message: `c1-${tag} is not enrolled in ${courseId}` }]);

    const small = await csv(`${path}/imports/enrollments`, `learnerId,email,name,mode\nc0-${tag},c0-${tag}@example.org,First,audit`);
    expect(small.body).toEqual({ kind: 'enrollments', courseId, enrolled: 1 });
  });

  it('reads a compressed file, and names what else it refuses', async () => {
    const { path, courseId, tag } = await createCourse('Encodings');
    const file = `\ufefflearnerId,email,name,mode\ng-${tag},g-${tag}@example.org,"Gzip, G",honor\n`;
    const gzipped = await ctx.api.fetch(`${path}/imports/enrollments`, { method: 'POST', headers: { 'content-type': 'text/csv; charset=utf-8', 'content-encoding': 'gzip', accept: 'application/json' }, body: gzipSync(file) });
    expect(await gzipped.json()).toEqual({ kind: 'enrollments', courseId, enrolled: 1 });

    const json = await ctx.api.post(`${path}/imports/grades`, { grades: [{ learnerId: `g-${tag}`, grade: 1 }] });
    expect(json.status).toBe(400);
    expect(json.body.fields).toEqual([{ field: 'body', message: 'send text/csv with a header line: learnerId,grade' }]);
    expect((await csv(`${path}/imports/grades`, '\n\n')).body.fields).toEqual([{ field: 'body', message: 'send text/csv with a header line: learnerId,grade' }]);
    expect((await csv(`${path}/imports/grades`, 'learnerId,grade\n')).body.fields).toEqual([{ field: 'body', message: 'the file has a header but no rows' }]);
    expect((await csv(`${path}/imports/grades`, 'learnerId,grade\nx,1', { 'content-encoding': 'compress' })).status).toBe(415);
    expect((await csv(`/courses/${encodeURIComponent(uniqueCourseId('Missing'))}/imports/grades`, 'learnerId,grade\nx,1')).status).toBe(404);
    const exceptions = await ctx.api.post(`${path}/exceptions/import?grantedBy=prof%40example.org`, { learner: `g-${tag}` });
    expect(exceptions.body.fields).toEqual([{ field: 'body', message: 'send the CSV as text/csv with one learner per line' }]);
  });
});
