import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { CERTIFICATE_VISIBILITIES, type CertificateVisibility } from './domain/enums';

/** Durations are written like "90s", "15m", "2h", "500ms" or a bare number of milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)?$/, 'expected a duration such as 500ms, 30s, 15m, 2h or 1d')
  .transform(parseDurationMs);

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** At most `limit` requests per `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** Written "count/window", e.g. "300/1m" (300 requests a minute). */
const rateLimit = z
  .string()
  .regex(/^\d+\/\d+(ms|s|m|h|d)?$/, 'expected count/window, e.g. 300/1m')
  .transform(rateLimitOf)
  .refine((r) => r.limit >= 1 && r.windowMs >= 1000, 'expected at least 1 request per at least 1s');

/**
 * Express's "trust proxy": false (the client is whoever connects), the number of proxies in front
 * of the service, or the proxies' addresses and subnets (also loopback, linklocal, uniquelocal).
 * "true" is refused: it would believe any X-Forwarded-For a client sends, defeating per-address limits.
 */
const trustProxy = z
  .string()
  .trim()
  .refine((text) => text !== 'true', 'give the number of proxies in front of the service, or their addresses; true would trust any client')
  .refine((text) => /^(false|\d+)$/.test(text) || text.split(',').every((entry) => isProxyAddress(entry.trim())), 'expected false, a number of proxies, or comma-separated addresses/subnets')
  .transform((text): false | number | string[] => (text === 'false' ? false : /^\d+$/.test(text) ? Number(text) : text.split(',').map((entry) => entry.trim())));

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
  ISSUER_DID_WEB: z.enum(['true', 'false'], 'expected true or false').default('false').transform((text) => text === 'true'),
  STATUS_LIST_TTL: duration.default(30_000),
  CREDENTIAL_FORMAT: z.enum(['ob-vc-jwt', 'vc-jose-cose']).default('ob-vc-jwt'),
  GRADE_FINALIZATION_DELAY: duration.default(0),
  SELF_PACED_ISSUANCE_INTERVAL: duration.pipe(z.number().min(1_000, 'at least 1s')).default(86_400_000),
  ISSUANCE_CHUNK_SIZE: integer(1, 100_000).default(1000),
  ISSUANCE_BATCH_SIZE: integer(1, 5_000).default(500),
  ISSUANCE_MAX_IN_FLIGHT: integer(1, 64).default(3),
  ISSUANCE_CHUNKS_PER_RUN: integer(1, 1000).default(50),
  ISSUANCE_HEARTBEAT_TIMEOUT: duration.default(30_000),
  AUTH_TOKEN_KEY: z.string().optional(),
  AUTH_TOKEN_KEY_FILE: z.string().default('.data/lms-token-key.json'),
  AUTH_TOKEN_ISSUER: z.string().min(1).optional(),
  AUTH_TOKEN_AUDIENCE: z.string().min(1).default('course-certificates'),
  SESSION_TTL: duration.pipe(z.number().min(60_000, 'at least 1m').max(7 * 86_400_000, 'at most 7d')).default(8 * 3_600_000),
  WALLET_OFFER_TTL: duration.pipe(z.number().min(1_000, 'at least 1s').max(86_400_000, 'at most 1d')).default(10 * 60_000),
  SIGN_IN_TOKEN_MAX_AGE: duration.pipe(z.number().min(10_000, 'at least 10s').max(3_600_000, 'at most 1h')).default(5 * 60_000),
  API_KEY_HASHES: z
    .string()
    .regex(/^([0-9a-f]{64})?(,[0-9a-f]{64})*$/, 'expected comma-separated SHA-256 hex digests of the API keys')
    .default(''),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Course Certificates <certificates@localhost>'),
  CERTIFICATE_MAIL_RATE: z.coerce.number().positive().max(10_000).default(10),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  TRUST_PROXY: trustProxy.default(false),
  RATE_LIMIT_PUBLIC: rateLimit.default(rateLimitOf('300/1m')),
  RATE_LIMIT_SIGN_IN: rateLimit.default(rateLimitOf('20/1m')),
  RATE_LIMIT_WORKFLOWS: rateLimit.default(rateLimitOf('30/1m')),
  RATE_LIMIT_API_KEY: rateLimit.default(rateLimitOf('1200/1m')),
  FAREWELL_MIN_INTERVAL: duration.default(86_400_000),
  COURSE_TEAMS_MAY_GENERATE: z.enum(['true', 'false'], 'expected true or false').default('true').transform((text) => text === 'true'),
  CERTIFICATE_VISIBILITY_DEFAULT: z.enum(CERTIFICATE_VISIBILITIES, 'expected public or private').default('public'),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface AppConfig {
  env: RawConfig['NODE_ENV'];
  http: { host: string; port: number; publicUrl: string; trustProxy: false | number | string[] };
  database: { url: string; poolSize: number };
  temporal: { address: string; namespace: string; taskQueue: string; workflowBundlePath?: string };
  signing: {
    keyJwk?: string;
    keyFile: string;
    issuerName: string;
    statusListTtlMs: number;
    format: 'ob-vc-jwt' | 'vc-jose-cose';
    /** Credentials name our did:web DID (derived from PUBLIC_URL) as issuer, and /.well-known/did.json serves its document. */
    issuerDidWeb: boolean;
  };
  lifecycle: {
    gradeFinalizationDelayMs: number;
    /** Self-paced courses issue to every qualified learner this often (seed 000: "at specific intervals"). */
    selfPacedIssuanceIntervalMs: number;
    issuance: { chunkSize: number; batchSize: number; maxInFlight: number; chunksPerRun: number; heartbeatTimeoutMs: number };
  };
  auth: { tokenKey?: string; tokenKeyFile: string; issuer?: string; audience: string; apiKeyHashes: string[] };
  /** Browser sessions: how long one lasts (absolute, from sign-in) and how long a sign-in token may live. */
  sessions: { ttlMs: number; signInTokenMaxAgeMs: number };
  /** Wallet offers (OpenID for Verifiable Credential Issuance): how long a pre-authorized code may be redeemed. */
  wallet: { offerTtlMs: number };
  /** No SMTP_URL: mails are not sent (the service says so once at start). */
  mail: {
    smtpUrl?: string;
    from: string;
    /** Certificate mails per second per worker, whatever the number of courses mailing at once (the relay's limit). */
    certificateRate: number;
  };
  logLevel: RawConfig['LOG_LEVEL'];
  /**
   * Whether course teams (instructors) may generate and issue certificates themselves (seed 000:
   * "If the administrator of your instance ... has configured your instance to allow course teams to
   * generate and issue certificates"); when not, administrators and the LMS's API keys do it.
   */
  permissions: { courseTeamsMayGenerate: boolean };
  /**
   * Who may download a certificate's files from its public link while its learner has not chosen
   * (each learner may make their certificate public or private): public, like Open edX's web
   * certificates, Credly and Accredible, so the link an employer is given proves itself.
   */
  sharing: { defaultVisibility: CertificateVisibility };
  /** Per client address (public, signIn) or per signed-in caller (workflows, apiKey); kept in memory per API process. */
  rateLimits: { public: RateLimit; signIn: RateLimit; workflows: RateLimit; apiKey: RateLimit; farewellMinIntervalMs: number };
  /** Where the settings that production must never take from a development default came from. */
  sources: {
    publicUrl: 'PUBLIC_URL' | 'default';
    signingKey: 'SIGNING_KEY' | 'SIGNING_KEY_FILE' | 'default';
    tokenKey: 'AUTH_TOKEN_KEY' | 'AUTH_TOKEN_KEY_FILE' | 'default';
  };
}

