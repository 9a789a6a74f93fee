import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../scripts/lib/processes.cjs';

const ROOT = path.join(__dirname, '..');
const ENTRIES = { api: 'apps/api/src/main.ts', worker: 'apps/worker/src/main.ts' } as const;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/**
 * Runs a real entry point as `npm start` would, only compiled on the fly. With `readyLine` the
 * process is stopped with SIGTERM once that line appears (or after the timeout).
 */
function runEntry(entry: keyof typeof ENTRIES, env: NodeJS.ProcessEnv, readyLine?: RegExp, onReady?: () => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', ENTRIES[entry]], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let ready = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (readyLine && !ready && readyLine.test(output)) {
        ready = true;
        void (onReady ?? (async () => undefined))()
          .catch((error: unknown) => {
            output += `\n[test] ${String(error)}`;
          })
          .finally(() => child.kill('SIGTERM'));
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/** The test run's environment as a production deployment would see it, without any key or issuer. */
function productionEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...overrides };
  for (const name of ['SIGNING_KEY', 'SIGNING_KEY_FILE', 'AUTH_TOKEN_KEY', 'AUTH_TOKEN_KEY_FILE', 'AUTH_TOKEN_ISSUER', 'PUBLIC_URL']) {
    if (!(name in overrides)) delete env[name];
  }
  return env;
}

const problemsIn = (output: string) => output.split('\n').filter((line) => line.startsWith('  - '));

describe('NODE_ENV=production refuses an unsafe configuration', () => {
  it.each(Object.keys(ENTRIES) as Array<keyof typeof ENTRIES>)('%s: a development setup exits non-zero with one message per problem', async (entry) => {
    const run = await runEntry(entry, productionEnv());
    expect(run.code).toBe(1);
    expect(run.output).toContain(`${entry}: failed to start`);
    expect(run.output).toContain('Refusing to start with NODE_ENV=production:');
    const problems = problemsIn(run.output);
    expect(problems).toEqual([
      expect.stringMatching(/^ {2}- SIGNING_KEY or SIGNING_KEY_FILE must be set: .*\(\.data\/signing-key\.json\)$/),
      expect.stringMatching(/^ {2}- AUTH_TOKEN_KEY or AUTH_TOKEN_KEY_FILE must be set .*\(\.data\/lms-token-key\.json\)$/),
      expect.stringMatching(/^ {2}- AUTH_TOKEN_ISSUER must be set/),
      expect.stringMatching(/^ {2}- PUBLIC_URL must be set/),
    ]);
    // Refused before anything started: no listening line, no task queue polled.
    expect(run.output).not.toMatch(/listening on|polling task queue/);
  });

  it.each(Object.keys(ENTRIES) as Array<keyof typeof ENTRIES>)(
    '%s: development key files named explicitly, the LMS private key and an http PUBLIC_URL are each refused',
    async (entry) => {
      const lmsPrivateKey = process.env.AUTH_TOKEN_KEY_FILE!;
      const run = await runEntry(
        entry,
        productionEnv({ SIGNING_KEY_FILE: '.data/signing-key.json', AUTH_TOKEN_KEY_FILE: lmsPrivateKey, AUTH_TOKEN_ISSUER: 'https://lms.example.org', PUBLIC_URL: 'http://certs.example.org' }),
      );
      expect(run.code).toBe(1);
      expect(problemsIn(run.output)).toEqual([
        '  - SIGNING_KEY_FILE must not point into .data/ (.data/signing-key.json), where npm start keeps its development keys',
        "  - AUTH_TOKEN_KEY_FILE has private members (d): give only the LMS's public key",
        '  - PUBLIC_URL must be an https:// URL in production, not http://certs.example.org',
      ]);
      const privateHalf = (JSON.parse(fs.readFileSync(lmsPrivateKey, 'utf8')) as { d: string }).d;
      expect(run.output).not.toContain(privateHalf);
    },
  );
});

describe('NODE_ENV=production with a safe configuration', () => {
  let safe: Record<string, string>;
  beforeAll(() => {
    // The LMS's public half only, outside .data/, as a deployment would mount it.
    const { d: _private, ...publicJwk } = JSON.parse(fs.readFileSync(process.env.AUTH_TOKEN_KEY_FILE!, 'utf8')) as Record<string, string>;
    const publicKeyFile = path.join(process.env.TEST_OUTPUT_DIR!, `lms-public-${randomUUID()}.json`);
    fs.writeFileSync(publicKeyFile, JSON.stringify(publicJwk));
    safe = {
      SIGNING_KEY_FILE: process.env.SIGNING_KEY_FILE!,
      AUTH_TOKEN_KEY_FILE: publicKeyFile,
      AUTH_TOKEN_ISSUER: 'https://lms.example.org',
      PUBLIC_URL: 'https://certs.example.org',
      TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    };
  });

  it('api: starts, and its public health check says only up, with HSTS', async () => {
    const port = await freePort();
    let health: { status: number; body: unknown; hsts: string | null } | undefined;
    const run = await runEntry('api', productionEnv({ ...safe, PORT: String(port) }), /api: listening on/, async () => {
      // A process that has just started may not have reached Temporal yet: ask again for a while.
      const deadline = Date.now() + 30_000;
      do {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        health = { status: response.status, body: await response.json(), hsts: response.headers.get('strict-transport-security') };
        // Down or up, the public answer says nothing more than that.
        expect(Object.keys(health.body as object)).toEqual(['status']);
        if (health.status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      } while (Date.now() < deadline);
    });
    expect(run.output).toContain(`api: listening on http://127.0.0.1:${port} (public URL https://certs.example.org)`);
    expect(run.output).not.toContain('Refusing to start');
    expect(health).toEqual({ status: 200, body: { status: 'up' }, hsts: 'max-age=31536000; includeSubDomains' });
  }, 90_000);

  it('worker: starts polling its task queue', async () => {
    const run = await runEntry('worker', productionEnv(safe), /worker: polling task queue/);
    expect(run.output).toContain(`worker: polling task queue "${safe.TEMPORAL_TASK_QUEUE}"`);
    expect(run.output).not.toContain('Refusing to start');
  });
});
