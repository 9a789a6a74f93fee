import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../../shared/config';
import { SessionsRepository } from '../../../shared/repositories';
import { CONFIG } from '../common/tokens';
import type { Principal } from './principal';

/** Expired rows are removed a few at a time whenever someone signs in: no job to schedule. */
const CLEANUP_BATCH = 100;

/**
 * Server-side browser sessions. The cookie carries an opaque random secret, never the LMS token;
 * the row says who it is, until when, and whether the person signed out. Each sign-in token opens
 * at most one session (its `jti` is unique), so a sign-in link cannot be replayed.
 */
@Injectable()
export class SessionStore {
  constructor(
    private readonly sessions: SessionsRepository,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The new session's secret (the cookie value: 32 random bytes, only its SHA-256 is stored), or
   * null when this sign-in token was already used, by anyone.
   */
  async open(principal: Principal, signInTokenId: string): Promise<string | null> {
    await this.deleteExpired();
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.sessions.ttlMs);
    const opened = await this.sessions.openSession({
      idHash: digest(secret),
      subject: principal.id,
      role: principal.kind,
      name: principal.name ?? null,
      courses: principal.kind === 'instructor' ? [...principal.courses] : [],
      signInTokenId,
      expiresAt,
    });
    return opened ? secret : null;
  }

  async wasUsed(signInTokenId: string): Promise<boolean> {
    return this.sessions.wasSignInTokenUsed(signInTokenId);
  }

  /** The person a live session belongs to; null when it is unknown, expired or signed out. */
  async principalOf(secret: string): Promise<Principal | null> {
    const row = await this.sessions.findSession(digest(secret));
    if (!row || row.revokedAt !== null || row.expiresAt.getTime() <= Date.now()) return null;
    const name = row.name ?? undefined;
    if (row.role === 'admin') return { kind: 'admin', id: row.subject, name, via: 'token' };
    if (row.role === 'instructor') return { kind: 'instructor', id: row.subject, name, courses: new Set(row.courses) };
    if (row.role === 'learner') return { kind: 'learner', id: row.subject, name };
    return null;
  }

  /** Signs out: the row stays (remembering its sign-in token) until it expires, but opens nothing. */
  async revoke(secret: string): Promise<boolean> {
    return this.sessions.revokeSession(digest(secret));
  }

  /**
   * A row is kept for a sign-in token's maximum age past its expiry, so that a token can never
   * outlive the record of its use, however short SESSION_TTL is.
   */
  private async deleteExpired(): Promise<void> {
    const before = new Date(Date.now() - this.config.sessions.signInTokenMaxAgeMs - TOKEN_CLOCK_TOLERANCE_MS);
    await this.sessions.deleteExpiredSessions(before, CLEANUP_BATCH);
  }
}

/** Allowed difference between the LMS's clock and ours when judging a sign-in token's age. */
export const TOKEN_CLOCK_TOLERANCE_MS = 60_000;

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
