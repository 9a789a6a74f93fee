import { Inject, Injectable } from '@nestjs/common';
import { credentialId } from '../../../shared/credentials/achievement-credential';
import type { KeySet } from '../../../shared/credentials/signing-keys';
import { verifyCredentialJws } from '../../../shared/credentials/verify-credential';
import type { Database } from '../../../shared/database';
import { DATABASE, KEY_SET } from '../common/tokens';

export type Verdict = 'valid' | 'revoked' | 'invalid' | 'not_found';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface VerificationResult {
  verdict: Verdict;
  certificateId: string;
  checks: Check[];
  learner?: { name: string };
  course?: { id: string; title: string };
  issuer?: { id: string; name: string };
  issuedAt?: string;
  revocation?: { revokedAt: string; reason: string };
}

@Injectable()
export class VerificationService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(KEY_SET) private readonly keys: KeySet,
  ) {}

  /** What an employer learns from the public link: the verdict, who and what, and each check made. */
  async verifyCertificate(id: string): Promise<VerificationResult> {
    const c = await this.db.certificate.findUnique({
      where: { id },
      include: {
        course: { select: { id: true, title: true } },
        learner: { select: { name: true } },
        invalidations: { where: { active: true }, orderBy: { createdAt: 'desc' }, take: 1 },
      },
    });
    if (!c || c.status !== 'downloadable' || !c.jws) {
      return { verdict: 'not_found', certificateId: id, checks: [{ name: 'record', ok: false, detail: 'no certificate was issued with this id' }] };
    }
    const checks: Check[] = [{ name: 'record', ok: true, detail: 'a certificate with this id was issued' }];
    const signature = await verifyCredentialJws(c.jws, this.keys);
    checks.push(
      signature.ok
        ? { name: 'signature', ok: true, detail: `signed by our key ${signature.kid}` }
        : { name: 'signature', ok: false, detail: signature.reason },
    );
    if (!signature.ok) return { verdict: 'invalid', certificateId: id, checks };

    const credential = signature.credential;
    const matches =
      credential.jti === credentialId(c.id) &&
      credential.id === credentialId(c.id) &&
      credential.credentialSubject?.name === c.learner.name &&
      credential.credentialSubject?.achievement?.name === c.course.title;
    checks.push({
      name: 'record_agreement',
      ok: matches,
      detail: matches ? 'the signed credential agrees with our record' : 'the signed credential disagrees with our record',
    });
    const base = {
      certificateId: id,
      learner: { name: credential.credentialSubject.name },
      course: { id: c.course.id, title: credential.credentialSubject.achievement.name },
      issuer: { id: credential.issuer.id, name: credential.issuer.name },
      issuedAt: credential.validFrom,
    };
    if (!matches) return { verdict: 'invalid', ...base, checks };

    const invalidation = c.invalidations[0];
    checks.push({
      name: 'revocation',
      ok: !invalidation,
      detail: invalidation ? `revoked on ${invalidation.createdAt.toISOString()}` : 'not revoked',
    });
    if (invalidation) {
      return {
        verdict: 'revoked',
        ...base,
        revocation: { revokedAt: invalidation.createdAt.toISOString(), reason: invalidation.notes },
        checks,
      };
    }
    return { verdict: 'valid', ...base, checks };
  }
}
