// Installs and generates what the project needs; `npm start`, `npm test` and `npm run demo` call it.
// Plain Node only: it runs before dependencies exist.
//   node scripts/prepare.mjs         dependencies and the Prisma client
//   node scripts/prepare.mjs test    ... and the Temporal CLI
//   node scripts/prepare.mjs start   ... and the Temporal CLI and the compiled service
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** @type {typeof import('./lib/setup.cjs')} */
const { ensureDependencies, ensurePrismaClient, buildTypeScript, ensureSystemTools } = require('./lib/setup.cjs');
/** @type {typeof import('./lib/temporal.cjs')} */
const { findTemporalCli } = require('./lib/temporal.cjs');

export function prepare(mode = 'deps') {
  ensureDependencies();
  ensurePrismaClient();
  let temporalCli = null;
  if (mode === 'test' || mode === 'start') {
    temporalCli = findTemporalCli();
    console.log(`setup: Temporal CLI from ${temporalCli.source}: ${temporalCli.path}`);
  }
  if (mode === 'test') ensureSystemTools();
  if (mode === 'start') buildTypeScript();
  return { temporalCli };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    prepare(process.argv[2]);
  } catch (error) {
    console.error(`setup failed: ${/** @type {Error} */ (error).message}`);
    process.exit(1);
  }
}
