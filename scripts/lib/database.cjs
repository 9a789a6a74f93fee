'use strict';
// PostgreSQL for the service and the tests: the configured server, the local one, or an
// embedded PGlite served over the wire protocol when nothing else is there.
const path = require('node:path');
const { root } = require('./paths.cjs');
const { run, spawn, waitForPort, stopChild } = require('./processes.cjs');

const LOCAL_SERVER = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** @param {string} url @param {string} name */
function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * @template T
 * @param {string} url
 * @param {(client: import('pg').Client) => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withClient(url, fn) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** @param {string} url */
async function isReachable(url) {
  try {
    await withClient(url, (c) => c.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

/** @param {string} name */
function quoteIdent(name) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  return `"${name}"`;
}

/**
 * Creates the database on the server if it is missing; returns its URL.
 * @param {string} serverUrl
 * @param {string} name
 */
async function ensureDatabase(serverUrl, name) {
  await withClient(serverUrl, async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await c.query(`CREATE DATABASE ${quoteIdent(name)}`);
  });
  return withDatabase(serverUrl, name);
}

/** @param {string} serverUrl @param {string} name */
async function dropDatabase(serverUrl, name) {
  await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/**
 * Applies pending migrations with `prisma migrate deploy` (driver adapter, no native engine).
 * @param {string} url
 * @param {{ quiet?: boolean }} [options]
 */
function migrateDeploy(url, { quiet = false } = {}) {
  run(
    process.execPath,
    ['-r', path.join(root, 'scripts', 'lib', 'unref-long-timers.cjs'), path.join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'migrate', 'deploy'],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      quiet,
    },
  );
}

/**
 * PGlite (PostgreSQL compiled to WebAssembly) in a child process, reachable over TCP like any
 * server. It runs one query at a time: fine for a laptop demo, not for the benchmarks.
 * @param {{ dataDir?: string, port: number, log?: (line: string) => void }} options
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
async function startEmbeddedPostgres({ dataDir, port, log = console.log }) {
  const args = [path.join(root, 'scripts', 'lib', 'embedded-postgres-server.cjs'), '--port', String(port)];
  if (dataDir) args.push('--data-dir', dataDir);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    await waitForPort('127.0.0.1', port, { child, timeoutMs: 60000, name: 'embedded PostgreSQL' });
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  log(`database: embedded PostgreSQL (PGlite) on 127.0.0.1:${port}${dataDir ? `, data in ${dataDir}` : ', in memory'}`);
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, stop: () => stopChild(child) };
}

module.exports = { LOCAL_SERVER, withDatabase, isReachable, ensureDatabase, dropDatabase, migrateDeploy, startEmbeddedPostgres };
