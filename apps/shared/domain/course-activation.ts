/**
 * Enabling a course's certificates (seed 002): they are off until the course team enables them,
 * after checking "the Course Completion rule and the Overall Grade Range", and "you cannot start
 * the course until the required certificates are activated". Pure: the API, the pages and the
 * rules table read the same words.
 */
import { formatDate, formatPercent } from './format';

export interface CompletionRule {
  passingGrade: number;
  requiredLessons: number;
  optionalLessons: number;
}

const lessons = (n: number, kind: string) => `${n} ${kind} lesson${n === 1 ? '' : 's'}`;

/** What a learner must reach to earn the certificate, as the course team checks it before enabling. */
export function describeCompletionRule({ passingGrade, requiredLessons, optionalLessons }: CompletionRule): string {
  const grade = `an overall grade of at least ${formatPercent(passingGrade)} (grade range ${formatPercent(passingGrade)}–100%)`;
  const required = requiredLessons === 0 ? 'no lesson required' : requiredLessons === 1 ? 'the 1 required lesson completed' : `all ${lessons(requiredLessons, 'required')} completed`;
  const optional = optionalLessons === 0 ? '' : ` (${lessons(optionalLessons, 'optional')} ${optionalLessons === 1 ? 'does' : 'do'} not count)`;
  return `Learners earn a certificate with ${grade} and ${required}${optional}.`;
}

/** The check shown before enabling: the confirmation dialog and the refusal of an unconfirmed request. */
export function activationCheck(rule: CompletionRule): string {
  return `Before enabling certificates, check that the completion rule and the grade range are what you want. ${describeCompletionRule(rule)}`;
}

/**
 * Why a course may not start at `startAt` (null when it may): a course that issues certificates
 * does not start before they are activated.
 */
export function startRefusal(course: { certificatesActive: boolean; startAt: Date }, now: Date): string | null {
  if (course.certificatesActive || course.startAt.getTime() > now.getTime()) return null;
  return 'a course that issues certificates cannot start before its certificates are activated: give a later start date and activate them before it, or create the course with certificatesActive: true';
}

/** The instructor's reminder while a scheduled course still waits for its certificates. */
export function startReminder(course: { certificatesActive: boolean; startAt: Date }, now: Date): string | null {
  if (course.certificatesActive) return null;
  return course.startAt.getTime() > now.getTime()
    ? `Activate the certificates before the course starts on ${formatDate(course.startAt)}: it cannot start until they are.`
    : `The course start date (${formatDate(course.startAt)}) has passed and its certificates are not activated: learners cannot earn them until they are.`;
}
