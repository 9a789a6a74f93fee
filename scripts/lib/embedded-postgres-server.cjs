'use strict';
// A standalone process serving PGlite over the PostgreSQL wire protocol on 127.0.0.1.
//   node scripts/lib/embedded-postgres-server.cjs --port 5433 [--data-dir .data/pglite]
// Its own process: PGlite loads its WebAssembly with dynamic imports, which test runners'
// module sandboxes do not allow, and a crash here cannot take the caller down.
const fs = require('node:fs');
const { parseArgs } = require('node:util');
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

async function main() {
  const { values } = parseArgs({ options: { port: { type: 'string' }, 'data-dir': { type: 'string' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0) throw new Error('--port is required');
  const dataDir = values['data-dir'];
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  // maxConnections defaults to 1, which breaks connection pools.
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 100 });
  await server.start();
  const stop = async () => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error) => {
  console.error(`embedded PostgreSQL failed: ${error.message}`);
  process.exit(1);
});
