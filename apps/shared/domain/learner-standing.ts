/**
 * A learner's standing in a course, as the issuance and the Progress page read it, and the
 * eligibility rule applied to it. Plain data: the standings repository reads it set-based.
 */
import { decideEligibility, type EligibilityDecision } from './certificate-rules';
import type { CertificateStatus, EnrollmentMode } from './enums';

/** What the rules need to know about a course. */
export interface CourseFacts {
  id: string;
  title: string;
  passingGrade: number;
  showsGrade: boolean;
  honorEligible: boolean;
  idVerificationRequired: boolean;
  requiredLessons: number;
}

/** Everything the rules need to know about one learner, read in one query per batch. */
export interface LearnerStanding {
  learnerId: string;
  name: string;
  email: string;
  mode: EnrollmentMode;
  grade: number | null;
  idVerified: boolean;
  allowlisted: boolean;
  requiredDone: number;
  certificateId: string | null;
  certificateStatus: CertificateStatus | null;
  hasCredential: boolean;
  statusList: number | null;
  statusIndex: number | null;
  invalidated: boolean;
  /** Marked for the next regrade when read; absent: not known, treated as marked. */
  pendingReevaluation?: boolean;
}

/** The eligibility rule applied to a learner's standing in a course. */
export function eligibilityOf(course: CourseFacts, standing: LearnerStanding): EligibilityDecision {
  return decideEligibility({
    mode: standing.mode,
    grade: standing.grade,
    passingGrade: course.passingGrade,
    honorEligible: course.honorEligible,
    requiredLessons: { total: course.requiredLessons, completed: standing.requiredDone },
    allowlisted: standing.allowlisted,
    invalidated: standing.invalidated,
    idVerificationRequired: course.idVerificationRequired,
    idVerified: standing.idVerified,
  });
}
