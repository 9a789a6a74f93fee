import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, type Database } from '../apps/shared/database';
import { dropDatabase, ensureDatabase, isReachable, LOCAL_SERVER, migrateDeploy } from '../scripts/lib/database.cjs';
import { ensureDevelopmentKey } from '../scripts/lib/signing-key.cjs';

export const root = path.resolve(__dirname, '..', '..');
export const note = (line: string) => process.stderr.write(`[bench] ${line}\n`);

export interface Bench {
  /** A scratch folder, removed at the end. */
  work: string;
  /** Runs at the end, last registered first, even when the benchmark fails. */
  defer: (cleanup: () => Promise<unknown>) => void;
  /** A fresh, migrated database on the PostgreSQL server, dropped at the end. */
  database: (poolSize: number) => Promise<{ url: string; db: Database }>;
  /** A fresh development signing key file. */
  signingKey: () => string;
}

/** Runs a benchmark and prints its result as the last line: one JSON object. */
export function runBench(name: string, body: (bench: Bench) => Promise<object>): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  const cleanups: Array<() => Promise<unknown>> = [];
  const bench: Bench = {
    work,
    defer: (cleanup) => cleanups.push(cleanup),
    database: async (poolSize) => {
      const server = process.env.POSTGRES_SERVER_URL ?? LOCAL_SERVER;
      if (!(await isReachable(server))) throw new Error(`the benchmark needs a PostgreSQL server (${server}); the embedded one runs one query at a time`);
      const dbName = `certificates_bench_${Date.now().toString(36)}`;
      const url = await ensureDatabase(server, dbName);
      cleanups.push(() => dropDatabase(server, dbName));
      migrateDeploy(url, { quiet: true });
      const db = createDatabase(url, poolSize);
      cleanups.push(() => db.$disconnect());
      return { url, db };
    },
    signingKey: () => {
      const file = path.join(work, 'key.json');
      ensureDevelopmentKey(file, { log: () => undefined });
      return file;
    },
  };
  body(bench)
    .then((result) => console.log(JSON.stringify(result)))
    .catch((error: unknown) => {
      console.error(`[bench] failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    })
    .finally(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => note(`cleanup: ${String(error)}`));
      fs.rmSync(work, { recursive: true, force: true });
    });
}
