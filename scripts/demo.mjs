// `npm run demo -- --learners N`: creates a demo course through the running API, lets the real
// lifecycle workflow issue its certificates after the course ends (the course opts in to automatic
// generation; by default an instructor generates), and prints one JSON line per certificate.
// Progress goes to stderr, so stdout is only the JSON lines.
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    learners: { type: 'string', default: '5' },
    api: { type: 'string', default: process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}` },
    'ends-in': { type: 'string', default: '3' },
  },
});
const learners = Number(values.learners);
const endsInSeconds = Number(values['ends-in']);
const api = values.api.replace(/\/+$/, '');
/** @param {string} line */
const note = (line) => process.stderr.write(`[demo] ${line}\n`);

/** @param {string} message @returns {never} */
function fail(message) {
  process.stderr.write(`[demo] ${message}\n`);
  process.exit(1);
}

if (!Number.isInteger(learners) || learners < 1 || learners > 10_000) fail('--learners must be a whole number from 1 to 10000');
if (!Number.isFinite(endsInSeconds) || endsInSeconds < 0) fail('--ends-in must be a number of seconds');

// The LMS's API key: API_KEY, else the development key `npm start` made.
const apiKeyFile = new URL('../.data/api-key', import.meta.url);
const apiKey = process.env.API_KEY ?? (fs.existsSync(apiKeyFile) ? fs.readFileSync(apiKeyFile, 'utf8').trim() : null);
if (!apiKey) fail('no API key: start the service with `npm start` (it makes .data/api-key) or set API_KEY');

// The parts of the API's answers the demo reads.
/** @typedef {{ state: string, issued: number, done: number, failed: number }} GenerationView */
/** @typedef {{ certificatesGeneratedAt: string | null, lifecycle: unknown, latestGeneration: GenerationView | null }} CourseView */
/** @typedef {{ id: string, status: string, verifyUrl: string | null, learnerId: string, learnerName: string, grade: number | null, issuedAt: string | null }} CertificateView */

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<unknown>}
 */
async function call(method, path, body) {
  const response = await fetch(`${api}${path}`, {
    method,
    // Checked above: the demo has stopped without one.
    headers: { 'x-api-key': /** @type {string} */ (apiKey), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json().catch(() => null);
  if (!response.ok) fail(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

async function main() {
  try {
    await fetch(`${api}/health`);
  } catch {
    fail(`no API at ${api}; start the service first with \`npm start\` (or pass --api URL)`);
  }
  const stamp = new Date().toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
  const courseId = `course-v1:Demo+CERT101+${stamp}`;
  const endAt = new Date(Date.now() + endsInSeconds * 1000).toISOString();
  await call('POST', '/courses', { id: courseId, title: 'Trustworthy Certificates 101', pacing: 'instructor', endAt, certificatesActive: true, passingGrade: 0.6, autoGenerateCertificates: true });
  note(`course ${courseId} created; it ends at ${endAt}`);

  const people = Array.from({ length: learners }, (_, i) => ({
    learnerId: `demo-${stamp}-${String(i + 1).padStart(4, '0')}`,
    email: `learner${i + 1}.${stamp}@example.org`,
    name: `Demo Learner ${i + 1}`,
    mode: 'verified',
    // Everyone passes except every tenth learner, so the demo also shows a refusal.
    grade: (i + 1) % 10 === 0 ? 0.4 : 0.6 + ((i * 7) % 40) / 100,
  }));
  for (let i = 0; i < people.length; i += 1000) {
    const batch = people.slice(i, i + 1000);
    await call('PUT', `/courses/${encodeURIComponent(courseId)}/enrollments`, {
      enrollments: batch.map(({ grade: _grade, ...p }) => p),
    });
    await call('PUT', `/courses/${encodeURIComponent(courseId)}/grades`, {
      grades: batch.map((p) => ({ learnerId: p.learnerId, grade: p.grade })),
    });
  }
  note(`${learners} learners enrolled and graded; waiting for the lifecycle workflow`);

  const deadline = Date.now() + 120_000 + endsInSeconds * 1000;
  /** @type {CourseView} */
  let course;
  do {
    await new Promise((r) => setTimeout(r, 500));
    course = /** @type {CourseView} */ (await call('GET', `/courses/${encodeURIComponent(courseId)}`));
    if (Date.now() > deadline) fail(`certificates were not generated in time: ${JSON.stringify(course.latestGeneration ?? course.lifecycle)}`);
  } while (!course.certificatesGeneratedAt);
  // Certificates generated means a generation ran.
  const task = /** @type {GenerationView} */ (course.latestGeneration);
  note(`generation ${task.state}: ${task.issued} issued, ${task.done - task.issued} not eligible, ${task.failed} failed`);

  // The list comes a page at a time.
  /** @type {CertificateView[]} */
  const certificates = [];
  for (let cursor = ''; ; ) {
    const page = /** @type {{ certificates: CertificateView[], nextCursor: string | null }} */ (
      await call('GET', `/courses/${encodeURIComponent(courseId)}/certificates?limit=500${cursor ? `&cursor=${cursor}` : ''}`)
    );
    certificates.push(...page.certificates);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  for (const c of certificates.filter((certificate) => certificate.status === 'downloadable')) {
    console.log(
      JSON.stringify({
        certificateId: c.id,
        verifyUrl: c.verifyUrl,
        courseId,
        learnerId: c.learnerId,
        learnerName: c.learnerName,
        grade: c.grade,
        issuedAt: c.issuedAt,
      }),
    );
  }
}

main().catch((error) => fail(error.message));
