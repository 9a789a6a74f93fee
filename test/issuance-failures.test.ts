import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import { loadConfig } from '../apps/shared/config';
import { loadKeySet, type KeySet } from '../apps/shared/credentials/signing-keys';
import { createDatabase, type Database } from '../apps/shared/database';
import { uniqueCourseId } from './helpers/service';

/** A learner whose certificate cannot be built lands in `error` with the reason, and a retry fixes it. */
describe('issuance failures', () => {
  let db: Database;
  let keys: KeySet;
  beforeAll(async () => {
    const config = loadConfig();
    db = createDatabase(config.database.url, 4);
    keys = await loadKeySet(config.signing);
  });
  afterAll(async () => {
    await db?.$disconnect();
  });

  it('records error with its reason instead of leaving anyone "generating", and regenerating the error group recovers', async () => {
    const courseId = uniqueCourseId('Failure');
    await db.course.create({ data: { id: courseId, title: 'Failure', pacing: 'instructor', startAt: new Date(), endAt: new Date(), certificatesActive: true, passingGrade: 0.5 } });
    const ids = ['f1', 'f2', 'f3'].map((x) => `${x}-${courseId.slice(-8)}`);
    await db.learner.createMany({ data: ids.map((id) => ({ id, email: `${id}@example.org`, name: id })) });
    await db.enrollment.createMany({ data: ids.map((learnerId) => ({ courseId, learnerId, mode: 'verified' as const, grade: 0.9, finalGrade: 0.9 })) });

    // A signing key that cannot sign (its "private" half is the public key).
    const broken: KeySet = { ...keys, active: { ...keys.active, privateKey: keys.active.publicKey } };
    const issuer = { publicUrl: 'http://localhost:3000', name: 'Failure' };
    const failing = createActivities({ db, keys: broken, issuer });
    const env = new MockActivityEnvironment();
    const task = await failing.createSystemGenerationTask({ courseId, kind: 'all_learners' });
    const selection = { kind: 'all_learners' as const };
    const result = await env.run(failing.issueCertificateRange, { courseId, taskId: task, selection, after: null, upTo: ids[2], resign: false, batchSize: 10 });
    expect(result).toEqual({ processed: 3, issued: 0, failed: 3 });
    const rows = await db.certificate.findMany({ where: { courseId } });
    expect(rows.map((r) => r.status)).toEqual(['error', 'error', 'error']);
    expect(rows.every((r) => (r.errorReason ?? '').length > 0)).toBe(true);
    expect(await failing.finishGenerationTask({ taskId: task })).toEqual({ done: 3, issued: 0, failed: 3 });

    const working = createActivities({ db, keys, issuer });
    const retry = await working.createSystemGenerationTask({ courseId, kind: 'regenerate' });
    const regen = { kind: 'regenerate' as const, groups: ['error' as const] };
    const fixed = await env.run(working.issueCertificateRange, { courseId, taskId: retry, selection: regen, after: null, upTo: ids[2], resign: true, batchSize: 10 });
    expect(fixed).toEqual({ processed: 3, issued: 3, failed: 0 });
    const after = await db.certificate.findMany({ where: { courseId } });
    expect(after.map((r) => [r.status, r.errorReason])).toEqual([['downloadable', null], ['downloadable', null], ['downloadable', null]]);
    expect(after.map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
  });
});
