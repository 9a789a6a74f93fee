import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../../../shared/config';
import type { KeySet } from '../../../shared/credentials/signing-keys';
import { statusListUrl } from '../../../shared/credentials/status-list';
import { VerifiedSignatures } from '../../../shared/credentials/verified-signatures';
import { verifyCredentialToken, type Check, type VerifiedCredential } from '../../../shared/credentials/verify-credential';
import { notYetVisibleReason } from '../../../shared/domain/certificate-downloads';
import { revocationOf } from '../../../shared/domain/certificate-validity';
import { downloadableByAnyone, effectiveVisibility } from '../../../shared/domain/certificate-sharing';
import { certificateFileUrls, verifyPageUrl } from '../../../shared/domain/public-urls';
import { WalletRepository } from '../../../shared/repositories';
import { VerificationRepository, type VerificationRecord } from '../../../shared/repositories/verification.repository';
import { CONFIG, KEY_SET } from '../common/tokens';

export type Verdict = 'valid' | 'revoked' | 'superseded' | 'invalid' | 'not_found';

export interface VerificationResult {
  verdict: Verdict;
  certificateId: string | null;
  checks: Check[];
  /** The first check that failed, if any. */
  failed?: string | null;
  learner?: { name: string };
  course?: { id: string; title: string };
  issuer?: { id: string; name: string };
  issuedAt?: string;
  revocation?: { revokedAt: string; reason: string };
  /** When the presented credential was replaced: where the current one is verified. */
  current?: { verifyUrl: string; issuedAt: string | null };
  /** A valid certificate its learner shares publicly: its files, for anyone to download and check with their own tools. */
  downloads?: { pdfUrl: string; badgeUrl: string; credentialUrl: string };
}

const UUID_URN = /^urn:uuid:([0-9a-f-]{36})$/;

/** Verification is the hot path (every scan of a QR code): its repository reads through a pg pool of its own. */
@Injectable()
export class VerificationService implements OnModuleDestroy {
  /** Stored credentials are scanned again and again: their signatures are checked once per key, the record every time. */
  private readonly verifiedSignatures = new VerifiedSignatures();

  constructor(
    private readonly records: VerificationRepository,
    private readonly walletCopies: WalletRepository,
    @Inject(KEY_SET) private readonly keys: KeySet,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.records.close();
  }

  /**
   * Every check on a token, ours or presented by anyone: structure, algorithm, our key, signature,
   * claims, validity period, agreement with our record (and being its current credential, not one
   * a re-signing replaced), and revocation.
   */
  async verifyToken(token: string, preloaded: VerificationRecord | null = null): Promise<VerificationResult> {
    let revocation: VerificationResult['revocation'];
    let current: VerificationResult['current'];
    let certificateId: string | null = null;
    let row: VerificationRecord | null = null;
    const result = await verifyCredentialToken(token, {
      keys: this.keys,
      publicUrl: this.config.http.publicUrl,
      verifiedSignatures: this.verifiedSignatures,
      record: async (credential: VerifiedCredential) => {
        const id = UUID_URN.exec(credential.id)?.[1];
        if (!id) return { ok: false, detail: 'the credential id is not one of our certificate ids' };
        certificateId = id;
        row = preloaded?.id === id ? preloaded : await this.records.findRecord(id);
        // Not a certificate id: perhaps a copy issued to a wallet, with its own id and the certificate's status entry.
        if (!row) return this.walletCopyRecord(id, token.trim(), credential, (found) => ((certificateId = found.id), (row = found)));
        if (!row.jws) return null;
        // Public ids never change, so an older credential of the same certificate is genuine but stale.
        if (row.jws !== token.trim()) {
          current = { verifyUrl: verifyPageUrl(this.config.http.publicUrl, id), issuedAt: row.issuedAt?.toISOString() ?? null };
          return { ok: false, superseded: true, detail: `a newer credential replaces this one: check the current one at ${current.verifyUrl}` };
        }
        const agrees = row.learnerName === credential.credentialSubject.name && row.courseTitle === credential.credentialSubject.achievement.name;
        return agrees
          ? { ok: true, detail: 'the credential agrees with our record' }
          : { ok: false, detail: 'the credential disagrees with our record (learner or course)' };
      },
      revocation: async (credential) => {
        // The status list bit of this entry is derived from this very row (see StatusListsService).
        const entry = credential.credentialStatus;
        const where = entry ? `status list ${entry.statusListCredential}, index ${entry.statusListIndex}` : 'our records';
        if (entry && (row?.statusList == null || statusListUrl(this.config.http.publicUrl, row.statusList) !== entry.statusListCredential || String(row.statusIndex) !== entry.statusListIndex)) {
          return { revoked: true, detail: `${where} is not this certificate's entry` };
        }
        const revoked = row && revocationOf({ status: row.status, updatedAt: row.updatedAt, invalidation: row.revokedAt ? { createdAt: row.revokedAt, publicReason: row.revocationReason } : null });
        if (revoked) {
          const at = revoked.revokedAt.toISOString();
          revocation = { revokedAt: at, reason: revoked.reason };
          return revoked.cause === 'invalidated'
            ? { revoked: true, detail: `revoked on ${at} (${where}: bit set)` }
            : { revoked: true, detail: `withdrawn on ${at}: the learner no longer meets the requirements (${where}: bit set)` };
        }
        return { revoked: false, detail: entry ? `${where}: bit not set` : 'not revoked' };
      },
    });
    const c = result.credential;
    const about =
      c && result.failed !== 'record' && result.checks.some((check) => check.name === 'record' && check.ok)
        ? {
            learner: { name: c.credentialSubject.name },
            course: { id: row!.courseId, title: c.credentialSubject.achievement.name },
            issuer: { id: c.issuer.id, name: c.issuer.name },
            issuedAt: c.validFrom,
          }
        : {};
    return { verdict: result.verdict, certificateId, checks: result.checks, failed: result.failed, ...about, ...(revocation ? { revocation } : {}), ...(current ? { current } : {}) };
  }

