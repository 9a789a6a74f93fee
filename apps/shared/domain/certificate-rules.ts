/**
 * Who gets a certificate, and why not. Pure and dependency-free: the API, the activities and
 * the workflows all import this one module, so learners and instructors are told the same reason.
 */
import type { CertificateStatus, EnrollmentMode } from './enums';
import { formatPercent } from './format';

export interface EligibilityInput {
  mode: EnrollmentMode;
  /** Grade as a fraction 0..1, or null when the learner has no grade yet. */
  grade: number | null;
  passingGrade: number;
  /** Honor enrollments earn certificates unless the course says otherwise. */
  honorEligible?: boolean;
  requiredLessons?: { total: number; completed: number };
  allowlisted?: boolean;
  invalidated?: boolean;
  idVerificationRequired?: boolean;
  idVerified?: boolean;
}

export type IneligibleReason =
  | 'invalidated'
  | 'mode_not_eligible'
  | 'id_verification_required'
  | 'required_lessons_incomplete'
  | 'grade_below_passing'
  | 'no_grade';

export type EligibilityDecision =
  | { eligible: true; status: 'downloadable'; reason: 'passed' | 'allowlisted'; message: string }
  | { eligible: false; status: CertificateStatus; reason: IneligibleReason; message: string };

/** Grades are stored with four decimals; compare at that precision so 0.7 passes a 0.7 threshold. */
export function isPassing(grade: number | null, passingGrade: number): boolean {
  if (grade === null) return false;
  return Math.round(grade * 10_000) >= Math.round(passingGrade * 10_000);
}

export function decideEligibility(input: EligibilityInput): EligibilityDecision {
  const passing = isPassing(input.grade, input.passingGrade);
  if (input.invalidated) {
    return { eligible: false, status: 'unavailable', reason: 'invalidated', message: 'This certificate has been invalidated by the course team.' };
  }
  const modeEligible = input.mode !== 'audit' && (input.mode !== 'honor' || input.honorEligible !== false);
  if (!modeEligible) {
    return {
      eligible: false,
      status: passing ? 'audit_passing' : 'audit_notpassing',
      reason: 'mode_not_eligible',
      message: `The ${input.mode} track does not include a certificate.`,
    };
  }
  if (input.idVerificationRequired && !input.idVerified) {
    return { eligible: false, status: 'unavailable', reason: 'id_verification_required', message: 'Your identity must be verified before a certificate can be issued.' };
  }
  if (input.allowlisted) {
    return { eligible: true, status: 'downloadable', reason: 'allowlisted', message: 'The course team granted you a certificate exception.' };
  }
  const lessons = input.requiredLessons;
  if (lessons && lessons.completed < lessons.total) {
    return {
      eligible: false,
      status: 'notpassing',
      reason: 'required_lessons_incomplete',
      message: `You have completed ${lessons.completed} of ${lessons.total} required lessons.`,
    };
  }
  if (input.grade === null) {
    return { eligible: false, status: 'notpassing', reason: 'no_grade', message: 'You do not have a grade in this course yet.' };
  }
  if (!passing) {
    return {
      eligible: false,
      status: 'notpassing',
      reason: 'grade_below_passing',
      message: `Your grade ${formatPercent(input.grade)} is below the passing grade of ${formatPercent(input.passingGrade)}.`,
    };
  }
  return { eligible: true, status: 'downloadable', reason: 'passed', message: `You passed with ${formatPercent(input.grade)}.` };
}
