/**
 * A course's counts as the course page and the Certificates page show them. The database keeps
 * them as sums per counter (migration 20261201120000_course_counts: triggers append each write's
 * deltas, certificate_counters names what one certificate adds to); this reads those sums.
 */
import { CERTIFICATE_STATUSES, type CertificateStatus } from './enums';

export interface CourseCounts {
  enrollments: number;
  /** Certificates by status; a status no certificate has is left out. */
  certificates: Partial<Record<CertificateStatus, number>>;
  /** Downloadable certificates with a signed credential, invalidated or not. */
  issued: number;
  /** Certificates with an active invalidation. */
  invalidated: number;
  /** Learners on the exception list. */
  exceptions: number;
  /**
   * "Certificate available" mails: sent (whatever became of the certificate since); pending (valid
   * certificates not announced yet, visible or not); failed (valid certificates the relay refused).
   */
  certificateMail: { sent: number; pending: number; failed: number };
}

/** One counter's total: the sum of its delta rows. */
export interface CounterSum {
  counter: string;
  total: number;
}

const STATUS_PREFIX = 'certificates:';

/** The counts from the counters' sums; a counter without rows is zero, unknown counters are ignored. */
export function courseCountsFrom(sums: readonly CounterSum[]): CourseCounts {
  const totals = new Map(sums.map((s) => [s.counter, s.total]));
  const total = (counter: string): number => totals.get(counter) ?? 0;
  const certificates: Partial<Record<CertificateStatus, number>> = {};
  for (const status of CERTIFICATE_STATUSES) {
    const n = total(`${STATUS_PREFIX}${status}`);
    if (n !== 0) certificates[status] = n;
  }
  return {
    enrollments: total('enrollments'),
    certificates,
    issued: total('issued'),
    invalidated: total('invalidated'),
    exceptions: total('exceptions'),
    certificateMail: { sent: total('mail_sent'), pending: total('mail_pending'), failed: total('mail_failed') },
  };
}
