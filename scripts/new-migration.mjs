// `npm run migration:new -- <name> [--from <git revision>]`
// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL that takes the schema as it
// was at the revision (default HEAD) to prisma/schema.prisma as it is now. `prisma migrate dev`
// needs a shadow database, which the engine-free Prisma CLI cannot drive, so we diff schemas.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { prepare } from './prepare.mjs';

const { values, positionals } = parseArgs({ options: { from: { type: 'string', default: 'HEAD' } }, allowPositionals: true });
const name = positionals[0];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run migration:new -- <name_in_snake_case> [--from <git revision>]');
  process.exit(2);
}
prepare();
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-'));
const oldSchema = path.join(tmp, 'schema.prisma');
try {
  fs.writeFileSync(oldSchema, execFileSync('git', ['show', `${values.from}:prisma/schema.prisma`], { cwd: root }));
} catch {
  console.error(`cannot read prisma/schema.prisma at ${values.from}`);
  process.exit(1);
}
const diff = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/prisma/build/index.js'), 'migrate', 'diff', '--from-schema-datamodel', oldSchema, '--to-schema-datamodel', path.join(root, 'prisma/schema.prisma'), '--script'],
  // The CLI opens its driver adapter even for a schema-to-schema diff; nothing is read or written.
  { cwd: root, encoding: 'utf8', env: { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres', ...process.env, CHECKPOINT_DISABLE: '1' } },
);
fs.rmSync(tmp, { recursive: true, force: true });
if (diff.status !== 0) {
  process.stderr.write(diff.stderr);
  process.exit(1);
}
const sql = diff.stdout.trim();
if (!sql || sql === '-- This is an empty migration.') {
  console.log(`prisma/schema.prisma has no changes since ${values.from}; no migration written`);
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = path.join(root, 'prisma', 'migrations', `${stamp}_${name}`);
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'migration.sql'), `${sql}\n`);
console.log(`wrote ${path.relative(root, dir)}/migration.sql — review it, then \`npm start\` or \`npm test\` applies it`);
