'use strict';
const { spawn, spawnSync } = require('node:child_process');
const net = require('node:net');

/**
 * Runs a command to completion; throws with the command line on failure. With `quiet`, its output
 * is kept back and shown only if it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {{ quiet?: boolean } & import('node:child_process').SpawnSyncOptions} [options]
 */
function run(command, args, { quiet = false, ...options } = {}) {
  const result = spawnSync(command, args, { stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', ...options });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    if (quiet) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

/**
 * Asks the kernel for a free TCP port on the loopback interface.
 * @returns {Promise<number>}
 */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * @param {string} host
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function canConnect(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    /** @param {boolean} ok */
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * @param {string} host
 * @param {number} port
 * @param {{ timeoutMs?: number, child?: import('node:child_process').ChildProcess, name?: string }} [options]
 */
async function waitForPort(host, port, { timeoutMs = 30000, child = undefined, name = `${host}:${port}` } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready`);
    if (await canConnect(host, port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not accept connections within ${timeoutMs} ms`);
}

/**
 * Stops a child: SIGTERM, then SIGKILL if it lingers.
 * @param {import('node:child_process').ChildProcess | null | undefined} child
 * @returns {Promise<void>}
 */
function stopChild(child, { graceMs = 10000 } = {}) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The API's V8 heap limit. Without one, V8 lets the heap of a busy API grow far past what it
 * holds (a 1,000,000-learner sync peaked at 749 MB with about 180 MB live); with it, the API
 * collects sooner and its memory stays flat however long it runs. 384 MB is twice the largest
 * live set measured: one 100,000-line CSV import (imports run one at a time) beside normal traffic.
 * The Dockerfile and docker-compose.yml start the API with the same flag.
 */
const API_NODE_FLAGS = ['--max-old-space-size=384'];

module.exports = { run, spawn, freePort, canConnect, waitForPort, stopChild, API_NODE_FLAGS };