export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    heading = 'Invalid configuration',
  ) {
    super(`${heading}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
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
    http: { host: c.HOST, port: c.PORT, publicUrl, trustProxy: c.TRUST_PROXY },
    database: { url: c.DATABASE_URL, poolSize: c.DATABASE_POOL_SIZE },
    temporal: {
      address: c.TEMPORAL_ADDRESS,
      namespace: c.TEMPORAL_NAMESPACE,
      taskQueue: c.TEMPORAL_TASK_QUEUE,
      workflowBundlePath: c.WORKFLOW_BUNDLE_PATH,
    },
    signing: { keyJwk: c.SIGNING_KEY, keyFile: path.resolve(c.SIGNING_KEY_FILE), issuerName: c.ISSUER_NAME, statusListTtlMs: c.STATUS_LIST_TTL, format: c.CREDENTIAL_FORMAT, issuerDidWeb: c.ISSUER_DID_WEB },
    lifecycle: {
      gradeFinalizationDelayMs: c.GRADE_FINALIZATION_DELAY,
      selfPacedIssuanceIntervalMs: c.SELF_PACED_ISSUANCE_INTERVAL,
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
    sessions: { ttlMs: c.SESSION_TTL, signInTokenMaxAgeMs: c.SIGN_IN_TOKEN_MAX_AGE },
    wallet: { offerTtlMs: c.WALLET_OFFER_TTL },
    mail: { smtpUrl: c.SMTP_URL, from: c.MAIL_FROM, certificateRate: c.CERTIFICATE_MAIL_RATE },
    logLevel: c.LOG_LEVEL,
    permissions: { courseTeamsMayGenerate: c.COURSE_TEAMS_MAY_GENERATE },
    sharing: { defaultVisibility: c.CERTIFICATE_VISIBILITY_DEFAULT },
    rateLimits: {
      public: c.RATE_LIMIT_PUBLIC,
      signIn: c.RATE_LIMIT_SIGN_IN,
      workflows: c.RATE_LIMIT_WORKFLOWS,
      apiKey: c.RATE_LIMIT_API_KEY,
      farewellMinIntervalMs: c.FAREWELL_MIN_INTERVAL,
    },
    sources: {
      publicUrl: c.PUBLIC_URL ? 'PUBLIC_URL' : 'default',
      // The same precedence as the loaders: inline key first, then the file, then the development file.
      signingKey: c.SIGNING_KEY ? 'SIGNING_KEY' : env.SIGNING_KEY_FILE ? 'SIGNING_KEY_FILE' : 'default',
      tokenKey: c.AUTH_TOKEN_KEY !== undefined ? 'AUTH_TOKEN_KEY' : env.AUTH_TOKEN_KEY_FILE ? 'AUTH_TOKEN_KEY_FILE' : 'default',
    },
  };
}

export function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms'] ?? 1;
  return Number(match[1]) * unit;
}

function rateLimitOf(text: string): RateLimit {
  const [count, window] = text.split('/');
  return { limit: Number(count), windowMs: parseDurationMs(window ?? '') };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}
