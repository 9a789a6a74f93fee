/**
 * What a learner's Progress page says about the certificate, and which buttons it shows: the
 * display behaviours of the Open edX documents, as one pure function the API and pages share.
 */
import type { EligibilityDecision } from './certificate-rules';
import type { CertificateStatus, DisplayBehavior, Pacing } from './enums';
import { formatDate } from './format';
import { issuanceMode } from './issuance-mode';

export type CertificateAction = 'request_certificate' | 'download_certificate';

export const MESSAGES = {
  notYetAvailable: "The certificate is not yet available because it's an instructor-paced course.",
  notPassed: "You haven't passed the course.",
  available: 'Your certificate is available.',
  qualified: 'Congratulations, you qualified for a certificate!',
  failed: 'We could not generate your certificate. The course team can see why and retry.',
  invalidated: 'Your certificate has been invalidated by the course team.',
  auditTrack: 'The audit track does not include a certificate.',
  availableOn: (date: string) => `Your certificate will be available on ${date}.`,
} as const;

export interface DisplayInput {
  pacing: Pacing;
  behavior: DisplayBehavior;
  learnerGeneratedEnabled: boolean;
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
  /** A download link on the learner's course card. */
  courseCardDownload: boolean;
  /** Why, in the learner's terms, when the learner does not have a certificate. */
  detail: string | null;
  rule: string;
}

const show = (rule: string, message: string | null, actions: CertificateAction[] = [], detail: string | null = null): DisplayDecision => ({
  message,
  actions,
  courseCardDownload: actions.includes('download_certificate'),
  detail,
  rule,
});

export function decideDisplay(input: DisplayInput): DisplayDecision {
  const cert = input.certificate;
  if (cert?.invalidated) return show('invalidated', MESSAGES.invalidated);
  if (cert?.status === 'error') return show('error', MESSAGES.failed);
  const downloadable = cert?.status === 'downloadable';
  const notPassed = input.eligibility.reason === 'mode_not_eligible' ? MESSAGES.auditTrack : MESSAGES.notPassed;

  // Self-paced courses, and instructor-paced ones with learner-generated certificates: on demand.
  if (issuanceMode(input) === 'on_demand') {
    if (downloadable) return show('on_demand_available', MESSAGES.available, ['download_certificate']);
    if (input.eligibility.eligible) return show('on_demand_qualified', MESSAGES.qualified, ['request_certificate']);
    return show('on_demand_not_qualified', null, [], input.eligibility.message);
  }

  const ended = input.now >= input.courseEnd;
  switch (input.behavior) {
    case 'end':
    case 'end_with_date': {
      const availableAt = input.behavior === 'end_with_date' && input.certificateAvailableAt ? input.certificateAvailableAt : input.courseEnd;
      if (input.behavior === 'end_with_date' && input.now < availableAt) {
        return show('before_available_date', MESSAGES.availableOn(formatDate(availableAt)));
      }
      if (!ended) return show('course_running', null);
      if (!input.certificatesGenerated) return show('not_generated', MESSAGES.notYetAvailable);
      if (downloadable) return show('generated_passed', MESSAGES.available, ['download_certificate']);
      return show('generated_not_passed', notPassed, [], input.eligibility.message);
    }
    case 'early_no_info':
      if (!input.certificatesGenerated) return show('not_generated', null);
      if (downloadable) return show('generated_passed', MESSAGES.available, ['download_certificate']);
      return show('generated_not_passed', null, [], input.eligibility.message);
    case 'early_with_info':
      if (!input.certificatesGenerated) return show('not_generated', MESSAGES.notYetAvailable);
      if (downloadable) return show('generated_passed', MESSAGES.available, ['download_certificate']);
      return show('generated_not_passed', notPassed, [], input.eligibility.message);
  }
}
