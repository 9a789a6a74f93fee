import { decideDisplay, MESSAGES, type DisplayInput } from './certificate-display';
import { decideEligibility } from './certificate-rules';

const passing = decideEligibility({ mode: 'verified', grade: 0.9, passingGrade: 0.7 });
const failing = decideEligibility({ mode: 'verified', grade: 0.3, passingGrade: 0.7 });
const audit = decideEligibility({ mode: 'audit', grade: 0.9, passingGrade: 0.7 });
const before = new Date('2026-01-01T00:00:00Z');
const end = new Date('2026-02-01T00:00:00Z');
const after = new Date('2026-03-01T00:00:00Z');

const base: DisplayInput = {
  pacing: 'instructor',
  behavior: 'end',
  learnerGeneratedEnabled: false,
  now: after,
  courseEnd: end,
  certificateAvailableAt: null,
  certificatesGenerated: false,
  certificate: null,
  eligibility: passing,
};
const issued = { status: 'downloadable' as const, invalidated: false };
const notpassing = { status: 'notpassing' as const, invalidated: false };

describe('decideDisplay: instructor-paced courses (seed 002)', () => {
  it.each<[string, Partial<DisplayInput>, string | null, string[]]>([
    // "End"
    ['end: course not ended → nothing', { now: before }, null, []],
    ['end: ended, not generated → not yet available', {}, MESSAGES.notYetAvailable, []],
    ['end: ended, generated, passing → download', { certificatesGenerated: true, certificate: issued }, MESSAGES.available, ['download_certificate']],
    ['end: ended, generated, not passing → not passed', { certificatesGenerated: true, certificate: notpassing, eligibility: failing }, MESSAGES.notPassed, []],
    // "Early no info" (the default)
    ['early_no_info: not generated → nothing', { behavior: 'early_no_info', now: before }, null, []],
    ['early_no_info: generated, passing → download', { behavior: 'early_no_info', now: before, certificatesGenerated: true, certificate: issued }, MESSAGES.available, ['download_certificate']],
    ['early_no_info: generated, not passing → nothing', { behavior: 'early_no_info', certificatesGenerated: true, certificate: notpassing, eligibility: failing }, null, []],
    // "Early with info"
    ['early_with_info: not generated → not yet available', { behavior: 'early_with_info', now: before }, MESSAGES.notYetAvailable, []],
    ['early_with_info: generated, passing → download', { behavior: 'early_with_info', certificatesGenerated: true, certificate: issued }, MESSAGES.available, ['download_certificate']],
    ['early_with_info: generated, not passing → not passed', { behavior: 'early_with_info', certificatesGenerated: true, certificate: notpassing, eligibility: failing }, MESSAGES.notPassed, []],
    // End with date
    ['end_with_date: before the available date → the date', { behavior: 'end_with_date', certificateAvailableAt: new Date('2026-04-01T00:00:00Z'), certificatesGenerated: true, certificate: issued }, MESSAGES.availableOn('1 April 2026'), []],
    ['end_with_date: after the date → download', { behavior: 'end_with_date', certificateAvailableAt: end, certificatesGenerated: true, certificate: issued }, MESSAGES.available, ['download_certificate']],
    // Audit learners are told the track has no certificate rather than that they failed.
    ['end: audit learner after generation', { certificatesGenerated: true, certificate: { status: 'audit_passing', invalidated: false }, eligibility: audit }, MESSAGES.auditTrack, []],
  ])('%s', (_name, overrides, message, actions) => {
    const decision = decideDisplay({ ...base, ...overrides });
    expect(decision.message).toBe(message);
    expect(decision.actions).toEqual(actions);
    expect(decision.courseCardDownload).toBe(actions.includes('download_certificate'));
  });
});

describe('decideDisplay: on-demand certificates (self-paced, or learner-generated enabled)', () => {
  it.each<[string, Partial<DisplayInput>, string | null, string[]]>([
    ['self-paced, qualified, no certificate → request', { pacing: 'self', now: before }, MESSAGES.qualified, ['request_certificate']],
    ['self-paced, certificate issued → download', { pacing: 'self', now: before, certificate: issued }, MESSAGES.available, ['download_certificate']],
    ['self-paced, not qualified → nothing, with the reason', { pacing: 'self', eligibility: failing }, null, []],
    ['instructor-paced with learner-generated, qualified → request', { learnerGeneratedEnabled: true, now: before }, MESSAGES.qualified, ['request_certificate']],
  ])('%s', (_name, overrides, message, actions) => {
    const decision = decideDisplay({ ...base, ...overrides });
    expect(decision.message).toBe(message);
    expect(decision.actions).toEqual(actions);
  });

  it('gives the learner the reason when they do not qualify', () => {
    expect(decideDisplay({ ...base, pacing: 'self', eligibility: failing }).detail).toBe(failing.message);
  });
});

describe('decideDisplay: states that override the behaviour', () => {
  it.each<[string, DisplayInput['certificate'], string]>([
    ['invalidated', { status: 'downloadable', invalidated: true }, MESSAGES.invalidated],
    ['error', { status: 'error', invalidated: false }, MESSAGES.failed],
  ])('%s', (_name, certificate, message) => {
    for (const pacing of ['self', 'instructor'] as const) {
      const decision = decideDisplay({ ...base, pacing, certificatesGenerated: true, certificate });
      expect(decision.message).toBe(message);
      expect(decision.actions).toEqual([]);
    }
  });
});
