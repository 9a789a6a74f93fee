'use strict';
// The steps `npm start` and `npm test` share before anything runs. Each is skipped when its
// inputs have not changed since the last run, so the second run is fast.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { root, stampDir } = require('./paths.cjs');
const { run } = require('./processes.cjs');

/** @param {string[]} files */
function hashFiles(files) {
  const hash = crypto.createHash('sha256');
  for (const file of files) hash.update(file).update('\0').update(fs.existsSync(file) ? fs.readFileSync(file) : '');
  return hash.digest('hex');
}

/** @param {string} name @param {string} hash */
function stamped(name, hash) {
  const file = path.join(stampDir, name);
  return fs.existsSync(file) && fs.readFileSync(file, 'utf8') === hash;
}

/** @param {string} name @param {string} hash */
function stamp(name, hash) {
  fs.mkdirSync(stampDir, { recursive: true });
  fs.writeFileSync(path.join(stampDir, name), hash);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * Installs from package-lock.json when node_modules is missing or the lock file changed since the
 * last install. `npm install` rather than `npm ci`: registries that serve only this platform's
 * optional native packages (our offline mirror) make `npm ci` reject a lock file that lacks the
 * other platforms' entries; with a lock file in sync, `npm install` installs exactly what it pins.
 */
function ensureDependencies({ log = console.log } = {}) {
  const lock = path.join(root, 'package-lock.json');
  const hash = hashFiles([lock]);
  const marker = path.join(root, 'node_modules', '.course-certificates-installed');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === hash) return false;
  log('setup: installing dependencies from package-lock.json');
  run(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root });
  fs.writeFileSync(marker, hash);
  return true;
}

/** `prisma generate` when the schema or the Prisma version changed. */
function ensurePrismaClient({ log = console.log } = {}) {
  const files = [path.join(root, 'prisma', 'schema.prisma'), path.join(root, 'node_modules', 'prisma', 'package.json')];
  const hash = hashFiles(files);
  if (stamped('prisma-client', hash) && fs.existsSync(path.join(root, 'prisma', 'generated', 'client.ts'))) return false;
  log('setup: generating the Prisma client');
  run(process.execPath, [path.join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate'], {
    cwd: root,
    // The schema names DATABASE_URL; generating does not connect, so any URL will do.
    env: { DATABASE_URL: 'postgresql://localhost/unused', ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    quiet: true,
  });
  stamp('prisma-client', hash);
  return true;
}

/** Incremental TypeScript build of the API and the worker into dist/. */
function buildTypeScript({ log = console.log } = {}) {
  log('setup: compiling TypeScript (incremental)');
  run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root });
}

/**
 * Bundles the compiled workflows once (Temporal's "production" pattern), so the worker starts
 * without webpack; rebuilt only when the compiled workflow code changed.
 */
async function buildWorkflowBundle({ log = console.log } = {}) {
  const workflowsDir = path.join(root, 'dist', 'workflows');
  const bundlePath = path.join(root, '.cache', 'workflow-bundle.js');
  const sources = fs
    .readdirSync(workflowsDir, { recursive: true })
    .filter((f) => String(f).endsWith('.js'))
    .map((f) => path.join(workflowsDir, String(f)))
    .sort();
  const hash = hashFiles([...sources, path.join(root, 'node_modules', '@temporalio', 'worker', 'package.json')]);
  if (stamped('workflow-bundle', hash) && fs.existsSync(bundlePath)) return bundlePath;
  log('setup: bundling workflows');
  const { bundleWorkflowCode } = require('@temporalio/worker');
  /** @type {import('@temporalio/worker').Logger} */
  const quietLogger = { trace() {}, debug() {}, info() {}, log() {}, warn: (m) => log(m), error: (m) => log(m) };
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsDir, logger: quietLogger });
  fs.mkdirSync(path.dirname(bundlePath), { recursive: true });
  fs.writeFileSync(bundlePath, code);
  stamp('workflow-bundle', hash);
  return bundlePath;
}

/**
 * Debian tools the tests use: poppler-utils (pdftoppm rasterizes certificate PDFs so a test can
 * read their QR code back) and Chromium (the browser tests drive it with playwright-core).
 * Installed with apt-get when missing and we may; otherwise the message says what to install.
 */
const SYSTEM_TOOLS = [
  { command: 'pdftoppm', debianPackages: ['poppler-utils'], hint: 'Debian/Ubuntu: apt-get install poppler-utils; macOS: brew install poppler' },
  { command: 'chromium', debianPackages: ['chromium', 'fonts-dejavu-core'], hint: 'Debian: apt-get install chromium; elsewhere set CHROMIUM_PATH to a Chromium or Chrome binary' },
];

function ensureSystemTools({ log = console.log } = {}) {
  const { spawnSync } = require('node:child_process');
  /** @param {string} cmd */
  const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  const missing = SYSTEM_TOOLS.filter((tool) => !(tool.command === 'chromium' && process.env.CHROMIUM_PATH) && !has(tool.command));
  if (missing.length === 0) return;
  const packages = missing.flatMap((tool) => tool.debianPackages);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && has('apt-get')) {
    log(`setup: installing ${packages.join(', ')} with apt-get (once)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: 'ignore', env }).status === 0;
    if (install() || (spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore', env }).status === 0 && install())) return;
  }
  throw new Error(`missing ${missing.map((tool) => `${tool.command} (${tool.hint})`).join(' and ')}`);
}

module.exports = { ensureSystemTools, ensureDependencies, ensurePrismaClient, buildTypeScript, buildWorkflowBundle };
