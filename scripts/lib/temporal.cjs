'use strict';
// Finds (or builds) the Temporal CLI, whose `server start-dev` is the real Temporal server
// backed by SQLite, and starts it. The SDK's own download is not used: it fails offline.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { toolsBin, userCache } = require('./paths.cjs');
const { spawn, waitForPort, stopChild } = require('./processes.cjs');

// v1.5.1 (server 1.29.1) is the newest tag that `go install module@version` accepts:
// later tags carry a `replace` directive in go.mod.
const TEMPORAL_CLI_VERSION = '1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
const MIN_GO = [1, 25];

const cachedBinary = path.join(userCache, `temporal-${TEMPORAL_CLI_VERSION}`);
const localBinary = path.join(toolsBin, 'temporal');

/** @param {string} file */
function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** @param {string} name */
function onPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

function findGo() {
  const go = onPath('go') || (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null);
  if (!go) return null;
  const out = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout || '';
  const match = /go(\d+)\.(\d+)/.exec(out);
  if (!match) return null;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const recentEnough = major > MIN_GO[0] || (major === MIN_GO[0] && minor >= MIN_GO[1]);
  return recentEnough ? { go, version: out.trim() } : null;
}

/** @param {string} target */
function linkIntoTools(target) {
  fs.mkdirSync(toolsBin, { recursive: true });
  fs.rmSync(localBinary, { force: true });
  fs.symlinkSync(target, localBinary);
}

/**
 * @param {{ go: string, version: string }} toolchain
 * @param {(line: string) => void} log
 */
function buildWithGo({ go, version }, log) {
  const staging = path.join(userCache, `build-${process.pid}`);
  fs.mkdirSync(staging, { recursive: true });
  log(`temporal: building Temporal CLI v${TEMPORAL_CLI_VERSION} with ${version} (first time only; several minutes and a few GB of memory)`);
  const started = Date.now();
  const result = spawnSync(go, ['install', `${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: staging, GOFLAGS: `${process.env.GOFLAGS || ''} -trimpath`.trim() },
  });
  if (result.status !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(`go install ${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION} failed (exit ${result.status ?? result.signal})`);
  }
  fs.renameSync(path.join(staging, 'temporal'), cachedBinary);
  fs.rmSync(staging, { recursive: true, force: true });
  log(`temporal: built in ${Math.round((Date.now() - started) / 1000)} s, cached at ${cachedBinary}`);
}

/**
 * Looks for the Temporal CLI in order: TEMPORAL_CLI, .tools/bin/temporal, the per-user cache,
 * `temporal` on PATH; else builds the pinned version with Go into the cache (linked from .tools/bin).
 * @param {{ build?: boolean, log?: (line: string) => void }} [options]
 * @returns {{ path: string, source: string }}
 */
function findTemporalCli({ build = true, log = console.log } = {}) {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI=${fromEnv} is not an executable file`);
    return { path: fromEnv, source: 'TEMPORAL_CLI' };
  }
  if (isExecutable(localBinary)) return { path: localBinary, source: '.tools/bin' };
  if (isExecutable(cachedBinary)) {
    linkIntoTools(cachedBinary);
    return { path: localBinary, source: `cache ${cachedBinary}` };
  }
  const fromPath = onPath('temporal');
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const go = build ? findGo() : null;
  if (go) {
    fs.mkdirSync(userCache, { recursive: true });
    buildWithGo(go, log);
    linkIntoTools(cachedBinary);
    return { path: localBinary, source: `built with Go, cached at ${cachedBinary}` };
  }
  throw new Error(
    'No Temporal CLI found. Install one of:\n' +
      `  - Go ${MIN_GO.join('.')}+ (the CLI v${TEMPORAL_CLI_VERSION} is then built automatically), or\n` +
      '  - the `temporal` binary on PATH (https://docs.temporal.io/cli), or\n' +
      '  - set TEMPORAL_CLI to the path of a temporal binary.',
  );
}

/** @param {string} cli */
function cliVersion(cli) {
  const out = spawnSync(cli, ['--version'], { encoding: 'utf8' }).stdout || '';
  return out.trim();
}

/**
 * Starts `temporal server start-dev`. With dbFile the history survives restarts; without it the
 * server keeps everything in memory (tests).
 * @param {{ cli: string, port: number, uiPort?: number, dbFile?: string, logFile?: string, namespace?: string, log?: (line: string) => void }} options
 */
async function startTemporalServer({ cli, port, uiPort, dbFile, logFile, namespace = 'default', log = console.log }) {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace, '--log-level', 'warn'];
  if (uiPort) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  if (dbFile) {
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(cli, args, { stdio: ['ignore', out, out], detached: false });
  if (typeof out === 'number') fs.closeSync(out);
  try {
    await waitForPort('127.0.0.1', port, { child, timeoutMs: 60000, name: 'Temporal dev server' });
    if (uiPort) await waitForPort('127.0.0.1', uiPort, { child, timeoutMs: 30000, name: 'Temporal UI' });
  } catch (error) {
    await stopChild(child);
    throw new Error(`${/** @type {Error} */ (error).message}${logFile ? ` (see ${logFile})` : ''}`);
  }
  log(`temporal: dev server ${cliVersion(cli)} on 127.0.0.1:${port}${dbFile ? ` (history in ${dbFile})` : ' (in memory)'}`);
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : null,
    pid: child.pid,
    child,
    stop: () => stopChild(child),
  };
}

module.exports = { TEMPORAL_CLI_VERSION, findTemporalCli, startTemporalServer, cliVersion };