  /** A wallet copy speaks while it is the copy we issued of the certificate's current credential. */
  private async walletCopyRecord(id: string, token: string, credential: VerifiedCredential, found: (row: VerificationRecord) => void) {
    const copy = await this.walletCopies.findCopy(id);
    if (!copy) return null;
    const row = await this.records.findRecord(copy.certificateId);
    if (!row || !row.jws) return null;
    found(row);
    if (copy.jws !== token) return { ok: false, detail: 'not the credential we issued to a wallet with this id' };
    if (createHash('sha256').update(row.jws).digest('hex') !== copy.sourceJwsHash) {
      const verifyUrl = verifyPageUrl(this.config.http.publicUrl, row.id);
      return { ok: false, superseded: true, detail: `a newer credential replaces this certificate: check the current one at ${verifyUrl}` };
    }
    const agrees = row.learnerName === credential.credentialSubject.name && row.courseTitle === credential.credentialSubject.achievement.name;
    return agrees
      ? { ok: true, detail: `a wallet copy of certificate ${row.id}, bound to ${credential.credentialSubject.id}` }
      : { ok: false, detail: 'the credential disagrees with our record (learner or course)' };
  }

  /**
   * What an employer learns from the public link: our stored credential, verified like any other.
   * Before the display behaviour shows the course's certificates to its learners, the link is
   * treated like the learner's download: not found, with the date it will be available.
   * (Deactivating certificates stops downloads, not verification: what was issued stays true.)
   * A valid certificate its learner shares publicly also offers its files (certificate-sharing.ts).
   */
  async verifyCertificate(id: string): Promise<VerificationResult> {
    const row = await this.records.findRecord(id);
    if (!row || !row.jws) {
      return { verdict: 'not_found', certificateId: id, checks: [{ name: 'record', ok: false, detail: 'no certificate was issued with this id' }] };
    }
    const hidden = notYetVisibleReason(row, new Date());
    if (hidden) return { verdict: 'not_found', certificateId: id, checks: [{ name: 'record', ok: false, detail: hidden }] };
    // The record is already here: verifying our own credential reads it once, not twice.
    const result = await this.verifyToken(row.jws, row);
    const shared = downloadableByAnyone({ visibility: effectiveVisibility(row.visibility, this.config.sharing.defaultVisibility), course: row }, new Date());
    return result.verdict === 'valid' && shared ? { ...result, downloads: certificateFileUrls(this.config.http.publicUrl, id) } : result;
  }
}
