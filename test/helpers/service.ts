import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createApp } from '../../apps/api/src/create-app';
import { loadConfig, type AppConfig } from '../../apps/shared/config';
import { loadKeySet, type KeySet } from '../../apps/shared/credentials/signing-keys';
import { createDatabase, type Database } from '../../apps/shared/database';
import { createWorker } from '../../apps/worker/src/worker';
import { createMailer } from '../../apps/shared/mail/mailer';
import { freePort, stopChild } from '../../scripts/lib/processes.cjs';
import { adminHeaders } from './auth';

// The SDK's informational logs would drown the test report; warnings and errors still show.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed by an earlier test file in this jest worker.
}

export interface RunningService {
  config: AppConfig;
  baseUrl: string;
  db: Database;
  keys: KeySet;
  app: NestExpressApplication;
  worker: Worker | null;
  stop: () => Promise<void>;
}

/**
 * The API and a worker in this process, against the real Temporal server and PostgreSQL that
 * global-setup started. Each call gets its own task queue, so test files never share workers.
 */
export async function startService(env: Record<string, string> = {}, { worker = true } = {}): Promise<RunningService> {
  const port = await freePort();
  const config = loadConfig({
    ...process.env,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    ...env,
  });
  const db = createDatabase(config.database.url);
  const keys = await loadKeySet(config.signing);
  const app = await createApp(config);
  await app.listen(port, '127.0.0.1');

  let running: Worker | null = null;
  let connection: NativeConnection | null = null;
  let runPromise: Promise<void> | null = null;
  if (worker) {
    connection = await NativeConnection.connect({ address: config.temporal.address });
    running = await createWorker({
      config,
      connection,
      deps: { db, keys, mailer: createMailer(config.mail), issuer: { publicUrl: config.http.publicUrl, name: config.signing.issuerName, format: config.signing.format, didWeb: config.signing.issuerDidWeb } },
      workflowBundlePath: config.temporal.workflowBundlePath,
    });
    runPromise = running.run();
  }
  return {
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    db,
    keys,
    app,
    worker: running,
    stop: async () => {
      if (running && running.getState() === 'RUNNING') running.shutdown();
      await runPromise;
      await connection?.close();
      // The API keeps idle connections for 65 s; a test run has no reason to wait for them.
      const closing = app.close();
      (app.getHttpServer() as import('node:http').Server).closeAllConnections();
      await closing;
      await db.$disconnect();
    },
  };
}

export interface ExtraWorker {
  /** The identity Temporal records for the activities it runs (the SDK's default, pid@host). */
  pid: number;
  stop: () => Promise<void>;
}

/**
 * A second worker process on the service's task queue: the real worker entry point, as another
 * machine would run it. Resolves once it polls.
 */
export async function startExtraWorker(service: RunningService, env: Record<string, string> = {}): Promise<ExtraWorker> {
  const root = path.join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(root, 'apps/worker/src/main.ts')], {
    cwd: root,
    env: { ...process.env, TEMPORAL_TASK_QUEUE: service.config.temporal.taskQueue, LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '6', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out: string | null = '';
    child.stdout!.on('data', (data: Buffer) => {
      if (out === null) return;
      out += data.toString();
      if (out.includes('worker: polling task queue')) {
        out = null;
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the extra worker exited (${code}) before polling`)));
  });
  return { pid: child.pid!, stop: () => stopChild(child) };
}

/** Starts the service before the tests of a describe block and stops it after them. */
export function useService(env: Record<string, string> = {}, options: { worker?: boolean } = {}) {
  const context = {} as { service: RunningService; api: ReturnType<typeof httpClient> };
  beforeAll(async () => {
    context.service = await startService(env, options);
    // Most suites act as the platform admin; the access tests use their own callers.
    context.api = httpClient(context.service.baseUrl, await adminHeaders());
  });
  afterAll(async () => {
    await context.service?.stop();
  });
  return context;
}

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small JSON client for the API under test. */
export function httpClient(baseUrl: string, defaultHeaders: Record<string, string> = {}) {
  const call = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { accept: 'application/json', ...defaultHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  };
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
    /** A plain fetch with this client's credentials (for documents and uploads). */
    fetch: (path: string, init: RequestInit = {}) => fetch(`${baseUrl}${path}`, { ...init, headers: { ...defaultHeaders, ...(init.headers as Record<string, string>) } }),
    put: <T = any>(path: string, body: unknown) => call<T>('PUT', path, body),
    patch: <T = any>(path: string, body: unknown) => call<T>('PATCH', path, body),
    raw: call,
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

export function uniqueCourseId(label: string): string {
  return `course-v1:Test+${label}+${randomUUID().slice(0, 8)}`;
}
