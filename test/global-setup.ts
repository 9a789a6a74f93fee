import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { dropDatabase, ensureDatabase, isReachable, LOCAL_SERVER, migrateDeploy, startEmbeddedPostgres } from '../scripts/lib/database.cjs';
import { Client } from 'pg';
import { freePort } from '../scripts/lib/processes.cjs';
import { ensureDevelopmentKey } from '../scripts/lib/signing-key.cjs';
import { findTemporalCli, startTemporalServer } from '../scripts/lib/temporal.cjs';

export const OUTPUT_DIR = path.join(__dirname, '..', 'test-output');

/**
 * Starts what the integration tests talk to: a real Temporal dev server on a free port and a
 * freshly created, migrated PostgreSQL database for this run only. Both go away in teardown.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const runDir = path.join(OUTPUT_DIR, `run-${runId}`);
  fs.mkdirSync(runDir, { recursive: true });
  const log = (line: string) => process.stdout.write(`\n[test setup] ${line}`);

  const cli = findTemporalCli({ build: false, log });
  const temporalPort = await freePort();
  const temporal = await startTemporalServer({ cli: cli.path, port: temporalPort, logFile: path.join(runDir, 'temporal.log'), log });

  const serverUrl = process.env.POSTGRES_SERVER_URL ?? LOCAL_SERVER;
  let embedded: { url: string; stop: () => Promise<void> } | null = null;
  let databaseUrl: string;
  const databaseName = `certificates_test_${runId}`;
  if (await isReachable(serverUrl)) {
    await dropAbandonedTestDatabases(serverUrl);
    databaseUrl = await ensureDatabase(serverUrl, databaseName);
    log(`database: PostgreSQL ${new URL(serverUrl).host}, fresh database ${databaseName}`);
  } else {
    log(`database: no PostgreSQL at ${new URL(serverUrl).host}; using embedded PGlite instead`);
    embedded = await startEmbeddedPostgres({ port: await freePort(), log });
    databaseUrl = embedded.url;
  }
  migrateDeploy(databaseUrl, { quiet: true });

  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: silentLogger });
  const bundlePath = path.join(runDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);
  const keyFile = path.join(runDir, 'signing-key.json');
  ensureDevelopmentKey(keyFile, { log: () => undefined });
  // The LMS's token key for this run: tests sign people's tokens with it, the service checks them.
  const lmsKeyFile = path.join(runDir, 'lms-token-key.json');
  ensureDevelopmentKey(lmsKeyFile, { log: () => undefined });
  const apiKey = randomBytes(32).toString('base64url');

  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    WORKFLOW_BUNDLE_PATH: bundlePath,
    SIGNING_KEY_FILE: keyFile,
    AUTH_TOKEN_KEY_FILE: lmsKeyFile,
    API_KEY_HASHES: createHash('sha256').update(apiKey).digest('hex'),
    TEST_API_KEY: apiKey,
    TEST_RUN_ID: randomUUID(),
    TEST_OUTPUT_DIR: runDir,
    // Every suite calls from 127.0.0.1 as a handful of people; test/rate-limits.test.ts sets its own small limits.
    RATE_LIMIT_PUBLIC: '100000/1m',
    RATE_LIMIT_SIGN_IN: '100000/1m',
    RATE_LIMIT_WORKFLOWS: '100000/1m',
    RATE_LIMIT_API_KEY: '100000/1m',
  });
  log(`integration tests run against Temporal at ${temporal.address} (pid ${temporal.pid}) and ${embedded ? 'embedded PGlite' : `PostgreSQL database ${databaseName}`}\n`);

  (globalThis as Record<string, unknown>).__TEST_ENV__ = {
    temporal,
    embedded,
    serverUrl,
    databaseName: embedded ? null : databaseName,
    runDir,
  };
}

const silentLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/** Runs that were killed before their teardown leave their database behind; drop those older than a day. */
async function dropAbandonedTestDatabases(serverUrl: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  let names: string[];
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'certificates_test_%'");
    names = rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
  const dayAgo = Date.now() - 86_400_000;
  for (const name of names) {
    const started = parseInt(name.split('_')[2] ?? '', 36);
    if (Number.isFinite(started) && started < dayAgo) await dropDatabase(serverUrl, name);
  }
}
