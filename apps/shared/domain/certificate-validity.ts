/**
 * What makes a certificate valid, and why one is revoked. Pure, so workflows may import it; the
 * SQL and Prisma forms of the same rule live beside the database (apps/shared/certificate-validity.sql.ts)
 * and test/certificate-validity.test.ts checks that they agree with this one on a table of cases.
 */
import type { CertificateStatus } from './enums';

export interface CertificateValidityInput {
  status: CertificateStatus;
  /** A signed credential exists (only an issued certificate has one). */
  hasCredential: boolean;
  /** The course team invalidated it and has not reinstated it. */
  activeInvalidation: boolean;
}

/** Issued, still standing, and not invalidated: what verifiers, documents and mails accept. */
export function isValidCertificate({ status, hasCredential, activeInvalidation }: CertificateValidityInput): boolean {
  return status === 'downloadable' && hasCredential && !activeInvalidation;
}

/** Shown when the course team gave no public reason; their internal notes never leave the staff pages. */
export const GENERIC_REVOCATION_REASON = 'The issuer has revoked this certificate.';
export const REQUIREMENTS_NO_LONGER_MET_REASON = 'The learner no longer meets the course requirements.';

export interface RevocationInput {
  status: CertificateStatus;
  /** When the certificate last changed: a withdrawn certificate was withdrawn then. */
  updatedAt: Date;
  /** The active invalidation, if any. */
  invalidation: { createdAt: Date; publicReason: string | null } | null;
}

export type Revocation =
  | { cause: 'invalidated'; revokedAt: Date; reason: string }
  | { cause: 'requirements_no_longer_met'; revokedAt: Date; reason: string };

/**
 * Why an issued certificate no longer counts, or null while it does. An invalidation by the course
 * team wins over a withdrawal, because it carries the team's own public reason.
 */
export function revocationOf({ status, updatedAt, invalidation }: RevocationInput): Revocation | null {
  if (invalidation) return { cause: 'invalidated', revokedAt: invalidation.createdAt, reason: invalidation.publicReason ?? GENERIC_REVOCATION_REASON };
  if (!isValidCertificate({ status, hasCredential: true, activeInvalidation: false })) {
    return { cause: 'requirements_no_longer_met', revokedAt: updatedAt, reason: REQUIREMENTS_NO_LONGER_MET_REASON };
  }
  return null;
}
