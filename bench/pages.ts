/**
 * node dist/bench/pages.js [--learners 100000] [--exceptions 5000] [--invalidations 2000] [--tasks 300] [--runs 20]
 *
 * A course the size of a large MOOC, written straight into a fresh database (the baseline), then
 * measured through HTTP like an instructor's browser and an LMS would: the Certificates page and
 * the first page of each list, with the certificate list's filter and search. Every answer is one
 * page, so time and size stay flat whatever the course's size. The last line is one JSON object.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, stopChild, waitForPort } from '../scripts/lib/processes.cjs';
import { findTemporalCli, startTemporalServer } from '../scripts/lib/temporal.cjs';
import { note, root, runBench } from './lib';

const COURSE = 'course-v1:Bench+Pages+2030';

runBench('pages', async ({ database, defer, signingKey, work }) => {
  const { values } = parseArgs({
    options: {
      learners: { type: 'string', default: '100000' },
      exceptions: { type: 'string', default: '5000' },
      invalidations: { type: 'string', default: '2000' },
      tasks: { type: 'string', default: '300' },
      runs: { type: 'string', default: '20' },
    },
  });
  const [learners, exceptions, invalidations, tasks, runs] = [values.learners, values.exceptions, values.invalidations, values.tasks, values.runs].map(Number) as [number, number, number, number, number];
  const { url, db } = await database(4);
  // Usernames sort as numbers: learner-000001 .. learner-100000, one digit more from 1,000,000 on.
  const width = Math.max(6, String(learners).length);

  note(`writing ${learners} learners with certificates, ${exceptions} exceptions, ${invalidations} invalidations, ${tasks} generation tasks`);
  const started = Date.now();
  await db.course.create({ data: { id: COURSE, title: 'Pages Benchmark', pacing: 'instructor', startAt: new Date(), endAt: new Date(Date.now() - 864e5), certificatesActive: true, passingGrade: 0.5 } });
  await db.$executeRaw`INSERT INTO learners (id, email, name)
    SELECT 'learner-' || lpad(i::text, ${width}::int, '0'), 'Learner.' || i || '@Example.org', 'Learner ' || i FROM generate_series(1, ${learners}::int) AS i`;
  await db.$executeRaw`INSERT INTO enrollments (course_id, learner_id, mode, grade, updated_at)
    SELECT ${COURSE}, 'learner-' || lpad(i::text, ${width}::int, '0'), 'verified', CASE WHEN i % 5 = 0 THEN 0.2 ELSE 0.9 END, now() FROM generate_series(1, ${learners}::int) AS i`;
  await db.$executeRaw`INSERT INTO certificates (id, course_id, learner_id, status, grade, issued_at, updated_at)
    SELECT gen_random_uuid(), ${COURSE}, 'learner-' || lpad(i::text, ${width}::int, '0'),
           (CASE WHEN i % 5 = 0 THEN 'notpassing' ELSE 'downloadable' END)::"CertificateStatus",
           CASE WHEN i % 5 = 0 THEN 0.2 ELSE 0.9 END, CASE WHEN i % 5 = 0 THEN NULL ELSE now() END, now()
      FROM generate_series(1, ${learners}::int) AS i`;
  await db.$executeRaw`INSERT INTO certificate_exceptions (course_id, learner_id, notes, granted_by, granted_at)
    SELECT ${COURSE}, 'learner-' || lpad((i * 5)::text, ${width}::int, '0'), 'bench exception ' || i, 'prof', now() - (i || ' seconds')::interval
      FROM generate_series(1, ${exceptions}::int) AS i`;
  await db.$executeRaw`INSERT INTO invalidations (id, certificate_id, notes, invalidated_by, created_at)
    SELECT gen_random_uuid(), c.id, 'bench invalidation', 'prof', now() - (row_number() OVER () || ' seconds')::interval
      FROM (SELECT id FROM certificates WHERE course_id = ${COURSE} AND status = 'downloadable' ORDER BY learner_id LIMIT ${invalidations}::int) AS c`;
  await db.$executeRaw`INSERT INTO generation_tasks (id, course_id, kind, requested_by, requested_at, state, total, done, issued)
    SELECT gen_random_uuid(), ${COURSE}, 'exceptions_missing', 'prof', now() - (i || ' minutes')::interval, 'succeeded', 10, 10, 10
      FROM generate_series(1, ${tasks}::int) AS i`;
  await db.$executeRaw`ANALYZE`;
  note(`baseline written in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // The page asks the course's workflow for its lifecycle: a real server answers at once (no
  // workflow here), where an unreachable one would make every page wait for its timeout.
  const temporal = await startTemporalServer({ cli: findTemporalCli({ build: false }).path, port: await freePort(), logFile: path.join(work, 'temporal.log'), log: note });
  defer(() => temporal.stop());

  const apiKey = randomBytes(32).toString('base64url');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, [path.join(root, 'dist/apps/api/src/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      RATE_LIMIT_API_KEY: '100000000/1m',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATABASE_URL: url,
      SIGNING_KEY_FILE: signingKey(),
      TEMPORAL_ADDRESS: temporal.address,
      API_KEY_HASHES: createHash('sha256').update(apiKey).digest('hex'),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  defer(() => stopChild(api));
  await waitForPort('127.0.0.1', port, { child: api, name: 'API' });

  const course = encodeURIComponent(COURSE);
  /** Median and slowest time and the size of `runs` sequential requests, after two warm-ups. */
  async function measure(route: string, accept = 'application/json') {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs + 2; i++) {
      const t0 = performance.now();
      const response = await fetch(`${baseUrl}${route}`, { headers: { 'x-api-key': apiKey, accept } });
      const body = await response.arrayBuffer();
      const ms = performance.now() - t0;
      if (response.status !== 200) throw new Error(`${route} answered ${response.status}: ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
      if (i >= 2) times.push(ms);
      bytes = body.byteLength;
    }
    times.sort((a, b) => a - b);
    const result = { medianMs: Math.round(times[Math.floor(times.length / 2)]! * 10) / 10, maxMs: Math.round(times[times.length - 1]! * 10) / 10, kB: Math.round(bytes / 102.4) / 10 };
    note(`${route}: ${JSON.stringify(result)}`);
    return result;
  }

  const results = {
    dashboard: await measure(`/app/courses/${course}/certificates`, 'text/html'),
    certificates: await measure(`/courses/${course}/certificates`),
    certificatesLastPage: await measure(`/courses/${course}/certificates?limit=500&cursor=${Buffer.from(JSON.stringify([`learner-${String(Math.max(0, learners - 100)).padStart(width, '0')}`])).toString('base64url')}`),
    certificatesByStatus: await measure(`/courses/${course}/certificates?status=notpassing`),
    certificatesSearchUsername: await measure(`/courses/${course}/certificates?search=LEARNER-0421`),
    certificatesSearchEmail: await measure(`/courses/${course}/certificates?search=learner.4213`),
    exceptions: await measure(`/courses/${course}/exceptions`),
    invalidations: await measure(`/courses/${course}/invalidations`),
    history: await measure(`/courses/${course}/generation-tasks`),
  };
  return { size: { learners, exceptions, invalidations, tasks }, runs, ...results };
});
