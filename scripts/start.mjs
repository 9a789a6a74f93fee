// `npm start`: sets up everything the service needs on this machine and runs it.
//   dependencies → Prisma client → Temporal CLI → compiled service → Temporal dev server
//   → PostgreSQL (DATABASE_URL, else local server, else embedded PGlite) → migrations
//   → development signing key → worker + API → prints the URLs. Ctrl-C stops it all.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { prepare } from './prepare.mjs';

const require = createRequire(import.meta.url);
/** @type {typeof import('./lib/paths.cjs')} */
const { root, dataDir } = require('./lib/paths.cjs');
/** @type {typeof import('./lib/processes.cjs')} */
const { spawn, canConnect, stopChild, API_NODE_FLAGS } = require('./lib/processes.cjs');

/** @param {string} line */
const say = (line) => console.log(`[start] ${line}`);
/** @type {{ name: string, process: import('node:child_process').ChildProcess }[]} */
const children = [];
/** @type {(() => Promise<unknown>)[]} */
const cleanups = [];
let stopping = false;

/** @param {number} code */
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const child of [...children].reverse()) await stopChild(child.process);
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => say(`cleanup failed: ${error.message}`));
  say('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

/** @param {import('node:stream').Readable} stream @param {string} name */
function prefixed(stream, name) {
  let buffer = '';
  stream.on('data', (/** @type {Buffer} */ chunk) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = /** @type {string} */ (lines.pop());
    for (const line of lines) console.log(`[${name}] ${line}`);
  });
}

/** @param {string} name @param {string} script @param {NodeJS.ProcessEnv} env @param {string[]} [flags] */
function startChild(name, script, env, flags = []) {
  const child = spawn(process.execPath, ['--enable-source-maps', ...flags, script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  prefixed(child.stdout, name);
  prefixed(child.stderr, name);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} exited (${code ?? signal}); stopping everything`);
    void shutdown(1);
  });
  children.push({ name, process: child });
  return child;
}

/** @typedef {{ database: { status: string }, temporal: { status: string } }} Health */

/**
 * @param {string} url
 * @param {number} timeoutMs
 * @returns {Promise<Health>}
 */
async function waitForHealth(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      last = await response.json();
      if (response.ok) return /** @type {Health} */ (last);
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the API did not report healthy within ${timeoutMs / 1000} s: ${JSON.stringify(last)}`);
}

