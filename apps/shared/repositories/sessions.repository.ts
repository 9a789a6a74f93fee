import type { Session } from '../../../prisma/generated/client';
import type { Database } from '../database';

/** Browser sign-in sessions. */
export class SessionsRepository {
  constructor(private readonly db: Database) {}

  /** Opens the session; false when its sign-in token already opened one (the token id is unique). */
  async openSession(session: NewSession): Promise<boolean> {
    const { count } = await this.db.session.createMany({ data: [session], skipDuplicates: true });
    return count === 1;
  }

  async wasSignInTokenUsed(signInTokenId: string): Promise<boolean> {
    return (await this.db.session.count({ where: { signInTokenId } })) > 0;
  }

  async findSession(idHash: string): Promise<SessionRecord | null> {
    return this.db.session.findUnique({ where: { idHash } });
  }

  /** Signs the session out; false when it is unknown or already signed out. */
  async revokeSession(idHash: string): Promise<boolean> {
    const { count } = await this.db.session.updateMany({ where: { idHash, revokedAt: null }, data: { revokedAt: new Date() } });
    return count === 1;
  }

  /** Removes up to `limit` sessions that expired before `before`, a few at a time so no sign-in waits long. */
  async deleteExpiredSessions(before: Date, limit: number): Promise<void> {
    await this.db.$executeRaw`DELETE FROM sessions WHERE id_hash IN (SELECT id_hash FROM sessions WHERE expires_at < ${before} LIMIT ${limit})`;
  }
}

/** A session row as stored. */
export type SessionRecord = Session;

export interface NewSession {
  /** SHA-256 of the cookie's secret; the secret itself is never stored. */
  idHash: string;
  subject: string;
  role: string;
  name: string | null;
  courses: string[];
  signInTokenId: string;
  expiresAt: Date;
}
