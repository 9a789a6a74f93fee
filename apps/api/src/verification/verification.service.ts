import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../../shared/config';
import type { KeySet } from '../../../shared/credentials/signing-keys';
import { verifyCredentialToken, type Check, type VerifiedCredential } from '../../../shared/credentials/verify-credential';
import type { Database } from '../../../shared/database';
import { CONFIG, DATABASE, KEY_SET } from '../common/tokens';
import { StatusListsService } from '../status-lists/status-lists.service';

export type Verdict = 'valid' | 'revoked' | 'invalid' | 'not_found';

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
}

const UUID_URN = /^urn:uuid:([0-9a-f-]{36})$/;

@Injectable()
export class VerificationService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(KEY_SET) private readonly keys: KeySet,
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly statusLists: StatusListsService,
  ) {}

  private loadRecord(id: string) {
    return this.db.certificate.findUnique({
      where: { id },
      include: {
        course: { select: { id: true, title: true } },
        learner: { select: { name: true } },
        invalidations: { where: { active: true }, orderBy: { createdAt: 'desc' }, take: 1 },
      },
    });
  }

  /**
   * Every check on a token, ours or presented by anyone: structure, algorithm, our key, signature,
   * claims, validity period, agreement with our record, and revocation.
   */
  async verifyToken(token: string): Promise<VerificationResult> {
    let revocation: VerificationResult['revocation'];
    let certificateId: string | null = null;
    let row: Awaited<ReturnType<VerificationService['loadRecord']>> = null;
    const result = await verifyCredentialToken(token, {
      keys: this.keys,
      publicUrl: this.config.http.publicUrl,
      record: async (credential: VerifiedCredential) => {
        const id = UUID_URN.exec(credential.id)?.[1];
        if (!id) return { ok: false, detail: 'the credential id is not one of our certificate ids' };
        certificateId = id;
        row = await this.loadRecord(id);
        if (!row || !row.jws) return null;
        const agrees = row.learner.name === credential.credentialSubject.name && row.course.title === credential.credentialSubject.achievement.name;
        return agrees
          ? { ok: true, detail: 'the credential agrees with our record' }
          : { ok: false, detail: 'the credential disagrees with our record (learner or course)' };
      },
      revocation: async (credential) => {
        const entry = credential.credentialStatus;
        const list = entry ? Number(/\/status\/(\d+)$/.exec(entry.statusListCredential)?.[1]) : NaN;
        const bit = Number.isInteger(list) ? await this.statusLists.isRevoked(list, Number(entry!.statusListIndex)) : null;
        const where = entry ? `status list ${entry.statusListCredential}, index ${entry.statusListIndex}` : 'our records';
        const invalidation = row?.invalidations[0];
        if (invalidation) {
          revocation = { revokedAt: invalidation.createdAt.toISOString(), reason: invalidation.notes };
          return { revoked: true, detail: `revoked on ${invalidation.createdAt.toISOString()} (${where}: bit set)` };
        }
        if (row && row.status !== 'downloadable') {
          revocation = { revokedAt: row.updatedAt.toISOString(), reason: 'The learner no longer meets the course requirements.' };
          return { revoked: true, detail: `withdrawn on ${row.updatedAt.toISOString()}: the learner no longer meets the requirements (${where}: bit set)` };
        }
        if (bit) return { revoked: true, detail: `${where}: bit set` };
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
    return { verdict: result.verdict, certificateId, checks: result.checks, failed: result.failed, ...about, ...(revocation ? { revocation } : {}) };
  }

  /** What an employer learns from the public link: our stored credential, verified like any other. */
  async verifyCertificate(id: string): Promise<VerificationResult> {
    const row = await this.loadRecord(id);
    if (!row || !row.jws) {
      return { verdict: 'not_found', certificateId: id, checks: [{ name: 'record', ok: false, detail: 'no certificate was issued with this id' }] };
    }
    return this.verifyToken(row.jws);
  }
}
