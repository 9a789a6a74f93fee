/**
 * npm run bench:api-memory [-- --learners 1000000]
 *
 * Whether the API's memory stays flat as a course grows. The LMS's sync of a course, through the
 * public HTTP API, into an API process started as `npm start` starts it (its heap limit included):
 * enroll + grade in maximum batches, then the same learners as enrollment CSV files into a
 * second course. Run twice in the same run, at a tenth of the size (the baseline) and at the full
 * size, each against a fresh API process; prints both peak RSS figures and their ratio.
 * No generation runs here (bench:course covers the whole course); Temporal runs only because a
 * new course starts its lifecycle.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { API_NODE_FLAGS, freePort, stopChild, waitForPort } from '../scripts/lib/processes.cjs';
import { ensureDevelopmentKey } from '../scripts/lib/signing-key.cjs';
import { findTemporalCli, startTemporalServer } from '../scripts/lib/temporal.cjs';
import { note, root, runBench, type Bench } from './lib';

/** The ingestion routes' maximum batch, and the CSV import's maximum rows per file. */
const BATCH = 10_000;
const FILE_ROWS = 100_000;
const learnerId = (i: number) => `learner-${String(i).padStart(7, '0')}`;

/** Peak RSS over a whole process life: VmRSS polled, and the kernel's VmHWM. */
function watchPeak(pid: number) {
  let peakKb = 0;
  const read = () => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      for (const name of ['VmRSS', 'VmHWM']) peakKb = Math.max(peakKb, Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0));
    } catch {
      // The process has exited: the last reading stands.
    }
  };
  const timer = setInterval(read, 250);
  timer.unref();
  return () => {
    read();
    clearInterval(timer);
    return Math.round(peakKb / 1024);
  };
}

async function syncCourse(bench: Bench, temporalAddress: string, learners: number) {
  const { url } = await bench.database(4);
  const lmsKeyFile = path.join(bench.work, `lms-token-key-${learners}.json`);
  ensureDevelopmentKey(lmsKeyFile, { log: () => undefined });
  const apiKey = randomBytes(32).toString('base64url');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, [...API_NODE_FLAGS, path.join(root, 'dist/apps/api/src/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATABASE_URL: url,
      PUBLIC_URL: baseUrl,
      PORT: String(port),
      SIGNING_KEY_FILE: bench.signingKey(),
      AUTH_TOKEN_KEY_FILE: lmsKeyFile,
      API_KEY_HASHES: createHash('sha256').update(apiKey).digest('hex'),
      RATE_LIMIT_API_KEY: '100000000/1s',
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_TASK_QUEUE: `bench-api-memory-${learners}`,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const peak = watchPeak(api.pid!);
  try {
    await waitForPort('127.0.0.1', port, { child: api, name: 'API' });
    const call = async (method: string, route: string, body: unknown, expect: number, contentType = 'application/json') => {
      const response = await fetch(`${baseUrl}${route}`, { method, headers: { 'x-api-key': apiKey, 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await response.text();
      if (response.status !== expect) throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 300)}`);
    };
    const course = (id: string) => call('POST', '/courses', { id, title: 'Memory', pacing: 'self', endAt: new Date(Date.now() + 30 * 864e5).toISOString(), passingGrade: 0.5, certificatesActive: true }, 201);
    const started = performance.now();
    await course('memory-batches');
    for (let from = 1; from <= learners; from += BATCH) {
      const range = Array.from({ length: Math.min(BATCH, learners - from + 1) }, (_, k) => from + k);
      await call('PUT', '/courses/memory-batches/enrollments', { enrollments: range.map((i) => ({ learnerId: learnerId(i), email: `${learnerId(i)}@example.org`, name: `Learner ${i}`, mode: 'verified' })) }, 200);
      await call('PUT', '/courses/memory-batches/grades', { grades: range.map((i) => ({ learnerId: learnerId(i), grade: i % 5 === 0 ? 0.2 : 0.9 })) }, 200);
    }
    await course('memory-csv');
    for (let from = 1; from <= learners; from += FILE_ROWS) {
      const lines = ['learnerId,email,name,mode'];
      for (let i = from; i < Math.min(from + FILE_ROWS, learners + 1); i++) lines.push(`${learnerId(i)},${learnerId(i)}@example.org,Learner ${i},verified`);
      await call('POST', '/courses/memory-csv/imports/enrollments', `${lines.join('\n')}\n`, 200, 'text/csv');
    }
    return { learners, seconds: +((performance.now() - started) / 1000).toFixed(1), apiPeakRssMb: peak() };
  } finally {
    await stopChild(api);
  }
}

runBench('api-memory', async (bench) => {
  const { values } = parseArgs({ options: { learners: { type: 'string', default: '1000000' } } });
  const learners = Number(values.learners);
  if (!Number.isInteger(learners) || learners < 10 * BATCH) throw new Error(`--learners must be a whole number of at least ${10 * BATCH}`);
  const temporal = await startTemporalServer({ cli: findTemporalCli({ build: false, log: note }).path, port: await freePort(), logFile: path.join(bench.work, 'temporal.log'), log: note });
  bench.defer(() => temporal.stop());
  note(`baseline: ${learners / 10} learners`);
  const baseline = await syncCourse(bench, temporal.address, Math.round(learners / 10));
  note(`baseline: ${JSON.stringify(baseline)}`);
  note(`full size: ${learners} learners`);
  const full = await syncCourse(bench, temporal.address, learners);
  note(`full size: ${JSON.stringify(full)}`);
  return { baseline, full, apiNodeFlags: API_NODE_FLAGS, ratio: +(full.apiPeakRssMb / baseline.apiPeakRssMb).toFixed(2) };
});
