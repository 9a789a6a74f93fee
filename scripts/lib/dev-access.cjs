'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ensureDevelopmentKey } = require('./signing-key.cjs');

/**
 * Development stand-ins for what the LMS provides in production: the key it signs people's tokens
 * with (kept in .data/, private half included so `npm start` can sign tokens for the demo people)
 * and an API key for its server-to-server calls.
 * @param {string} dataDir
 * @param {(line: string) => void} log
 */
function ensureDevAccess(dataDir, log) {
  const lmsKeyFile = path.join(dataDir, 'lms-token-key.json');
  ensureDevelopmentKey(lmsKeyFile, { log: () => log(`auth: created a development LMS token key at ${lmsKeyFile}`) });
  const apiKeyFile = path.join(dataDir, 'api-key');
  if (!fs.existsSync(apiKeyFile)) {
    fs.writeFileSync(apiKeyFile, `${crypto.randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
    log(`auth: created a development API key at ${apiKeyFile}`);
  }
  const apiKey = fs.readFileSync(apiKeyFile, 'utf8').trim();
  return { lmsKeyFile, apiKeyFile, apiKey, apiKeyHash: crypto.createHash('sha256').update(apiKey).digest('hex') };
}

/**
 * Signs a token the way the LMS would: with a unique `jti`, so a short-lived one (the default) is
 * also a sign-in token that opens one browser session.
 * @param {string} keyFile a private JWK (P-256)
 * @param {Record<string, unknown>} claims sub, role, courses, name
 * @param {{ expiresIn?: string, audience?: string, issuer?: string }} [options]
 */
async function signDevToken(keyFile, claims, { expiresIn = '5m', audience = process.env.AUTH_TOKEN_AUDIENCE ?? 'course-certificates', issuer = process.env.AUTH_TOKEN_ISSUER } = {}) {
  const { importJWK, SignJWT } = require('jose');
  const key = await importJWK(JSON.parse(fs.readFileSync(keyFile, 'utf8')), 'ES256');
  const token = new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256', typ: 'JWT' }).setJti(crypto.randomUUID()).setIssuedAt().setExpirationTime(expiresIn).setAudience(audience);
  return (issuer ? token.setIssuer(issuer) : token).sign(key);
}

/**
 * The LMS's side of a sign-in link, for development: each visit to /<person> signs a fresh
 * short-lived, single-use token and sends the browser to the service's /session page, as the
 * LMS's own link would. So the links `npm start` prints work any number of times.
 * @param {{ keyFile: string, apiUrl: string, people: Record<string, { claims: Record<string, unknown>, next: string }> }} options
 */
async function startDevSignIn({ keyFile, apiUrl, people }) {
  const http = require('node:http');
  const server = http.createServer((req, res) => {
    const person = req.method === 'GET' ? people[new URL(req.url ?? '/', 'http://localhost').pathname.slice(1)] : undefined;
    if (!person) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`Development sign-in: open /${Object.keys(people).join(' or /')}\n`);
      return;
    }
    signDevToken(keyFile, person.claims).then(
      (token) => res.writeHead(303, { location: `${apiUrl}/session?token=${token}&next=${encodeURIComponent(person.next)}`, 'cache-control': 'no-store' }).end(),
      (error) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${error.message}\n`),
    );
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(() => resolve(undefined))) };
}

const DEMO_COURSE = 'course-v1:Demo+CERT101+2030';

/**
 * The demo course `npm start` offers a newcomer: self-paced, so the learner can request a
 * certificate at once and the instructor can generate for everyone. Idempotent.
 * @param {string} apiUrl
 * @param {string} apiKey
 */
async function ensureDemoCourse(apiUrl, apiKey) {
  /** @param {string} method @param {string} route @param {unknown} body */
  const call = async (method, route, body) => {
    const response = await fetch(`${apiUrl}${route}`, { method, headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${await response.text()}`);
  };
  const id = encodeURIComponent(DEMO_COURSE);
  await call('POST', '/courses', { id: DEMO_COURSE, title: 'Trustworthy Certificates 101', pacing: 'self', startAt: '2026-01-01T00:00:00Z', endAt: '2030-12-31T00:00:00Z', certificatesActive: true, passingGrade: 0.6 });
  const names = ['Demo Learner', 'Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Frances Allen', 'Łucja Żółć', 'Ζωή Παπαδοπούλου', 'Kenji Tanaka', 'Radia Perlman'];
  const people = names.map((name, i) => ({ learnerId: i === 0 ? 'demo.learner' : `demo.${name.split(' ')[1].normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase() || i}`, email: `${i === 0 ? 'demo.learner' : `learner${i}`}@example.org`, name, mode: 'verified', grade: i % 4 === 3 ? 0.45 : 0.62 + (i % 5) * 0.07 }));
  await call('PUT', `/courses/${id}/enrollments`, { enrollments: people.map(({ grade: _g, ...p }) => p) });
  await call('PUT', `/courses/${id}/grades`, { grades: people.map((p) => ({ learnerId: p.learnerId, grade: p.grade })) });
  return { courseId: DEMO_COURSE, learnerId: 'demo.learner', instructorId: 'demo.instructor' };
}

module.exports = { ensureDevAccess, signDevToken, startDevSignIn, ensureDemoCourse, DEMO_COURSE };
