/**
 * npm run bench:course [-- --learners 100000 --seconds 10]
 *
 * A whole course through the public HTTP API, as the LMS, an instructor and employers would use
 * it, against the API and the worker in their own processes (real Temporal dev server, real
 * PostgreSQL, a local SMTP catcher so certificate mail is really pending):
 *   1. enroll + grade N learners in maximum batches (baseline: a raw SQL insert of the same rows);
 *   2. the same enrollments as CSV files into a second course (same baseline);
 *   3. generate for all learners;  4. regenerate one group;
 *   5. the start latency of a queued task while certificate mail is pending;
 *   6. an exceptions CSV of 5,000 lines;  7. the Certificates page;  8. one list page and lookups;
 *   9. GET /verify/:id and POST /verify under load, against GET /issuer under the same load;
 *  10. the peak RSS of the API and the worker.
 * Each phase is printed with its seconds and rate; the last line is one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Database } from '../apps/shared/database';
import { signDevToken } from '../scripts/lib/dev-access.cjs';
import { startMailCatcher } from '../scripts/lib/mail-catcher.cjs';
import { API_NODE_FLAGS, freePort, stopChild, waitForPort } from '../scripts/lib/processes.cjs';
import { buildWorkflowBundle } from '../scripts/lib/setup.cjs';
import { ensureDevelopmentKey } from '../scripts/lib/signing-key.cjs';
import { findTemporalCli, startTemporalServer } from '../scripts/lib/temporal.cjs';
import { note, root, runBench } from './lib';

/** The ingestion routes' maximum batch. */
const BATCH = 10_000;
/** The CSV import's maximum rows per file. */
const FILE_ROWS = 100_000;
const EXCEPTION_LINES = 5_000;

const learnerId = (i: number) => `learner-${String(i).padStart(7, '0')}`;
/** Every fifth learner fails: the regenerate and exception phases have someone to act on. */
const gradeOf = (i: number) => (i % 5 === 0 ? 0.2 : 0.9);
const round = (n: number, digits = 2) => +n.toFixed(digits);

function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Peak resident memory of a process, overall and per phase, by polling VmRSS and reading the
 * kernel's VmHWM (reset at each phase through /proc/<pid>/clear_refs where the kernel allows it).
 */
function memoryWatch(pid: number) {
  let peakKb = 0;
  let phaseKb = 0;
  const byPhase: Record<string, number> = {};
  const read = () => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      phaseKb = Math.max(phaseKb, rss, hwm);
      peakKb = Math.max(peakKb, phaseKb);
    } catch {
      // The process has exited: the last reading stands.
    }
  };
  const timer = setInterval(read, 250);
  timer.unref();
  return {
    peakMb: () => {
      read();
      return Math.round(peakKb / 1024);
    },
    /** Closes a phase: records its peak and starts the next one from the current RSS. */
    endPhase: (name: string) => {
      read();
      byPhase[name] = Math.round(phaseKb / 1024);
      phaseKb = 0;
      try {
        fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        // Without the reset, a phase's peak includes the earlier phases' high-water mark.
      }
    },
    byPhase: () => byPhase,
    stop: () => clearInterval(timer),
  };
}

/** The same rows the API writes, straight into PostgreSQL in 10,000-row statements: the floor. */
async function insertBaseline(db: Database, courseId: string, learners: number, withLearners: boolean): Promise<number> {
  const started = performance.now();
  for (let from = 1; from <= learners; from += BATCH) {
    const count = Math.min(BATCH, learners - from + 1);
    const ids = Array.from({ length: count }, (_, k) => `base-${learnerId(from + k)}`);
    const grades = Array.from({ length: count }, (_, k) => gradeOf(from + k));
    if (withLearners) {
      await db.$executeRaw`INSERT INTO learners (id, email, name) SELECT id, id || '@example.org', 'Learner ' || id FROM unnest(${ids}::text[]) AS id`;
      await db.$executeRaw`INSERT INTO enrollments (course_id, learner_id, mode, grade, updated_at)
        SELECT ${courseId}, r.id, 'verified', r.grade, now() FROM unnest(${ids}::text[], ${grades}::float8[]) AS r(id, grade)`;
    } else {
      await db.$executeRaw`INSERT INTO enrollments (course_id, learner_id, mode, updated_at)
        SELECT ${courseId}, id, 'verified', now() FROM unnest(${ids}::text[]) AS id`;
    }
  }
  return (performance.now() - started) / 1000;
}

