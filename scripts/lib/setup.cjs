'use strict';
// The steps `npm start` and `npm test` share before anything runs. Each is skipped when its
// inputs have not changed since the last run, so the second run is fast.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { root, stampDir } = require('./paths.cjs');
const { run } = require('./processes.cjs');

function hashFiles(files) {
  const hash = crypto.createHash('sha256');
  for (const file of files) hash.update(file).update('\0').update(fs.existsSync(file) ? fs.readFileSync(file) : '');
  return hash.digest('hex');
}

function stamped(name, hash) {
  const file = path.join(stampDir, name);
  return fs.existsSync(file) && fs.readFileSync(file, 'utf8') === hash;
}

function stamp(name, hash) {
  fs.mkdirSync(stampDir, { recursive: true });
  fs.writeFileSync(path.join(stampDir, name), hash);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** `npm ci` when node_modules is missing or package-lock.json changed since the last install. */
function ensureDependencies({ log = console.log } = {}) {
  const lock = path.join(root, 'package-lock.json');
  const hash = hashFiles([lock]);
  const marker = path.join(root, 'node_modules', '.course-certificates-installed');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === hash) return false;
  log('setup: installing dependencies (npm ci)');
  run(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root });
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
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  stamp('prisma-client', hash);
  return true;
}

/** Incremental TypeScript build of the API and the worker into dist/. */
function buildTypeScript({ log = console.log } = {}) {
  log('setup: compiling TypeScript (incremental)');
  run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root });
}

module.exports = { ensureDependencies, ensurePrismaClient, buildTypeScript };