async function main() {
  const started = Date.now();
  const { temporalCli } = prepare('start');
  // Loaded after `prepare`, which installs the dependencies they use.
  /** @type {typeof import('./lib/database.cjs')} */
  const { ensureDatabase, isReachable, LOCAL_SERVER, migrateDeploy, startEmbeddedPostgres } = require('./lib/database.cjs');
  /** @type {typeof import('./lib/temporal.cjs')} */
  const { startTemporalServer } = require('./lib/temporal.cjs');
  /** @type {typeof import('./lib/signing-key.cjs')} */
  const { ensureDevelopmentKey } = require('./lib/signing-key.cjs');
  /** @type {typeof import('./lib/processes.cjs')} */
  const { freePort } = require('./lib/processes.cjs');
  /** @type {typeof import('./lib/setup.cjs')} */
  const { buildWorkflowBundle } = require('./lib/setup.cjs');
  fs.mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  const env = { ...process.env };
  env.WORKFLOW_BUNDLE_PATH ??= await buildWorkflowBundle();
  const port = Number(env.PORT ?? 3000);
  const postgresServer = env.POSTGRES_SERVER_URL ?? LOCAL_SERVER;
  if (await canConnect('127.0.0.1', port)) {
    throw new Error(`port ${port} is already in use (another \`npm start\`?); stop it or set PORT`);
  }

  // Temporal: the configured server, or our own dev server with its history in .data/.
  let temporalUi = null;
  if (env.TEMPORAL_ADDRESS) {
    say(`temporal: using TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS}`);
  } else if (await canConnect('127.0.0.1', 7233)) {
    env.TEMPORAL_ADDRESS = '127.0.0.1:7233';
    temporalUi = 'http://127.0.0.1:8233';
    say('temporal: a server already listens on 127.0.0.1:7233; using it');
  } else {
    const server = await startTemporalServer({
      // prepare('start') has found the CLI or thrown.
      cli: /** @type {{ path: string }} */ (temporalCli).path,
      port: 7233,
      uiPort: 8233,
      dbFile: path.join(dataDir, 'temporal', 'dev.sqlite'),
      logFile: path.join(dataDir, 'logs', 'temporal.log'),
      log: say,
    });
    cleanups.push(server.stop);
    env.TEMPORAL_ADDRESS = server.address;
    temporalUi = server.uiUrl;
  }

  // Database: DATABASE_URL, else the local server (creating `certificates`), else embedded PGlite.
  if (env.DATABASE_URL) {
    say(`database: using DATABASE_URL (${new URL(env.DATABASE_URL).host})`);
  } else if (await isReachable(postgresServer)) {
    env.DATABASE_URL = await ensureDatabase(postgresServer, 'certificates');
    say(`database: PostgreSQL on ${new URL(postgresServer).host}, database "certificates"`);
  } else {
    say(`database: no PostgreSQL on ${new URL(postgresServer).host}; starting an embedded one (PGlite)`);
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pglite'), port: await freePort(), log: say });
    cleanups.push(embedded.stop);
    env.DATABASE_URL = embedded.url;
    env.DATABASE_POOL_SIZE ??= '4';
  }
  migrateDeploy(env.DATABASE_URL, { quiet: true });
  say('database: migrations applied');

  if (!env.SIGNING_KEY && !env.SIGNING_KEY_FILE) {
    env.SIGNING_KEY_FILE = path.join(dataDir, 'signing-key.json');
    ensureDevelopmentKey(env.SIGNING_KEY_FILE, { log: say, algorithm: env.SIGNING_KEY_ALGORITHM === 'EdDSA' ? 'EdDSA' : 'ES256' });
  }

  // Sign-in: the LMS's token key and an API key (development stand-ins unless configured).
  /** @type {typeof import('./lib/dev-access.cjs')} */
  const { ensureDevAccess, startDevSignIn, ensureDemoCourse } = require('./lib/dev-access.cjs');
  let devAccess = null;
  if (!env.AUTH_TOKEN_KEY && !env.AUTH_TOKEN_KEY_FILE && !env.API_KEY_HASHES) {
    devAccess = ensureDevAccess(dataDir, say);
    env.AUTH_TOKEN_KEY_FILE = devAccess.lmsKeyFile;
    env.API_KEY_HASHES = devAccess.apiKeyHash;
  }

  // Mail: SMTP_URL, else a local catcher that keeps every mail on this machine.
  let mailUi = null;
  if (env.SMTP_URL) {
    say(`mail: sending through ${new URL(env.SMTP_URL).host}`);
  } else {
    /** @type {typeof import('./lib/mail-catcher.cjs')} */
    const { startMailCatcher } = require('./lib/mail-catcher.cjs');
    const smtpPort = (await canConnect('127.0.0.1', 1025)) ? await freePort() : 1025;
    const webPort = (await canConnect('127.0.0.1', 1080)) ? await freePort() : 1080;
    const catcher = await startMailCatcher({ port: smtpPort, webPort, dir: path.join(dataDir, 'mail'), log: say });
    cleanups.push(catcher.stop);
    env.SMTP_URL = catcher.smtpUrl;
    mailUi = catcher.webUrl;
  }

  startChild('worker', path.join(root, 'dist/apps/worker/src/main.js'), env);
  startChild('api', path.join(root, 'dist/apps/api/src/main.js'), env, API_NODE_FLAGS);
  const apiUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const health = await waitForHealth(`http://127.0.0.1:${port}/health`, 60_000);
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s — database ${health.database.status}, temporal ${health.temporal.status}`);
  const people = [];
  if (devAccess) {
    const demo = await ensureDemoCourse(`http://127.0.0.1:${port}`, devAccess.apiKey);
    const course = encodeURIComponent(demo.courseId);
    // Sign-in tokens live minutes and open one session each, so the links go through a small
    // stand-in for the LMS that signs a fresh one at every click.
    const signIn = await startDevSignIn({
      keyFile: devAccess.lmsKeyFile,
      apiUrl,
      people: {
        instructor: { claims: { sub: demo.instructorId, name: 'Demo Instructor', role: 'instructor', courses: [demo.courseId] }, next: `/app/courses/${course}/certificates` },
        learner: { claims: { sub: demo.learnerId, name: 'Demo Learner', role: 'learner' }, next: `/app/courses/${course}/progress` },
      },
    });
    cleanups.push(signIn.stop);
    people.push(
      `  Demo course "${demo.courseId}" (development sign-in links, as the LMS would link; each click signs in afresh):`,
      `  Instructor     ${signIn.url}/instructor`,
      `  Learner        ${signIn.url}/learner`,
      `  API key        in ${path.relative(root, devAccess.apiKeyFile)} (send it as the x-api-key header)`,
      `  Bearer tokens  sign your own with ${path.relative(root, devAccess.lmsKeyFile)} (claims sub, role, courses, aud, exp)`,
      '',
    );
  }
  console.log(
    [
      '',
      `  API            ${apiUrl}`,
      `  API docs       ${apiUrl}/docs`,
      `  Health         ${apiUrl}/health`,
      temporalUi ? `  Temporal UI    ${temporalUi}` : `  Temporal       ${env.TEMPORAL_ADDRESS}`,
      mailUi ? `  Mail (local)   ${mailUi} — every mail the service sends is caught here (files in .data/mail)` : `  Mail           ${new URL(env.SMTP_URL).host}`,
      '',
      ...people,
      '  Try it:        npm run demo -- --learners 5',
      '  Stop:          Ctrl-C',
      '',
    ].join('\n'),
  );
}

main().catch(async (error) => {
  console.error(`[start] failed: ${error.message}`);
  await shutdown(1);
});
