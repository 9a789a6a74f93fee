'use strict';
// PostgreSQL for the service and the tests: the configured server, the local one, or an
// embedded PGlite served over the wire protocol when nothing else is there.
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('./paths.cjs');
const { run } = require('./processes.cjs');

const LOCAL_SERVER = 'postgresql://postgres@127.0.0.1:5432/postgres';

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

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

async function isReachable(url) {
  try {
    await withClient(url, (c) => c.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

function quoteIdent(name) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  return `"${name}"`;
}

/** Creates the database on the server if it is missing; returns its URL. */
async function ensureDatabase(serverUrl, name) {
  await withClient(serverUrl, async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await c.query(`CREATE DATABASE ${quoteIdent(name)}`);
  });
  return withDatabase(serverUrl, name);
}

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
    ['-r', path.join(__dirname, 'unref-long-timers.cjs'), path.join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'migrate', 'deploy'],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    },
  );
}

/**
 * PGlite (PostgreSQL compiled to WebAssembly) in this process, reachable over TCP like any server.
 * It runs one query at a time: fine for a laptop demo, not for the benchmarks.
 * @param {{ dataDir?: string, port: number, log?: (line: string) => void }} options
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
async function startEmbeddedPostgres({ dataDir, port, log = console.log }) {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  // maxConnections defaults to 1, which breaks connection pools.
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 100 });
  await server.start();
  log(`database: embedded PostgreSQL (PGlite) on 127.0.0.1:${port}${dataDir ? `, data in ${dataDir}` : ', in memory'}`);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

module.exports = { LOCAL_SERVER, withDatabase, isReachable, ensureDatabase, dropDatabase, migrateDeploy, startEmbeddedPostgres };
