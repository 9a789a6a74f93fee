import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { createLocalJWKSet, errors, importSPKI, jwtVerify, type JSONWebKeySet, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { AppConfig } from '../../../shared/config';
import { UnauthenticatedError } from '../common/errors';
import type { Principal } from './principal';
import { TOKEN_CLOCK_TOLERANCE_MS } from './sessions';

/** Algorithms the LMS may sign with; symmetric ones would make our copy of the key a signing key. */
export const TOKEN_ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'];
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

const claimsSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('admin'), sub: z.string().min(1), name: z.string().optional() }),
  z.object({ role: z.literal('instructor'), sub: z.string().min(1), name: z.string().optional(), courses: z.array(z.string().min(1)).max(10_000) }),
  z.object({ role: z.literal('learner'), sub: z.string().min(1), name: z.string().optional() }),
]);

export interface Credentials {
  bearer?: string;
  apiKey?: string;
  /** The session cookie's value: an opaque secret naming a server-side session. */
  cookie?: string;
}

export interface SessionLookup {
  principalOf(secret: string): Promise<Principal | null>;
}

export interface SignInToken {
  principal: Principal;
  /** The token's `jti`: each sign-in token opens at most one session. */
  id: string;
}

/**
 * Turns a request's credentials into a principal. Tokens are JWTs the LMS signs with its private
 * key; we hold only the public part. API keys are compared by SHA-256 digest, so the configuration
 * never holds a usable key. Browsers hold a session cookie instead, opened with a sign-in token.
 */
export class Authenticator {
  private constructor(
    private readonly getKey: JWTVerifyGetKey | null,
    private readonly options: { issuer?: string; audience: string; signInTokenMaxAgeMs: number },
    private readonly apiKeyDigests: Buffer[],
    private readonly sessions: SessionLookup | null,
  ) {}

  static async create(
    config: AppConfig['auth'],
    { sessions = null, signInTokenMaxAgeMs = 5 * 60_000 }: { sessions?: SessionLookup | null; signInTokenMaxAgeMs?: number } = {},
  ): Promise<Authenticator> {
    const source = config.tokenKey ?? (fs.existsSync(config.tokenKeyFile) ? fs.readFileSync(config.tokenKeyFile, 'utf8') : null);
    const getKey = source === null ? null : await publicKeyResolver(source);
    return new Authenticator(
      getKey,
      { issuer: config.issuer, audience: config.audience, signInTokenMaxAgeMs },
      config.apiKeyHashes.map((hex) => Buffer.from(hex, 'hex')),
      sessions,
    );
  }

  /** Null when the request carries no credentials at all; throws when it carries bad ones. */
  async authenticate(credentials: Credentials): Promise<Principal | null> {
    if (credentials.apiKey !== undefined) return this.apiKey(credentials.apiKey);
    if (credentials.bearer !== undefined) return this.token(credentials.bearer);
    if (credentials.cookie === undefined) return null;
    const principal = this.sessions ? await this.sessions.principalOf(credentials.cookie) : null;
    if (!principal) throw new UnauthenticatedError('your session has ended (expired or signed out); open this page again from your learning platform');
    return principal;
  }

  async token(token: string): Promise<Principal> {
    return (await this.verify(token)).principal;
  }

  /**
   * A token that may open a browser session: it must name itself (`jti`, so it is used once) and
   * be short-lived, because it travels in a URL (history, proxy logs). Bearer tokens need neither.
   */
  async signInToken(token: string): Promise<SignInToken> {
    const { payload, principal } = await this.verify(token);
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 200) {
      throw new UnauthenticatedError('this token cannot open a browser session: it has no "jti" (sign-in tokens are single-use)');
    }
    const issuedAt = typeof payload.iat === 'number' ? payload.iat * 1000 : Date.now();
    const lifetime = Number(payload.exp) * 1000 - Math.min(issuedAt, Date.now());
    if (lifetime > this.options.signInTokenMaxAgeMs + TOKEN_CLOCK_TOLERANCE_MS) {
      throw new UnauthenticatedError(
        `this token cannot open a browser session: it lives ${Math.round(lifetime / 1000)} s, sign-in tokens at most ${Math.round(this.options.signInTokenMaxAgeMs / 1000)} s`,
      );
    }
    return { principal, id: payload.jti };
  }

  private async verify(token: string): Promise<{ payload: JWTPayload; principal: Principal }> {
    if (!this.getKey) throw new UnauthenticatedError('token sign-in is not configured on this service (AUTH_TOKEN_KEY)');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.getKey, {
        algorithms: TOKEN_ALGORITHMS,
        audience: this.options.audience,
        issuer: this.options.issuer,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw new UnauthenticatedError(describeTokenError(error));
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new UnauthenticatedError(`the token's claims are not usable: ${claims.error.issues.map((i) => `${i.path.join('.') || 'role'}: ${i.message}`).join('; ')}`);
    }
    return { payload, principal: principalOf(claims.data) };
  }

  private apiKey(key: string): Principal {
    const digest = createHash('sha256').update(key).digest();
    const match = this.apiKeyDigests.find((known) => known.length === digest.length && timingSafeEqual(known, digest));
    if (!match) throw new UnauthenticatedError('the API key is not valid');
    return { kind: 'admin', id: `api-key:${match.toString('hex').slice(0, 8)}`, via: 'api-key' };
  }
}

function principalOf(c: z.infer<typeof claimsSchema>): Principal {
  if (c.role === 'instructor') return { kind: 'instructor', id: c.sub, name: c.name, courses: new Set(c.courses) };
  if (c.role === 'admin') return { kind: 'admin', id: c.sub, name: c.name, via: 'token' };
  return { kind: 'learner', id: c.sub, name: c.name };
}

async function publicKeyResolver(source: string): Promise<JWTVerifyGetKey> {
  const text = source.trim();
  if (text.startsWith('-----BEGIN PUBLIC KEY-----')) {
    const resolvers = await Promise.all(TOKEN_ALGORITHMS.map(async (alg) => importSPKI(text, alg).then((key) => ({ alg, key })).catch(() => null)));
    const usable = resolvers.filter((r) => r !== null);
    return (header) => {
      const found = usable.find((r) => r.alg === header.alg);
      if (!found) throw new errors.JOSENotSupported(`tokens signed with ${header.alg} cannot be checked with the configured key`);
      return found.key;
    };
  }
  const parsed = JSON.parse(text) as JWK | JSONWebKeySet;
  const keys = 'keys' in parsed ? parsed.keys : [parsed];
  // Only the public half is ever kept in memory, even when the file is the LMS's private key (development).
  const publicKeys = keys.map((key) => Object.fromEntries(Object.entries(key).filter(([name]) => !(PRIVATE_MEMBERS as readonly string[]).includes(name))) as JWK);
  return createLocalJWKSet({ keys: publicKeys });
}

function describeTokenError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's "${error.claim}" claim is not acceptable (${error.reason})`;
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return 'the token is not signed by the configured LMS key';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm that is not allowed';
  return 'the token is not a valid signed JWT';
}
