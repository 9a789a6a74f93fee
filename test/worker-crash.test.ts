import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../apps/shared/config';
import { loadKeySet } from '../apps/shared/credentials/signing-keys';
import { verifyCredentialJws } from '../apps/shared/credentials/verify-credential';
import { createDatabase, type Database } from '../apps/shared/database';
import { stopChild } from '../scripts/lib/processes.cjs';
import { generationWorkflowId, type IssuanceTuning } from '../workflows/definitions';
import type { generateCertificatesWorkflow } from '../workflows/generate-certificates';
import { uniqueCourseId, waitFor } from './helpers/service';

const LEARNERS = 6000;
const root = path.join(__dirname, '..');

/** The real worker entry point, in its own process, so it can be killed like a crashed machine. */
function startWorker(taskQueue: string): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', path.join(root, 'apps/worker/src/main.ts')], {
    cwd: root,
    env: { ...process.env, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '6' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

describe('a worker killed (SIGKILL) in the middle of a bulk issuance', () => {
  let db: Database;
  let client: Client;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    const config = loadConfig();
    db = createDatabase(config.database.url, 4);
    client = new Client({ connection: await Connection.connect({ address: config.temporal.address }) });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => stopChild(w)));
    await client?.connection.close();
    await db?.$disconnect();
  });

  it('resumes on a new worker: exact count, nobody twice, nobody missing, every credential valid', async () => {
    const courseId = uniqueCourseId('Crash');
    const taskQueue = `crash-${courseId.slice(-8)}`;
    await db.course.create({
      data: { id: courseId, title: 'Crash Course', pacing: 'instructor', startAt: new Date(Date.now() - 3_600_000), endAt: new Date(), passingGrade: 0.5 },
    });
    const ids = Array.from({ length: LEARNERS }, (_, i) => `crash-${courseId.slice(-8)}-${String(i).padStart(5, '0')}`);
    await db.$executeRaw`INSERT INTO learners (id, email, name) SELECT id, id || '@example.org', 'Learner ' || id FROM unnest(${ids}::text[]) AS id`;
    await db.$executeRaw`INSERT INTO enrollments (course_id, learner_id, mode, grade, final_grade, updated_at)
                         SELECT ${courseId}, id, 'verified', 0.9, 0.9, now() FROM unnest(${ids}::text[]) AS id`;
    const task = await db.generationTask.create({ data: { courseId, kind: 'all_learners', requestedBy: 'crash-test' } });

    // Small batches and a short heartbeat timeout: the kill lands mid-chunk, and the retry comes quickly.
    const tuning: IssuanceTuning = { chunkSize: 600, batchSize: 50, maxInFlight: 2, chunksPerRun: 4, heartbeatTimeoutMs: 2000 };
    workers.push(startWorker(taskQueue));
    const handle = await client.workflow.start<typeof generateCertificatesWorkflow>('generateCertificatesWorkflow', {
      workflowId: generationWorkflowId(task.id),
      taskQueue,
      args: [{ courseId, taskId: task.id, selection: { kind: 'all_learners' }, resign: false, tuning }],
    });

    const atKill = await waitFor('the first certificates', async () => {
      const n = await db.certificate.count({ where: { courseId } });
      return n >= 300 ? n : null;
    }, 60_000);
    workers[0].kill('SIGKILL');
    await new Promise((resolve) => workers[0].once('exit', resolve));
    const afterKill = await db.certificate.count({ where: { courseId } });
    expect(afterKill).toBeLessThan(LEARNERS);

    workers.push(startWorker(taskQueue));
    const counts = await handle.result();

    expect(counts).toEqual({ done: LEARNERS, issued: LEARNERS, failed: 0 });
    const rows = await db.certificate.findMany({ where: { courseId }, select: { id: true, learnerId: true, status: true, jws: true } });
    expect(rows).toHaveLength(LEARNERS);
    expect(new Set(rows.map((r) => r.learnerId)).size).toBe(LEARNERS);
    expect(rows.every((r) => r.status === 'downloadable')).toBe(true);
    const keys = await loadKeySet(loadConfig().signing);
    for (const row of rows) {
      const check = await verifyCredentialJws(row.jws!, keys);
      if (!check.ok || check.credential.jti !== `urn:uuid:${row.id}`) throw new Error(`certificate ${row.id} does not verify or belongs to another id`);
    }
    const stored = await db.generationTask.findUniqueOrThrow({ where: { id: task.id } });
    expect(stored).toMatchObject({ state: 'succeeded', total: LEARNERS, done: LEARNERS, issued: LEARNERS, failed: 0 });
    // Several runs (continue-as-new), each with a bounded history.
    const runs: number[] = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${generationWorkflowId(task.id)}'` })) runs.push(run.historyLength);
    expect(runs.length).toBeGreaterThan(1);
    expect(Math.max(...runs)).toBeLessThan(200);
    process.stdout.write(`\n[crash test] killed the worker at ${atKill}→${afterKill} of ${LEARNERS} certificates; ${runs.length} workflow runs, longest history ${Math.max(...runs)} events\n`);
  }, 240_000);
});
