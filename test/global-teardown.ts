import fs from 'node:fs';
import { dropDatabase } from '../scripts/lib/database.cjs';

interface TestEnv {
  temporal: { stop: () => Promise<void> };
  embedded: { stop: () => Promise<void> } | null;
  serverUrl: string;
  databaseName: string | null;
  runDir: string;
}

/** Stops the Temporal dev server and drops this run's database (KEEP_TEST_DATABASE=1 keeps it). */
export default async function globalTeardown(): Promise<void> {
  const env = (globalThis as Record<string, unknown>).__TEST_ENV__ as TestEnv | undefined;
  if (!env) return;
  await env.temporal.stop();
  if (env.embedded) await env.embedded.stop();
  if (env.databaseName && !process.env.KEEP_TEST_DATABASE) await dropDatabase(env.serverUrl, env.databaseName);
  if (!process.env.KEEP_TEST_OUTPUT) fs.rmSync(env.runDir, { recursive: true, force: true });
}
