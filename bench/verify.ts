/**
 * npm run bench:verify
 *
 * Starts the API (its own process) on a fresh database with issued certificates, then loads, in
 * the same run and with the same load generator:
 *   GET /verify/:id  an employer's scan of the QR code, as the HTML page and as JSON;
 *   POST /verify     every check: structure, key, signature, claims, record, status list;
 *   GET /issuer      a trivial route of the same server (the baseline);
 * and measures PDF renders per second, cold (in process) and cached (over HTTP).
 * The last line is one JSON object. Compare the ratios (`ratio` for POST /verify, `scanHtmlRatio`, `scanJsonRatio`), not absolute numbers: the machines are noisy.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { writeCertificates } from '../activities/issuance/write-certificates';
import type { AchievementCredential } from '../apps/shared/credentials/achievement-credential';
import { loadKeySet } from '../apps/shared/credentials/signing-keys';
import { renderCertificatePdf } from '../apps/shared/documents/certificate-pdf';
import { createRepositories } from '../apps/shared/repositories';
import { freePort, stopChild, waitForPort } from '../scripts/lib/processes.cjs';
import { note, root, runBench } from './lib';


function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

runBench('verify', async ({ defer, database, signingKey }) => {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' }, profile: { type: 'string' } } });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  {
    const { url, db } = await database(4);
    const keyFile = signingKey();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;

    note('issuing 200 certificates');
    await db.course.create({ data: { id: 'bench-verify', title: 'Verification Benchmark', pacing: 'self', startAt: new Date(), endAt: new Date(Date.now() + 864e5), certificatesActive: true, passingGrade: 0.5 } });
    const ids = Array.from({ length: 200 }, (_, i) => `verify-${String(i).padStart(4, '0')}`);
    await db.$executeRaw`INSERT INTO learners (id, email, name) SELECT id, id || '@example.org', 'Learner ' || id FROM unnest(${ids}::text[]) AS id`;
    await db.$executeRaw`INSERT INTO enrollments (course_id, learner_id, mode, grade, updated_at) SELECT 'bench-verify', id, 'verified', 0.9, now() FROM unnest(${ids}::text[]) AS id`;
    const keys = await loadKeySet({ keyFile });
    const repositories = createRepositories(db);
    const course = (await repositories.standings.findCourseFacts('bench-verify'))!;
    const standings = await repositories.standings.listStandings(course, { kind: 'all_learners' }, { after: null, upTo: null }, 1000);
    await writeCertificates({ issuance: repositories.issuance, keys, issuer: { publicUrl, name: 'Bench' } }, course, standings, { taskId: null, resign: false });
    const certificates = await db.certificate.findMany({ where: { courseId: 'bench-verify' }, select: { id: true, jws: true } });

    // Downloads need a signed-in caller: the bench is the LMS's server, with an API key.
    const apiKey = randomBytes(32).toString('base64url');
    // --profile DIR writes a V8 CPU profile of the API process there (open it in Chrome DevTools).
    const profile = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.profile)}`] : [];
    const api = spawn(process.execPath, [...profile, path.join(root, 'dist/apps/api/src/main.js')], {
      env: {
        ...process.env,
        // Production refuses development keys and http URLs; the benchmark runs on this machine with both.
        NODE_ENV: 'development',
        // The bench is one client address firing as fast as it can: rate limits would measure 429s.
        // A one-second window: the limiter's in-memory store re-reads every hit of the window on each
        // request, so a minute of hits at full speed (~100k, where production's 300/1m keeps at most 300)
        // would make each request cost more the later its route is loaded, and the ratios measure the order.
        RATE_LIMIT_PUBLIC: '100000000/1s',
        RATE_LIMIT_API_KEY: '100000000/1m',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        PUBLIC_URL: publicUrl,
        DATABASE_URL: url,
        SIGNING_KEY_FILE: keyFile,
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        API_KEY_HASHES: createHash('sha256').update(apiKey).digest('hex'),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    defer(() => stopChild(api));
    await waitForPort('127.0.0.1', port, { child: api, name: 'API' });

    const bodies = certificates.map((c) => JSON.stringify({ credential: c.jws }));
    let next = 0;
    const check = await fetch(`${publicUrl}/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[0] });
    if (check.status !== 200) throw new Error(`POST /verify answered ${check.status}: ${await check.text()}`);

    note(`loading GET /issuer (baseline) for ${seconds} s with ${connections} connections`);
    const baseline = await load({ url: `${publicUrl}/issuer`, connections, duration: seconds });
    note(`loading POST /verify for ${seconds} s with ${connections} connections`);
    const verify = await load({
      url: `${publicUrl}/verify`,
      connections,
      duration: seconds,
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }) }],
    });
    if (verify.non2xx > 0 || verify.errors > 0) throw new Error(`${verify.non2xx} non-2xx answers and ${verify.errors} errors under load`);
    // An employer's scan: each request a different certificate, as the page (a phone) and as JSON (a client).
    const scan = async (accept: string) => {
      let nextId = 0;
      note(`loading GET /verify/:id (${accept}) for ${seconds} s with ${connections} connections`);
      const result = await load({
        url: publicUrl,
        connections,
        duration: seconds,
        requests: [{ method: 'GET', headers: { accept }, setupRequest: (req) => ({ ...req, path: `/verify/${certificates[nextId++ % certificates.length].id}` }) }],
      });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`GET /verify/:id (${accept}): ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
      return result;
    };
    const pageCheck = await fetch(`${publicUrl}/verify/${certificates[0].id}`, { headers: { accept: 'application/json' } });
    if (pageCheck.status !== 200 || ((await pageCheck.json()) as { verdict: string }).verdict !== 'valid') throw new Error(`GET /verify/:id answered ${pageCheck.status}`);
    const scanHtml = await scan('text/html');
    const scanJson = await scan('application/json');

    note('PDF renders: cold in process, cached over HTTP');
    const credential = JSON.parse(Buffer.from(certificates[0].jws!.split('.')[1], 'base64url').toString()) as AchievementCredential;
    let cold = 0;
    const coldStart = performance.now();
    while (performance.now() - coldStart < 3000) {
      await renderCertificatePdf({ credential, jws: certificates[0].jws, verifyUrl: `${publicUrl}/verify/${certificates[0].id}` });
      cold++;
    }
    const coldPerSecond = cold / ((performance.now() - coldStart) / 1000);
    const cached = await load({ url: `${publicUrl}/certificates/${certificates[0].id}/certificate.pdf`, headers: { 'x-api-key': apiKey }, connections: 8, duration: 3 });
    if (cached.non2xx > 0) throw new Error(`${cached.non2xx} PDF downloads were refused`);

    const result = {
      rps: Math.round(verify.requests.average),
      p50Ms: verify.latency.p50,
      p99Ms: verify.latency.p99,
      baselineRps: Math.round(baseline.requests.average),
      baselineP99Ms: baseline.latency.p99,
      ratio: +(verify.requests.average / baseline.requests.average).toFixed(3),
      scanHtmlRps: Math.round(scanHtml.requests.average),
      scanHtmlP99Ms: scanHtml.latency.p99,
      scanHtmlRatio: +(scanHtml.requests.average / baseline.requests.average).toFixed(3),
      scanJsonRps: Math.round(scanJson.requests.average),
      scanJsonP99Ms: scanJson.latency.p99,
      scanJsonRatio: +(scanJson.requests.average / baseline.requests.average).toFixed(3),
      pdfColdPerSecond: Math.round(coldPerSecond),
      pdfCachedPerSecond: Math.round(cached.requests.average),
      connections,
      seconds,
    };
    return result;
  }
});
