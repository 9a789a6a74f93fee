/**
 * What a learner's Progress page says about the certificate, and which buttons it shows: the
 * display behaviours of the Open edX documents, as one pure function the API, the Progress page
 * and the course card share.
 *
 * Two questions decide it. How the course issues (issuance-mode.ts): in bulk, the instructor
 * generates and the behaviour's messages apply (seed 002); on demand, the learner requests.
 * And when issued certificates become visible (certificate-visibility.ts): the display behaviour
 * decides for every pacing, so a download is offered only once the certificate is visible.
 */
import type { EligibilityDecision } from './certificate-rules';
import { certificatesVisibleFrom } from './certificate-visibility';
import type { CertificateStatus, DisplayBehavior, Pacing } from './enums';
import { formatDate } from './format';
import { issuanceMode, learnersMayRequest } from './issuance-mode';

export type CertificateAction = 'request_certificate' | 'download_certificate';

export const MESSAGES = {
  notYetAvailable: "The certificate is not yet available because it's an instructor-paced course.",
  notPassed: "You haven't passed the course.",
  available: 'Your certificate is available.',
  qualified: 'Congratulations, you qualified for a certificate!',
  /** Bulk issuance: the learner qualifies (passed, or on the exception list) but holds no certificate yet. */
  notGeneratedYet: 'You qualify for a certificate. It has not been generated yet.',
  notActive: 'Certificates are not enabled for this course.',
  failed: 'We could not generate your certificate. The course team can see why and retry.',
  invalidated: 'Your certificate has been invalidated by the course team.',
  availableOn: (date: string) => `Your certificate will be available on ${date}.`,
} as const;

export interface DisplayInput {
  pacing: Pacing;
  behavior: DisplayBehavior;
  learnerGeneratedEnabled: boolean;
  /** Certificates are enabled for the course (seed 002: "not available for issuing to learners until it is enable[d]"). */
  certificatesActive: boolean;
  now: Date;
  courseEnd: Date;
  certificateAvailableAt: Date | null;
  /** The instructor has generated the course's certificates (bulk issuance ran). */
  certificatesGenerated: boolean;
  certificate: { status: CertificateStatus; invalidated: boolean } | null;
  /** The learner's standing now, from decideEligibility. */
  eligibility: EligibilityDecision;
}

export interface DisplayDecision {
  /** The sentence on the Progress page, or null for "nothing at all". */
  message: string | null;
  actions: CertificateAction[];
  /** A "Download Certificate" link on the learner's course card. */
  courseCardDownload: boolean;
  /** Why, in the learner's terms, when the behaviour lets the learner be told. */
  detail: string | null;
  /** Which case decided: for tests, logs and the rules table. */
  rule: string;
}

const show = (rule: string, message: string | null, actions: CertificateAction[] = [], detail: string | null = null): DisplayDecision => ({
  message,
  actions,
  courseCardDownload: actions.includes('download_certificate'),
  detail,
  rule,
});

/** Standings that are a failed course, as opposed to a track, an identity check or an exception. */
const NOT_PASSED = new Set<string>(['grade_below_passing', 'no_grade', 'required_lessons_incomplete']);

export function decideDisplay(input: DisplayInput): DisplayDecision {
  const cert = input.certificate;
  if (cert?.invalidated) return show('invalidated', MESSAGES.invalidated);
  if (cert?.status === 'error') return show('error', MESSAGES.failed);
  // Nothing can be requested or downloaded while certificates are off; say so rather than offer a
  // button that fails, and rather than hide a certificate the learner has seen without a word.
  if (!input.certificatesActive) return show('not_active', MESSAGES.notActive);

  const downloadable = cert?.status === 'downloadable';
  const visibleFrom = certificatesVisibleFrom({ displayBehavior: input.behavior, endAt: input.courseEnd, certificateAvailableAt: input.certificateAvailableAt });
  const visible = visibleFrom === null || input.now >= visibleFrom;
  const eligibility = input.eligibility;

  // Self-paced courses, and instructor-paced ones with learner-generated certificates: on demand.
  // The learner may request at any time; the certificate shows once the behaviour makes it visible.
  if (issuanceMode(input) === 'on_demand') {
    if (downloadable) {
      return visible ? show('on_demand_available', MESSAGES.available, ['download_certificate']) : show('on_demand_not_visible', MESSAGES.availableOn(formatDate(visibleFrom)));
    }
    if (eligibility.eligible) {
      if (learnersMayRequest(input)) return show('on_demand_qualified', MESSAGES.qualified, ['request_certificate']);
      // Self-paced with learner-generated certificates disabled: no Request button (seed 000), the
      // course's own interval run (or the instructor) issues it, so the bulk sentence holds.
      return show('on_demand_not_requestable', MESSAGES.notGeneratedYet, [], eligibility.message);
    }
    return show('on_demand_not_qualified', null, [], eligibility.message);
  }

  // In bulk (seed 002, instructor-paced). Before the behaviour's moment (course end, or the
  // available date) nothing shows; with a date, those who will have a certificate are told it.
  if (!visible) {
    if (input.behavior === 'end_with_date' && (downloadable || eligibility.eligible)) {
      return show('before_available_date', MESSAGES.availableOn(formatDate(visibleFrom)));
    }
    return show('before_visible', null);
  }
  if (downloadable) return show('generated_passed', MESSAGES.available, ['download_certificate']);
  const noInfo = input.behavior === 'early_no_info';
  if (!input.certificatesGenerated) return show('not_generated', noInfo ? null : MESSAGES.notYetAvailable);
  // "Early no info": only learners with a certificate hear anything.
  if (noInfo) return show('generated_no_info', null);
  if (eligibility.eligible) return show('generated_not_issued', MESSAGES.notGeneratedYet, [], eligibility.message);
  if (NOT_PASSED.has(eligibility.reason)) return show('generated_not_passed', MESSAGES.notPassed, [], eligibility.message);
  // A track without certificates (audit, or honor where the course excludes it), a pending identity
  // check, an invalidation: the rule's own sentence, which names the track or what to do.
  return show(`generated_${eligibility.reason}`, eligibility.message);
}
