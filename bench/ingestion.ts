/**
 * Set-based ingestion at the documented maximum batch: enrolls and grades 10,000 learners per
 * course through the repositories the API uses, on a fresh database, and prints learners/s.
 * Run: node_modules/.bin/jiti bench/ingestion.ts [--batches N]
 */
import { parseArgs } from 'node:util';
import { EnrollmentsRepository } from '../apps/shared/repositories/enrollments.repository';
import { note, runBench } from './lib';

const BATCH = 10_000;

runBench('ingestion', async (bench) => {
  const { values } = parseArgs({ options: { batches: { type: 'string', default: '3' } } });
  const batches = Number(values.batches);
  const { db } = await bench.database(10);
  const enrollments = new EnrollmentsRepository(db);
  const rates: number[] = [];
  for (let b = 0; b < batches; b++) {
    const courseId = `bench-ingestion-${b}`;
    await db.course.create({ data: { id: courseId, title: 'Ingestion', pacing: 'self', startAt: new Date(), endAt: new Date(Date.now() + 86_400_000), passingGrade: 0.5 } });
    const rows = Array.from({ length: BATCH }, (_, i) => ({ learnerId: `${courseId}-${i}`, email: `${courseId}-${i}@example.org`, name: `Learner ${i}`, mode: 'verified' as const }));
    const started = performance.now();
    await enrollments.findLearnersByEmail(rows.map((r) => r.email));
    await enrollments.enrollLearners(courseId, rows);
    await enrollments.listEnrolledLearnerIds(courseId, rows.map((r) => r.learnerId));
    await enrollments.recordGrades(courseId, rows.map((r, i) => ({ learnerId: r.learnerId, grade: (i % 100) / 100 })), false);
    const seconds = (performance.now() - started) / 1000;
    rates.push(Math.round(BATCH / seconds));
    note(`batch ${b + 1}: ${BATCH} learners enrolled and graded in ${seconds.toFixed(2)} s`);
  }
  return { batch: BATCH, learnersPerSecond: rates, best: Math.max(...rates) };
});
