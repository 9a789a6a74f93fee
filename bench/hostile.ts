/**
 * npm run bench:hostile [-- --seconds 3 --baseline-seconds 5]
 *
 * Starts the API (its own process) on a fresh database with one issued certificate. A reader
 * fetches GET /verify/:id (JSON) back to back, first alone (the baseline), then while an attacker
 * sends each hostile body of bench/hostile-requests.ts, the largest the API accepts, for
 * --seconds each. The last line is one JSON object: the worst time of any hostile request, the
 * reader's worst and p99 latency under attack, and the same reader's latency with no attack.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { writeCertificates } from '../activities/issuance/write-certificates';
import { loadKeySet } from '../apps/shared/credentials/signing-keys';
import { createRepositories } from '../apps/shared/repositories';
import { freePort, stopChild, waitForPort } from '../scripts/lib/processes.cjs';
import { hostileRequests } from './hostile-requests';
import { note, root, runBench } from './lib';

const COURSE = 'course-v1:Bench+HOSTILE+2030';

/** The reader thread: GET the verification page back to back, posting { at, ms } for each answer (a refusal ends the thread with an error). */
const READER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  for (;;) {
    const started = performance.now();
    const response = await fetch(workerData.url, { headers: { accept: 'application/json' } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error('GET /verify/:id answered ' + response.status);
    parentPort.postMessage({ at: Date.now(), ms: performance.now() - started });
  }
})();
`;

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
const round = (ms: number) => Math.round(ms * 10) / 10;

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { requests: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), worstMs: round(sorted.at(-1) ?? 0) };
}

runBench('hostile', async ({ defer, database, signingKey }) => {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, 'baseline-seconds': { type: 'string', default: '5' } } });
  const seconds = Number(values.seconds);
  const baselineSeconds = Number(values['baseline-seconds']);

  const { url, db } = await database(4);
  const keyFile = signingKey();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;

  note('issuing one certificate');
  await db.course.create({ data: { id: COURSE, title: 'Hostile Input', pacing: 'self', startAt: new Date(), endAt: new Date(Date.now() + 864e5), certificatesActive: true, passingGrade: 0.5 } });
  await db.learner.create({ data: { id: 'reader', email: 'reader@example.org', name: 'Patient Reader' } });
  await db.$executeRaw`INSERT INTO enrollments (course_id, learner_id, mode, grade, updated_at) VALUES (${COURSE}, 'reader', 'verified', 0.9, now())`;
  const keys = await loadKeySet({ keyFile });
  const repositories = createRepositories(db);
  const course = (await repositories.standings.findCourseFacts(COURSE))!;
  const standings = await repositories.standings.listStandings(course, { kind: 'all_learners' }, { after: null, upTo: null }, 10);
  await writeCertificates({ issuance: repositories.issuance, keys, issuer: { publicUrl: baseUrl, name: 'Bench' } }, course, standings, { taskId: null, resign: false });
  const { id: certificateId } = await db.certificate.findFirstOrThrow({ where: { courseId: COURSE }, select: { id: true } });

  // The attacker is signed in as the LMS (API key) for the routes that need it: the worst case,
  // since anonymous callers are refused before any body is parsed there.
  const apiKey = randomBytes(32).toString('base64url');
  const api = spawn(process.execPath, [path.join(root, 'dist/apps/api/src/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATABASE_URL: url,
      SIGNING_KEY_FILE: keyFile,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      API_KEY_HASHES: createHash('sha256').update(apiKey).digest('hex'),
      // Rate limits would refuse most of the attack before any parser ran; this measures the parsers.
      RATE_LIMIT_PUBLIC: '1000000/1m',
      RATE_LIMIT_API_KEY: '1000000/1m',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  defer(() => stopChild(api));
  await waitForPort('127.0.0.1', port, { child: api, name: 'API' });

  // The reader runs in its own thread, so sending 5 MB bodies from this one never delays it: what
  // it measures is the server. It reports each answer's completion time and latency.
  const samples: Array<{ at: number; ms: number }> = [];
  const reader = new Worker(READER, { eval: true, workerData: { url: `${baseUrl}/verify/${certificateId}` } });
  let readerError: Error | null = null;
  reader.on('message', (sample: { at: number; ms: number }) => samples.push(sample));
  reader.on('error', (error) => (readerError = error));
  defer(() => reader.terminate());
  /** The reader's latencies over `ms`, while `attack` runs back to back (or alone). */
  const measure = async (ms: number, attack?: () => Promise<void>) => {
    const from = Date.now();
    const deadline = from + ms;
    if (attack) {
      while (Date.now() < deadline) await attack();
    } else {
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    const to = Date.now();
    // Answers still in flight arrive as messages a moment later.
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (readerError) throw readerError;
    return samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.ms);
  };

  note(`baseline: the reader alone for ${baselineSeconds} s`);
  await measure(1000); // warm-up
  const baseline = summary(await measure(baselineSeconds * 1000));

  const requests = hostileRequests(COURSE);
  const shapes: Record<string, { status: number; requests: number; worstMs: number; readerWorstMs: number }> = {};
  const underAttack: number[] = [];
  for (const request of requests) {
    note(`${request.name}: ${(request.body.length / 1024 / 1024).toFixed(2)} MB for ${seconds} s`);
    const times: number[] = [];
    const headers: Record<string, string> = { 'content-type': request.contentType, accept: 'application/json', ...(request.signedIn ? { 'x-api-key': apiKey } : {}) };
    const read = await measure(seconds * 1000, async () => {
      const started = performance.now();
      const response = await fetch(`${baseUrl}${request.path}`, { method: request.method, headers, body: request.body });
      await response.arrayBuffer();
      times.push(performance.now() - started);
      if (response.status !== request.status) throw new Error(`${request.name}: answered ${response.status}, expected ${request.status}`);
    });
    underAttack.push(...read);
    shapes[request.name] = { status: request.status, requests: times.length, worstMs: round(Math.max(...times)), readerWorstMs: summary(read).worstMs };
  }
  await reader.terminate();

  const worst = Object.entries(shapes).sort(([, a], [, b]) => b.worstMs - a.worstMs)[0];
  const attacked = summary(underAttack);
  return {
    worstHostileMs: worst[1].worstMs,
    worstHostileShape: worst[0],
    readerWorstMs: attacked.worstMs,
    readerP99Ms: attacked.p99Ms,
    readerP50Ms: attacked.p50Ms,
    baselineWorstMs: baseline.worstMs,
    baselineP99Ms: baseline.p99Ms,
    baselineP50Ms: baseline.p50Ms,
    shapes,
    secondsPerShape: seconds,
  };
});
