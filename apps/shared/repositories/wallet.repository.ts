import type { Database } from '../database';

export interface NewWalletGrant {
  certificateId: string;
  codeHash: string;
  txCodeHash: string | null;
  expiresAt: Date;
}

/**
 * Why a pre-authorized code was not exchanged. `missing_tx_code` / `unexpected_tx_code`: the wallet
 * did not send the transaction code the offer asked for, or sent one the offer did not ask for.
 */
export type RedeemRefusal = 'unknown' | 'expired' | 'used' | 'wrong_tx_code' | 'missing_tx_code' | 'unexpected_tx_code';

/** Wrong transaction codes an offer tolerates before it is spent. */
export const MAX_FAILED_TX_CODES = 5;

/** Wallet offers, their access tokens, c_nonces and the copies issued to wallets. Secrets arrive hashed. */
export class WalletRepository {
  constructor(private readonly db: Database) {}

  async createGrant(grant: NewWalletGrant): Promise<void> {
    await this.db.walletGrant.create({ data: grant });
  }

  /**
   * Exchanges a pre-authorized code for an access token, once: one conditional UPDATE, so of two
   * concurrent exchanges PostgreSQL lets exactly one through (the other re-reads a used code).
   */
  async redeemCode(input: { codeHash: string; txCodeHash: string | null; accessTokenHash: string; accessTokenExpiresAt: Date; now: Date }): Promise<RedeemRefusal | null> {
    const { count } = await this.db.walletGrant.updateMany({
      where: { codeHash: input.codeHash, usedAt: null, expiresAt: { gt: input.now }, txCodeHash: input.txCodeHash, failedTxCodes: { lt: MAX_FAILED_TX_CODES } },
      data: { usedAt: input.now, accessTokenHash: input.accessTokenHash, accessTokenExpiresAt: input.accessTokenExpiresAt },
    });
    if (count === 1) return null;
    const grant = await this.db.walletGrant.findUnique({ where: { codeHash: input.codeHash }, select: { usedAt: true, expiresAt: true, txCodeHash: true, failedTxCodes: true } });
    if (!grant) return 'unknown';
    if (grant.usedAt || grant.failedTxCodes >= MAX_FAILED_TX_CODES) return 'used';
    if (grant.expiresAt <= input.now) return 'expired';
    // A malformed request, not a guess: it does not count against the offer's wrong codes.
    if (grant.txCodeHash === null) return 'unexpected_tx_code';
    if (input.txCodeHash === null) return 'missing_tx_code';
    await this.db.walletGrant.updateMany({ where: { codeHash: input.codeHash, usedAt: null }, data: { failedTxCodes: { increment: 1 } } });
    return 'wrong_tx_code';
  }

  /** The certificate an unexpired access token was issued for. */
  async findAccessToken(accessTokenHash: string, now: Date): Promise<{ certificateId: string } | null> {
    return this.db.walletGrant.findFirst({ where: { accessTokenHash, accessTokenExpiresAt: { gt: now } }, select: { certificateId: true } });
  }

  async createNonce(nonceHash: string, expiresAt: Date): Promise<void> {
    await this.db.walletNonce.create({ data: { nonceHash, expiresAt } });
  }

  /** Spends a c_nonce we issued, once; false when unknown, expired or already used. */
  async useNonce(nonceHash: string, now: Date): Promise<boolean> {
    const { count } = await this.db.walletNonce.updateMany({ where: { nonceHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    return count === 1;
  }

  /** What a wallet copy is built from: the certificate, its course and learner. */
  async findCopySource(certificateId: string) {
    return this.db.certificate.findUnique({
      where: { id: certificateId },
      select: {
        id: true,
        jws: true,
        grade: true,
        statusList: true,
        statusIndex: true,
        issuedAt: true,
        course: { select: { id: true, title: true, passingGrade: true } },
        learner: { select: { id: true, name: true, email: true } },
      },
    });
  }

  async recordCopy(copy: { id: string; certificateId: string; holder: string; jws: string; sourceJwsHash: string }): Promise<void> {
    await this.db.walletCredential.create({ data: copy });
  }

  async findCopy(id: string): Promise<{ certificateId: string; jws: string; sourceJwsHash: string } | null> {
    return this.db.walletCredential.findUnique({ where: { id }, select: { certificateId: true, jws: true, sourceJwsHash: true } });
  }

  /**
   * Deletes up to `limit` offers and up to `limit` c_nonces that expired before `before` (an offer
   * only once its access token has expired too), oldest first: bounded work on the expiry indexes.
   * Copies stay: they are verified for years. Answers how many rows of each went.
   */
  async purgeExpired(before: Date, limit: number): Promise<{ grants: number; nonces: number }> {
    const grants = await this.db.$executeRaw`DELETE FROM wallet_grants WHERE id IN (
      SELECT id FROM wallet_grants
      WHERE expires_at < ${before} AND (access_token_expires_at IS NULL OR access_token_expires_at < ${before})
      ORDER BY expires_at LIMIT ${limit})`;
    const nonces = await this.db.$executeRaw`DELETE FROM wallet_nonces WHERE nonce_hash IN (
      SELECT nonce_hash FROM wallet_nonces WHERE expires_at < ${before} ORDER BY expires_at LIMIT ${limit})`;
    return { grants, nonces };
  }
}
