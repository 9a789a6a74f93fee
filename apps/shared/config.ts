import path from 'node:path';
import { z } from 'zod';

/** Durations are written like "90s", "15m", "2h", "500ms" or a bare number of milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)?$/, 'expected a duration such as 500ms, 30s, 15m, 2h or 1d')
  .transform(parseDurationMs);

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every variable the service reads, with the default that works on a developer's machine. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: integer(0, 65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgresql:// connection URL')
    .default('postgresql://postgres@127.0.0.1:5432/certificates'),
  DATABASE_POOL_SIZE: integer(1, 200).default(10),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('course-certificates'),
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  SIGNING_KEY: z.string().optional(),
  SIGNING_KEY_FILE: z.string().default('.data/signing-key.json'),
  ISSUER_NAME: z.string().min(1).default('Course Certificates'),
  STATUS_LIST_TTL: duration.default(30_000),
  CREDENTIAL_FORMAT: z.enum(['ob-vc-jwt', 'vc-jose-cose']).default('ob-vc-jwt'),
  GRADE_FINALIZATION_DELAY: duration.default(0),
  ISSUANCE_CHUNK_SIZE: integer(1, 100_000).default(1000),
  ISSUANCE_BATCH_SIZE: integer(1, 5_000).default(250),
  ISSUANCE_MAX_IN_FLIGHT: integer(1, 64).default(4),
  ISSUANCE_CHUNKS_PER_RUN: integer(1, 1000).default(50),
  ISSUANCE_HEARTBEAT_TIMEOUT: duration.default(30_000),
  AUTH_TOKEN_KEY: z.string().optional(),
  AUTH_TOKEN_KEY_FILE: z.string().default('.data/lms-token-key.json'),
  AUTH_TOKEN_ISSUER: z.string().min(1).optional(),
  AUTH_TOKEN_AUDIENCE: z.string().min(1).default('course-certificates'),
  API_KEY_HASHES: z
    .string()
    .regex(/^([0-9a-f]{64})?(,[0-9a-f]{64})*$/, 'expected comma-separated SHA-256 hex digests of the API keys')
    .default(''),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Course Certificates <certificates@localhost>'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface AppConfig {
  env: RawConfig['NODE_ENV'];
  http: { host: string; port: number; publicUrl: string };
  database: { url: string; poolSize: number };
  temporal: { address: string; namespace: string; taskQueue: string; workflowBundlePath?: string };
  signing: { keyJwk?: string; keyFile: string; issuerName: string; statusListTtlMs: number; format: 'ob-vc-jwt' | 'vc-jose-cose' };
  lifecycle: {
    gradeFinalizationDelayMs: number;
    issuance: { chunkSize: number; batchSize: number; maxInFlight: number; chunksPerRun: number; heartbeatTimeoutMs: number };
  };
  auth: { tokenKey?: string; tokenKeyFile: string; issuer?: string; audience: string; apiKeyHashes: string[] };
  /** No SMTP_URL: mails are not sent (the service says so once at start). */
  mail: { smtpUrl?: string; from: string };
  logLevel: RawConfig['LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; the message names each offending variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const c = parsed.data;
  const publicUrl = (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
  return {
    env: c.NODE_ENV,
    http: { host: c.HOST, port: c.PORT, publicUrl },
    database: { url: c.DATABASE_URL, poolSize: c.DATABASE_POOL_SIZE },
    temporal: {
      address: c.TEMPORAL_ADDRESS,
      namespace: c.TEMPORAL_NAMESPACE,
      taskQueue: c.TEMPORAL_TASK_QUEUE,
      workflowBundlePath: c.WORKFLOW_BUNDLE_PATH,
    },
    signing: { keyJwk: c.SIGNING_KEY, keyFile: path.resolve(c.SIGNING_KEY_FILE), issuerName: c.ISSUER_NAME, statusListTtlMs: c.STATUS_LIST_TTL, format: c.CREDENTIAL_FORMAT },
    lifecycle: {
      gradeFinalizationDelayMs: c.GRADE_FINALIZATION_DELAY,
      issuance: {
        chunkSize: c.ISSUANCE_CHUNK_SIZE,
        batchSize: c.ISSUANCE_BATCH_SIZE,
        maxInFlight: c.ISSUANCE_MAX_IN_FLIGHT,
        chunksPerRun: c.ISSUANCE_CHUNKS_PER_RUN,
        heartbeatTimeoutMs: c.ISSUANCE_HEARTBEAT_TIMEOUT,
      },
    },
    auth: {
      tokenKey: c.AUTH_TOKEN_KEY,
      tokenKeyFile: path.resolve(c.AUTH_TOKEN_KEY_FILE),
      issuer: c.AUTH_TOKEN_ISSUER,
      audience: c.AUTH_TOKEN_AUDIENCE,
      apiKeyHashes: c.API_KEY_HASHES ? c.API_KEY_HASHES.split(',') : [],
    },
    mail: { smtpUrl: c.SMTP_URL, from: c.MAIL_FROM },
    logLevel: c.LOG_LEVEL,
  };
}

export function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms'] ?? 1;
  return Number(match[1]) * unit;
}
