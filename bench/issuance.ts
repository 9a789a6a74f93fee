/**
 * npm run bench:issuance -- --learners N
 *
 * Seeds a finished course with N passing learners directly in a fresh database, then measures in
 * the same run:
 *   baseline  build + sign + insert the same N certificates in this process, no Temporal;
 *   real      the bulk generation workflow on a real Temporal dev server, worker in its own process.
 * The last line is one JSON object. Machines are noisy: compare `ratio`, not absolute seconds.
 */
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { buildAchievementCredential } from '../apps/shared/credentials/achievement-credential';
import { signCredential } from '../apps/shared/credentials/sign-credential';
import { loadKeySet } from '../apps/shared/credentials/signing-keys';
import type { Database } from '../apps/shared/database';
import { generationWorkflowId, type IssuanceTuning } from '../workflows/definitions';
import type { generateCertificatesWorkflow } from '../workflows/generate-certificates';
import { freePort, stopChild } from '../scripts/lib/processes.cjs';
import { findTemporalCli, startTemporalServer } from '../scripts/lib/temporal.cjs';
import { buildWorkflowBundle } from '../scripts/lib/setup.cjs';
import { note, root, runBench } from './lib';


async function seed(db: Database, courseId: string, learners: number): Promise<void> {
  await db.course.create({
    // Opted in to automatic generation: what is measured is the bulk run after grade finalization.
    data: { id: courseId, title: 'Benchmark Course', pacing: 'instructor', startAt: new Date(Date.now() - 86_400_000), endAt: new Date(), certificatesActive: true, passingGrade: 0.5, autoGenerateCertificates: true },
  });
  const batch = 10_000;
  for (let from = 0; from < learners; from += batch) {
    const ids = Array.from({ length: Math.min(batch, learners - from) }, (_, i) => `bench-${String(from + i).padStart(8, '0')}`);
    await db.$executeRaw`
      INSERT INTO learners (id, email, name) SELECT id, id || '@example.org', 'Learner ' || id FROM unnest(${ids}::text[]) AS id
      ON CONFLICT DO NOTHING`;
    await db.$executeRaw`
      INSERT INTO enrollments (course_id, learner_id, mode, grade, final_grade, updated_at)
      SELECT ${courseId}, id, 'verified', 0.8, 0.8, now() FROM unnest(${ids}::text[]) AS id`;
  }
}

/** What the workflow does per learner, minus Temporal: build, sign, insert in batches. */
async function baseline(db: Database, courseId: string, learners: number, keyFile: string): Promise<number> {
  const keys = await loadKeySet({ keyFile });
  const started = performance.now();
  const batch = 250;
  const lanes = 4;
  let next = 0;
  const lane = async () => {
    while (next < learners) {
      const from = next;
      next += batch;
      const ids = Array.from({ length: Math.min(batch, learners - from) }, (_, i) => `bench-${String(from + i).padStart(8, '0')}`);
      const issuedAt = new Date();
      const rows = await Promise.all(
        ids.map(async (learnerId) => {
          const id = randomUUID();
          const jws = await signCredential(
            buildAchievementCredential({
              certificateId: id,
              publicUrl: 'http://localhost:3000',
              issuerName: 'Bench',
              course: { id: courseId, title: 'Benchmark Course', passingGrade: 0.5 },
              learner: { id: learnerId, name: `Learner ${learnerId}` },
              issuedAt,
            }),
            keys.active,
          );
          return { id, learnerId, jws };
        }),
      );
      await db.$executeRaw`
        INSERT INTO certificates (id, course_id, learner_id, status, jws, key_id, issued_at, grade, updated_at)
        SELECT r.id, ${courseId}, r.learner_id, 'downloadable', r.jws, ${keys.active.kid}, now(), 0.8, now()
          FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.learnerId)}::text[], ${rows.map((r) => r.jws)}::text[]) AS r(id, learner_id, jws)`;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return (performance.now() - started) / 1000;
}

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

runBench('issuance', async ({ work, defer, database, signingKey }) => {
  const { values } = parseArgs({ options: { learners: { type: 'string', default: '10000' } } });
  const learners = Number(values.learners);
  if (!Number.isInteger(learners) || learners < 1) throw new Error('--learners must be a positive whole number');
  {
    const cli = findTemporalCli({ build: false, log: note });
    const temporal = await startTemporalServer({ cli: cli.path, port: await freePort(), logFile: path.join(work, 'temporal.log'), log: note });
    defer(temporal.stop);
    const { url, db } = await database(12);
    const keyFile = signingKey();

    note(`seeding ${learners} learners`);
    await seed(db, 'bench-real', learners);
    await db.course.create({ data: { id: 'bench-baseline', title: 'Benchmark Course', pacing: 'instructor', startAt: new Date(), endAt: new Date(), certificatesActive: true, passingGrade: 0.5, autoGenerateCertificates: true } });
    await db.$executeRaw`INSERT INTO enrollments (course_id, learner_id, mode, grade, final_grade, updated_at)
                          SELECT 'bench-baseline', learner_id, mode, grade, final_grade, now() FROM enrollments WHERE course_id = 'bench-real'`;
    await db.$executeRaw`ANALYZE`;

    note('baseline: sign + insert without Temporal');
    const baselineSeconds = await baseline(db, 'bench-baseline', learners, keyFile);

    const taskQueue = `bench-${randomUUID()}`;
    const worker = spawn(process.execPath, [path.join(root, 'dist/apps/worker/src/main.js')], {
      env: {
        ...process.env,
        // Production refuses development keys and http URLs; the benchmark runs on this machine with both.
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: '12',
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        SIGNING_KEY_FILE: keyFile,
        WORKFLOW_BUNDLE_PATH: await buildWorkflowBundle({ log: note }),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    defer(() => stopChild(worker));
    const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
    defer(() => client.connection.close());

    const tuning: IssuanceTuning = { chunkSize: 1000, batchSize: 250, maxInFlight: 4, chunksPerRun: 50, heartbeatTimeoutMs: 30_000 };
    const task = await db.generationTask.create({ data: { courseId: 'bench-real', kind: 'all_learners', requestedBy: 'bench' } });
    note('real: bulk generation workflow');
    const started = performance.now();
    const counts = await client.workflow.execute<typeof generateCertificatesWorkflow>('generateCertificatesWorkflow', {
      workflowId: generationWorkflowId(task.id),
      taskQueue,
      args: [{ courseId: 'bench-real', taskId: task.id, selection: { kind: 'all_learners' }, resign: false, tuning }],
    });
    const seconds = (performance.now() - started) / 1000;
    const rss = peakRssMb(worker.pid!);

    const runs: number[] = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${generationWorkflowId(task.id)}'` })) runs.push(run.historyLength);
    const issuedRows = await db.certificate.count({ where: { courseId: 'bench-real', status: 'downloadable' } });
    if (counts.issued !== learners || issuedRows !== learners) throw new Error(`expected ${learners} certificates, the task counted ${counts.issued} and the table has ${issuedRows}`);

    const result = {
      learners,
      seconds: +seconds.toFixed(2),
      perSecond: Math.round(learners / seconds),
      baselineSeconds: +baselineSeconds.toFixed(2),
      baselinePerSecond: Math.round(learners / baselineSeconds),
      ratio: +(baselineSeconds / seconds).toFixed(3),
      historyEvents: Math.max(...runs),
      workflowRuns: runs.length,
      historyEventsTotal: runs.reduce((a, b) => a + b, 0),
      workerPeakRssMb: rss,
      tuning,
    };
    return result;
  }
});