runBench('course', async ({ work, defer, database, signingKey }) => {
  const { values } = parseArgs({ options: { learners: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' } } });
  const learners = Number(values.learners);
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  if (!Number.isInteger(learners) || learners < 1) throw new Error('--learners must be a positive whole number');

  const temporal = await startTemporalServer({ cli: findTemporalCli({ build: false, log: note }).path, port: await freePort(), logFile: path.join(work, 'temporal.log'), log: note });
  defer(() => temporal.stop());
  const { url, db } = await database(4);
  const mail = await startMailCatcher({});
  defer(() => mail.stop());

  const signingKeyFile = signingKey();
  const lmsKeyFile = path.join(work, 'lms-token-key.json');
  ensureDevelopmentKey(lmsKeyFile, { log: () => undefined });
  const apiKey = randomBytes(32).toString('base64url');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    // Production refuses development keys and http URLs; the benchmark runs on this machine with both.
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: url,
    PUBLIC_URL: baseUrl,
    SIGNING_KEY_FILE: signingKeyFile,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-course-${Date.now().toString(36)}`,
    SMTP_URL: mail.smtpUrl,
  };
  const processes: ChildProcess[] = [];
  const worker = spawn(process.execPath, [path.join(root, 'dist/apps/worker/src/main.js')], {
    env: { ...env, WORKFLOW_BUNDLE_PATH: await buildWorkflowBundle({ log: note }) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  processes.push(worker);
  defer(() => stopChild(worker));
  // The API as `npm start` and the Dockerfile run it, with its heap limit.
  const api = spawn(process.execPath, [...API_NODE_FLAGS, path.join(root, 'dist/apps/api/src/main.js')], {
    env: {
      ...env,
      PORT: String(port),
      AUTH_TOKEN_KEY_FILE: lmsKeyFile,
      API_KEY_HASHES: createHash('sha256').update(apiKey).digest('hex'),
      // One client firing as fast as it can: rate limits would measure 429s. A one-second window
      // keeps the in-memory throttler's per-address history as short as a real limit's.
      RATE_LIMIT_PUBLIC: '100000000/1s',
      RATE_LIMIT_API_KEY: '100000000/1s',
      RATE_LIMIT_WORKFLOWS: '100000000/1s',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  processes.push(api);
  defer(() => stopChild(api));
  const apiMemory = memoryWatch(api.pid!);
  const workerMemory = memoryWatch(worker.pid!);
  defer(async () => {
    apiMemory.stop();
    workerMemory.stop();
  });
  await waitForPort('127.0.0.1', port, { child: api, name: 'API' });

  /** The LMS's server: every call with its API key; any answer but the expected one stops the run. */
  async function call(method: string, route: string, body?: unknown, expect = 200, contentType = 'application/json') {
    const exited = processes.find((p) => p.exitCode !== null);
    if (exited) throw new Error(`${exited === api ? 'the API' : 'the worker'} exited with ${exited.exitCode}`);
    const response = await fetch(`${baseUrl}${route}`, {
      method,
      headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': contentType }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expect) throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as Record<string, unknown>;
  }
  const phases: Record<string, Record<string, unknown>> = {};
  const report = (name: string, result: Record<string, unknown>) => {
    phases[name] = result;
    apiMemory.endPhase(name);
    workerMemory.endPhase(name);
    note(`${name}: ${JSON.stringify(result)}`);
  };

  const courseId = `course-v1:Bench+Course+${Date.now().toString(36)}`;
  const course = encodeURIComponent(courseId);
  const createCourse = (id: string) =>
    call('POST', '/courses', { id, title: 'Course Benchmark', pacing: 'self', endAt: new Date(Date.now() + 30 * 864e5).toISOString(), passingGrade: 0.5, certificatesActive: true }, 201);

  // 1. Enroll and grade in maximum batches, as the LMS syncs a course.
  await createCourse(courseId);
  note(`1. enrolling and grading ${learners} learners in batches of ${BATCH}`);
  let started = performance.now();
  for (let from = 1; from <= learners; from += BATCH) {
    const range = Array.from({ length: Math.min(BATCH, learners - from + 1) }, (_, k) => from + k);
    await call('PUT', `/courses/${course}/enrollments`, { enrollments: range.map((i) => ({ learnerId: learnerId(i), email: `${learnerId(i)}@example.org`, name: `Learner ${i}`, mode: 'verified' })) });
    await call('PUT', `/courses/${course}/grades`, { grades: range.map((i) => ({ learnerId: learnerId(i), grade: gradeOf(i) })) });
  }
  let apiSeconds = (performance.now() - started) / 1000;
  await db.course.create({ data: { id: 'bench-baseline-1', title: 'Baseline', pacing: 'self', startAt: new Date(), endAt: new Date(Date.now() + 864e5), certificatesActive: true, passingGrade: 0.5 } });
  let baselineSeconds = await insertBaseline(db, 'bench-baseline-1', learners, true);
  report('enrollAndGrade', { seconds: round(apiSeconds), perSecond: Math.round(learners / apiSeconds), baselineSeconds: round(baselineSeconds), baselinePerSecond: Math.round(learners / baselineSeconds), ratio: round(baselineSeconds / apiSeconds, 3) });

  // 2. The same enrollments as CSV files into a second course (a file holds at most 100,000 rows).
  const csvCourse = encodeURIComponent(`${courseId}-csv`);
  await createCourse(`${courseId}-csv`);
  const files: string[] = [];
  for (let from = 1; from <= learners; from += FILE_ROWS) {
    const lines = ['learnerId,email,name,mode'];
    for (let i = from; i < Math.min(from + FILE_ROWS, learners + 1); i++) lines.push(`${learnerId(i)},${learnerId(i)}@example.org,Learner ${i},verified`);
    files.push(`${lines.join('\n')}\n`);
  }
  note(`2. importing ${learners} enrollments as ${files.length} CSV file(s)`);
  started = performance.now();
  for (const file of files) await call('POST', `/courses/${csvCourse}/imports/enrollments`, file, 200, 'text/csv');
  apiSeconds = (performance.now() - started) / 1000;
  await db.course.create({ data: { id: 'bench-baseline-2', title: 'Baseline', pacing: 'self', startAt: new Date(), endAt: new Date(Date.now() + 864e5), certificatesActive: true, passingGrade: 0.5 } });
  baselineSeconds = await insertBaseline(db, 'bench-baseline-2', learners, false);
  report('enrollCsv', { files: files.length, seconds: round(apiSeconds), perSecond: Math.round(learners / apiSeconds), baselineSeconds: round(baselineSeconds), baselinePerSecond: Math.round(learners / baselineSeconds), ratio: round(baselineSeconds / apiSeconds, 3) });

  interface Task { id: string; state: string; startedAt: string | null; finishedAt: string | null; total: number | null; issued: number; failed: number; error?: string | null }
  const requestTask = async (body: object) => (await call('POST', `/courses/${course}/generation-tasks`, body, 202)) as unknown as Task;
  async function finished(taskId: string, timeoutMs = 60 * 60_000): Promise<Task> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const task = (await call('GET', `/generation-tasks/${taskId}`)) as unknown as Task;
      if (task.state === 'succeeded') return task;
      if (task.state === 'failed' || task.state === 'cancelled') throw new Error(`generation task ${taskId} ${task.state}: ${task.error ?? 'no reason given'}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`generation task ${taskId} did not finish within ${timeoutMs / 1000} s`);
  }
  const taskSeconds = (task: Task) => (Date.parse(task.finishedAt!) - Date.parse(task.startedAt!)) / 1000;

  // 3. Generate for every learner.
  note('3. generating for all learners');
  started = performance.now();
  const all = await finished((await requestTask({ kind: 'all_learners', requestedBy: 'bench' })).id);
  apiSeconds = (performance.now() - started) / 1000;
  report('generateAll', { seconds: round(apiSeconds), taskSeconds: round(taskSeconds(all)), learnersPerSecond: Math.round(learners / apiSeconds), total: all.total, issued: all.issued, failed: all.failed });
  if (all.issued !== learners - Math.floor(learners / 5)) throw new Error(`expected ${learners - Math.floor(learners / 5)} certificates issued, the task counted ${all.issued}`);

  // 4 and 5. Regenerate the learners who received certificates; a second task queued behind it
  // starts as soon as it ends, although the first generation's mail is still going out.
  note('4. regenerating the group "downloadable"; 5. a task queued behind it');
  const mailedBefore = mail.messages.length;
  started = performance.now();
  const regenerate = await requestTask({ kind: 'regenerate', groups: ['downloadable'], requestedBy: 'bench' });
  const queued = await requestTask({ kind: 'regenerate', groups: ['notpassing'], requestedBy: 'bench' });
  const regenerated = await finished(regenerate.id);
  apiSeconds = (performance.now() - started) / 1000;
  report('regenerateGroup', { group: 'downloadable', seconds: round(apiSeconds), taskSeconds: round(taskSeconds(regenerated)), learnersPerSecond: Math.round((regenerated.total ?? 0) / taskSeconds(regenerated)), total: regenerated.total, issued: regenerated.issued });
  const next = await finished(queued.id);
  const mailSent = mail.messages.length;
  report('nextTaskStart', {
    latencySeconds: round((Date.parse(next.startedAt!) - Date.parse(regenerated.finishedAt!)) / 1000, 3),
    mailPendingAtLeast: all.issued - mailSent,
    mailSentDuringTasks: mailSent - mailedBefore,
    nextTaskSeconds: round(taskSeconds(next)),
  });

  // 6. An exceptions CSV: the failing learners first, then others, one line each.
  const exceptionLines = Math.min(EXCEPTION_LINES, learners);
  const failing = Array.from({ length: Math.floor(learners / 5) }, (_, k) => (k + 1) * 5);
  const passing = Array.from({ length: learners }, (_, k) => k + 1).filter((i) => i % 5 !== 0);
  const exceptionCsv = ['learner,notes', ...[...failing, ...passing].slice(0, exceptionLines).map((i) => `${learnerId(i)},bench exception ${i}`)].join('\n');
  note(`6. importing ${exceptionLines} exceptions`);
  started = performance.now();
  const imported = await call('POST', `/courses/${course}/exceptions/import?grantedBy=bench`, exceptionCsv, 200, 'text/csv');
  apiSeconds = (performance.now() - started) / 1000;
  report('exceptionsCsv', { lines: exceptionLines, seconds: round(apiSeconds, 3), linesPerSecond: Math.round(exceptionLines / apiSeconds), added: imported.added });

  /** Median and slowest of `runs` sequential requests after two warm-ups, with the body's size. */
  async function measure(route: string, headers: Record<string, string>, runs = 20) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs + 2; i++) {
      const t0 = performance.now();
      const response = await fetch(`${baseUrl}${route}`, { headers });
      const body = await response.arrayBuffer();
      const ms = performance.now() - t0;
      if (response.status !== 200) throw new Error(`GET ${route} answered ${response.status}: ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
      if (i >= 2) times.push(ms);
      bytes = body.byteLength;
    }
    times.sort((a, b) => a - b);
    return { medianMs: round(times[Math.floor(times.length / 2)]!, 1), maxMs: round(times[times.length - 1]!, 1), kB: round(bytes / 1024, 1) };
  }

  // 7. The instructor's Certificates page, as a platform administrator's browser asks for it.
  const adminToken = await signDevToken(lmsKeyFile, { role: 'admin', sub: 'bench-admin', name: 'Bench Admin' }, { expiresIn: '1h' });
  report('certificatesPage', await measure(`/app/courses/${course}/certificates`, { authorization: `Bearer ${adminToken}`, accept: 'text/html' }));

  // 8. One page of the certificate list, and one learner found by search and by name.
  const lms = { 'x-api-key': apiKey, accept: 'application/json' };
  const someone = learnerId(Math.max(1, Math.floor(learners * 0.42) + 1));
  report('listPage', await measure(`/courses/${course}/certificates?limit=50`, lms));
  report('searchLearner', await measure(`/courses/${course}/certificates?search=${someone}`, lms));
  report('lookupLearner', await measure(`/courses/${course}/certificates?learner=${someone}`, lms));

  // 9. Verification under load, each against the trivial GET /issuer under the same load.
  const page = (await call('GET', `/courses/${course}/certificates?status=downloadable&limit=200`)) as unknown as { certificates: Array<{ id: string }> };
  const ids = page.certificates.map((c) => c.id);
  const credentials = await Promise.all(
    ids.map(async (id) => {
      const response = await fetch(`${baseUrl}/certificates/${id}/credential.jwt`, { headers: { 'x-api-key': apiKey } });
      if (response.status !== 200) throw new Error(`GET /certificates/${id}/credential.jwt answered ${response.status}`);
      return JSON.stringify({ credential: (await response.text()).trim() });
    }),
  );
  let nextId = 0;
  let nextBody = 0;
  note(`9. loading GET /issuer, GET /verify/:id and POST /verify for ${seconds} s each with ${connections} connections`);
  const issuer = await load({ url: `${baseUrl}/issuer`, connections, duration: seconds });
  const verifyGet = await load({
    url: baseUrl,
    connections,
    duration: seconds,
    requests: [{ method: 'GET', headers: { accept: 'application/json' }, setupRequest: (req) => ({ ...req, path: `/verify/${ids[nextId++ % ids.length]}` }) }],
  });
  const verifyPost = await load({
    url: `${baseUrl}/verify`,
    connections,
    duration: seconds,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: credentials[nextBody++ % credentials.length] }) }],
  });
  for (const [name, result] of [['GET /issuer', issuer], ['GET /verify/:id', verifyGet], ['POST /verify', verifyPost]] as const) {
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  const rate = (r: autocannon.Result) => ({ rps: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99 });
  report('verifyLoad', {
    issuer: rate(issuer),
    verifyGet: { ...rate(verifyGet), ratio: round(verifyGet.requests.average / issuer.requests.average, 3) },
    verifyPost: { ...rate(verifyPost), ratio: round(verifyPost.requests.average / issuer.requests.average, 3) },
  });

  // 10. Peak memory of each process over the whole run.
  const memory = { apiPeakRssMb: apiMemory.peakMb(), workerPeakRssMb: workerMemory.peakMb(), apiPeakRssMbByPhase: apiMemory.byPhase(), workerPeakRssMbByPhase: workerMemory.byPhase() };
  report('memory', memory);
  // The machines are shared: the load beside the numbers says how far to trust absolute times.
  return { learners, seconds, connections, ...phases, loadAverage: os.loadavg().map((n) => round(n, 1)) };
});
