/**
 * Peak memory of the API while it imports a 100,000-line enrollments CSV.
 * Run: node_modules/.bin/jiti bench/import-memory.ts [--api dist/apps/api/src/main.js] [--lines 100000] [--max-old-space-mb N]
 *
 * Starts the API (its own process, compiled; `--api` picks which build) on a fresh database
 * with one course, sends the file once, and reads the API's peak resident set
 * (VmHWM, Linux) before and after. The last line is one JSON object.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, stopChild, waitForPort } from '../scripts/lib/processes.cjs';
import { note, runBench } from './lib';

const COURSE = 'course-v1:Bench+IMPORT+2030';

/** The process's peak and current resident set, in MB. */
function memoryOf(pid: number): { peakMb: number; currentMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMb: Math.round(kb('VmHWM') / 1024), currentMb: Math.round(kb('VmRSS') / 1024) };
}

runBench('import-memory', async ({ defer, database, signingKey }) => {
  const { values } = parseArgs({ options: { api: { type: 'string', default: 'dist/apps/api/src/main.js' }, lines: { type: 'string', default: '100000' }, 'max-old-space-mb': { type: 'string' } } });
  const lines = Number(values.lines);
  const { url, db } = await database(4);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const apiKey = randomBytes(32).toString('base64url');
  // A smaller old space makes the API collect sooner: the peak then follows what it keeps, not when it collects.
  const heap = values['max-old-space-mb'] ? [`--max-old-space-size=${values['max-old-space-mb']}`] : [];
  const api = spawn(process.execPath, [...heap, path.resolve(values.api)], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATABASE_URL: url,
      SIGNING_KEY_FILE: signingKey(),
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      API_KEY_HASHES: createHash('sha256').update(apiKey).digest('hex'),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  defer(() => stopChild(api));
  await waitForPort('127.0.0.1', port, { child: api, name: 'API' });
  const headers = { 'x-api-key': apiKey, accept: 'application/json' };

  // The course is set up in the database: creating it through the API would need a Temporal server.
  await db.course.create({ data: { id: COURSE, title: 'Import', pacing: 'self', startAt: new Date(), endAt: new Date(Date.now() + 864e5), certificatesActive: true, passingGrade: 0.5 } });

  const rows = ['learnerId,email,name,mode'];
  for (let i = 0; i < lines; i++) rows.push(`learner-${i},learner-${i}@example.org,"Learner, ${i} of the memory bench",verified`);
  const file = Buffer.from(rows.join('\n'));
  const before = memoryOf(api.pid!);
  note(`importing ${lines} lines (${(file.length / 1024 / 1024).toFixed(1)} MB); API resident ${before.currentMb} MB, peak so far ${before.peakMb} MB`);
  const started = performance.now();
  const imported = await fetch(`${baseUrl}/courses/${encodeURIComponent(COURSE)}/imports/enrollments`, { method: 'POST', headers: { ...headers, 'content-type': 'text/csv' }, body: file });
  const answer = await imported.text();
  const seconds = (performance.now() - started) / 1000;
  if (imported.status !== 200) throw new Error(`the import answered ${imported.status}: ${answer.slice(0, 300)}`);
  const after = memoryOf(api.pid!);
  return { lines, maxOldSpaceMb: values['max-old-space-mb'] ?? null, fileMb: Math.round((file.length / 1024 / 1024) * 10) / 10, seconds: Math.round(seconds * 100) / 100, residentBeforeMb: before.currentMb, peakBeforeMb: before.peakMb, peakDuringImportMb: after.peakMb, answer: JSON.parse(answer) as unknown };
});
