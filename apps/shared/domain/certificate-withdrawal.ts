/**
 * A change of standing that takes an issued certificate away (a regrade, a new passing grade, a
 * lesson made required) is a recorded event: an automatic invalidation with its reason. Pure, so
 * the activity that writes certificates and its unit spec read the same rule.
 */
import type { EligibilityDecision } from './certificate-rules';
import type { CertificateStatus } from './enums';
import { formatPercent } from './format';

/** What the verification page says about a withdrawn certificate: neutral, no grade, no detail. */
export const WITHDRAWAL_PUBLIC_REASON = 'The holder no longer meets the requirements of this course for the certificate.';

/**
 * A re-evaluation withdraws a certificate when it was issued (downloadable) and the learner is no
 * longer eligible. An error while signing is not a withdrawal: it happens to eligible learners only.
 */
export function isWithdrawal(previous: CertificateStatus | null, decision: Pick<EligibilityDecision, 'eligible'>): boolean {
  return previous === 'downloadable' && !decision.eligible;
}

export interface WithdrawalFacts {
  grade: number | null;
  passingGrade: number;
  requiredLessons: { total: number; completed: number };
  /** Who or what asked for the re-evaluation: the generation task's requester. */
  requestedBy: string | null;
}

/** The note the course team reads on the invalidation: the rule the learner no longer meets, and why it was checked. */
export function withdrawalNotes(decision: EligibilityDecision, facts: WithdrawalFacts): string {
  const cause = facts.requestedBy ? ` (re-evaluation requested by ${facts.requestedBy})` : '';
  switch (decision.reason) {
    case 'grade_below_passing':
      return `Withdrawn: grade ${formatPercent(facts.grade)} is below the passing grade of ${formatPercent(facts.passingGrade)}${cause}`;
    case 'no_grade':
      return `Withdrawn: the learner has no grade${cause}`;
    case 'required_lessons_incomplete':
      return `Withdrawn: ${facts.requiredLessons.completed} of ${facts.requiredLessons.total} required lessons completed${cause}`;
    default:
      return `Withdrawn: ${decision.message}${cause}`;
  }
}
