import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import { loadKeySet } from '../apps/shared/credentials/signing-keys';
import { verifyCredentialJws } from '../apps/shared/credentials/verify-credential';
import { createDatabase, type Database } from '../apps/shared/database';
import { migrateDeploy, startEmbeddedPostgres } from '../scripts/lib/database.cjs';
import { freePort } from '../scripts/lib/processes.cjs';
import { httpClient, startService, uniqueCourseId, waitFor } from './helpers/service';

/**
 * The fallback `npm start` uses on a machine with only Node: PGlite served over the PostgreSQL
 * wire protocol. The same migrations and the same activities must work against it.
 */
describe('embedded PostgreSQL (PGlite)', () => {
  let embedded: { url: string; stop: () => Promise<void> };
  let db: Database;

  beforeAll(async () => {
    embedded = await startEmbeddedPostgres({ port: await freePort(), log: () => undefined });
    migrateDeploy(embedded.url, { quiet: true });
    db = createDatabase(embedded.url, 4);
  }, 120_000);
  afterAll(async () => {
    await db?.$disconnect();
    await embedded?.stop();
  });

  it('runs the migrations, the issuance activities and the uniqueness constraint', async () => {
    const courseId = 'course-v1:Embedded+PG+1';
    await db.course.create({
      data: { id: courseId, title: 'Embedded', pacing: 'instructor', startAt: new Date(), endAt: new Date(), certificatesActive: true, passingGrade: 0.6 },
    });
    const learners = Array.from({ length: 20 }, (_, i) => ({ id: `pg-${String(i).padStart(2, '0')}`, email: `pg${i}@example.org`, name: `PG ${i}` }));
    await db.learner.createMany({ data: learners });
    await db.enrollment.createMany({
      data: learners.map((l, i) => ({ courseId, learnerId: l.id, mode: 'verified' as const, grade: i % 2 === 0 ? 0.9 : 0.3 })),
    });

    const keys = await loadKeySet({ keyFile: process.env.SIGNING_KEY_FILE! });
    const activities = createActivities({ db, keys, issuer: { publicUrl: 'http://localhost:3000', name: 'Embedded' } });
    await activities.finalizeGrades(courseId);
    const taskId = await activities.createSystemGenerationTask({ courseId, kind: 'all_learners' });
    const selection = { kind: 'all_learners' as const };
    const plan = await activities.planIssuanceChunks({ courseId, selection, after: null, chunkSize: 7, maxChunks: 10 });
    expect(plan).toEqual({ bounds: ['pg-06', 'pg-13', 'pg-19'], exhausted: true });
    const env = new MockActivityEnvironment();
    let after: string | null = null;
    for (const upTo of plan.bounds) {
      await env.run(activities.issueCertificateRange, { courseId, taskId, selection, after, upTo, resign: false, batchSize: 3 });
      after = upTo;
    }
    expect(await activities.finishGenerationTask({ taskId })).toEqual({ done: 20, issued: 10, failed: 0 });

    // A retried chunk changes nothing and creates nothing.
    await env.run(activities.issueCertificateRange, { courseId, taskId, selection, after: null, upTo: 'pg-19', resign: false, batchSize: 50 });
    expect(await db.certificate.count({ where: { courseId } })).toBe(20);
    expect(await activities.finishGenerationTask({ taskId })).toEqual({ done: 20, issued: 10, failed: 0 });

    const one = await db.certificate.findFirstOrThrow({ where: { courseId, status: 'downloadable' } });
    const check = await verifyCredentialJws(one.jws!, keys);
    expect(check.ok).toBe(true);

    await expect(db.certificate.create({ data: { courseId, learnerId: one.learnerId, status: 'notpassing' } })).rejects.toMatchObject({ code: 'P2002' });
  }, 60_000);

  it('serves the whole pipe over HTTP: course end, issuance by the workflow, verification', async () => {
    const service = await startService({ DATABASE_URL: embedded.url, DATABASE_POOL_SIZE: '4' });
    try {
      // The LMS's own server calls with an API key.
      const api = httpClient(service.baseUrl, { 'x-api-key': process.env.TEST_API_KEY! });
      const courseId = uniqueCourseId('Embedded');
      expect((await api.get('/health')).body.database.status).toBe('up');
      const created = await api.post('/courses', { id: courseId, title: 'On PGlite', pacing: 'instructor', endAt: new Date(Date.now() + 1500).toISOString(), certificatesActive: true, passingGrade: 0.5, autoGenerateCertificates: true });
      expect(created.status).toBe(201);
      await api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId: 'lite', email: 'lite@example.org', name: 'Lite Learner', mode: 'verified' }] });
      await api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: 'lite', grade: 0.8 }] });
      await waitFor('issuance on PGlite', async () => Boolean((await api.get(`/courses/${courseId}`)).body.certificatesGeneratedAt));
      const [certificate] = (await api.get(`/courses/${courseId}/certificates`)).body.certificates;
      expect((await api.get(`/verify/${certificate.id}`)).body).toMatchObject({ verdict: 'valid', learner: { name: 'Lite Learner' } });
    } finally {
      await service.stop();
    }
  }, 60_000);
});
