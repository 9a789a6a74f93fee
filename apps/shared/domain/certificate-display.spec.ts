import { decideDisplay, MESSAGES, type CertificateAction, type DisplayInput } from './certificate-display';
import { decideEligibility, type EligibilityDecision, type EligibilityInput } from './certificate-rules';
import { DISPLAY_BEHAVIORS, type DisplayBehavior, type Pacing } from './enums';

const DL: CertificateAction = 'download_certificate';
const REQ: CertificateAction = 'request_certificate';

const before = new Date('2026-01-15T00:00:00Z');
const end = new Date('2026-02-01T00:00:00Z');
const afterEnd = new Date('2026-03-01T00:00:00Z');
const availableDate = new Date('2026-04-01T00:00:00Z');
const afterDate = new Date('2026-05-01T00:00:00Z');

const eligibility = (overrides: Partial<EligibilityInput>) => decideEligibility({ mode: 'verified', grade: 0.95, passingGrade: 0.7, ...overrides });

/** A learner's standing: their eligibility, the certificate they hold, and whether the course's certificates are on. */
interface Standing {
  eligibility: EligibilityDecision;
  /** The certificate row once certificates were generated (or requested); null: none. */
  certificate: DisplayInput['certificate'];
  /** The same learner before any generation, when only a held certificate exists. */
  certificateBeforeGeneration: DisplayInput['certificate'];
  active: boolean;
}

const issued = { status: 'downloadable' as const, invalidated: false };
const rowOf = (e: EligibilityDecision) => ({ status: e.status, invalidated: false });
const held = (e: EligibilityDecision, certificate: DisplayInput['certificate'] = rowOf(e)): Standing => ({ eligibility: e, certificate, certificateBeforeGeneration: null, active: true });

const STANDINGS = {
  'passed, with a certificate': { ...held(eligibility({}), issued), certificateBeforeGeneration: issued },
  'passed, no certificate yet': held(eligibility({}), null),
  'below passing': held(eligibility({ grade: 0.3 })),
  'no grade': held(eligibility({ grade: null })),
  'required lessons incomplete': held(eligibility({ requiredLessons: { total: 2, completed: 1 } })),
  'ID verification pending': held(eligibility({ idVerificationRequired: true, idVerified: false })),
  'allowlisted, before the exception certificate': held(eligibility({ grade: 0.3, allowlisted: true }), null),
  audit: held(eligibility({ mode: 'audit' })),
  'honor, course excludes honor': held(eligibility({ mode: 'honor', honorEligible: false })),
  invalidated: {
    ...held(eligibility({ invalidated: true }), { status: 'downloadable', invalidated: true }),
    certificateBeforeGeneration: { status: 'downloadable', invalidated: true },
  },
  error: { ...held(eligibility({}), { status: 'error', invalidated: false }), certificateBeforeGeneration: { status: 'error', invalidated: false } },
  'certificates not active': { ...held(eligibility({}), issued), certificateBeforeGeneration: issued, active: false },
} satisfies Record<string, Standing>;
type StandingName = keyof typeof STANDINGS;
const NAMES = Object.keys(STANDINGS) as StandingName[];

/** What a row expects: the message, the buttons, and whether the reason is given below it. */
type Outcome = { message: string | null; actions: CertificateAction[]; detail: 'reason' | null };
const O = {
  none: { message: null, actions: [], detail: null },
  available: { message: MESSAGES.available, actions: [DL], detail: null },
  notYet: { message: MESSAGES.notYetAvailable, actions: [], detail: null },
  notPassed: { message: MESSAGES.notPassed, actions: [], detail: 'reason' },
  notGeneratedYet: { message: MESSAGES.notGeneratedYet, actions: [], detail: 'reason' },
  idVerification: { message: 'Your identity must be verified before a certificate can be issued.', actions: [], detail: null },
  audit: { message: 'The audit track does not include a certificate.', actions: [], detail: null },
  honor: { message: 'The honor track does not include a certificate.', actions: [], detail: null },
  invalidated: { message: MESSAGES.invalidated, actions: [], detail: null },
  error: { message: MESSAGES.failed, actions: [], detail: null },
  notActive: { message: MESSAGES.notActive, actions: [], detail: null },
  onEnd: { message: MESSAGES.availableOn('1 February 2026'), actions: [], detail: null },
  onDate: { message: MESSAGES.availableOn('1 April 2026'), actions: [], detail: null },
  qualified: { message: MESSAGES.qualified, actions: [REQ], detail: null },
  reason: { message: null, actions: [], detail: 'reason' },
} satisfies Record<string, Outcome>;
type Code = keyof typeof O;

/** One outcome per standing, in the order of STANDINGS. */
const row = (...codes: Code[]): Code[] => {
  if (codes.length !== NAMES.length) throw new Error(`a row needs ${NAMES.length} outcomes, got ${codes.length}`);
  return codes;
};
const OVERRIDES: Code[] = ['invalidated', 'error', 'notActive'];

const TIMES = {
  'before the course end, not generated': { now: before, generated: false },
  'before the course end, generated': { now: before, generated: true },
  'after the course end, not generated': { now: afterEnd, generated: false },
  'after the course end, generated': { now: afterEnd, generated: true },
  'after the available date, not generated': { now: afterDate, generated: false },
  'after the available date, generated': { now: afterDate, generated: true },
} as const;
type TimeName = keyof typeof TIMES;

// In bulk (instructor-paced, seed 002). The available date (1 April) is set in every row: only end_with_date reads it.
const BULK_HIDDEN = row('none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', ...OVERRIDES);
const BULK_NOT_GENERATED = row('available', 'notYet', 'notYet', 'notYet', 'notYet', 'notYet', 'notYet', 'notYet', 'notYet', ...OVERRIDES);
const BULK_GENERATED = row('available', 'notGeneratedYet', 'notPassed', 'notPassed', 'notPassed', 'idVerification', 'notGeneratedYet', 'audit', 'honor', ...OVERRIDES);
const NO_INFO = row('available', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', ...OVERRIDES);
const BEFORE_DATE = row('onDate', 'onDate', 'none', 'none', 'none', 'none', 'onDate', 'none', 'none', ...OVERRIDES);

const BULK: Record<DisplayBehavior, Record<TimeName, Code[]>> = {
  // "If the course hasn't ended, then no message is displayed in Progress."
  end: {
    'before the course end, not generated': BULK_HIDDEN,
    'before the course end, generated': BULK_HIDDEN,
    'after the course end, not generated': BULK_NOT_GENERATED,
    'after the course end, generated': BULK_GENERATED,
    'after the available date, not generated': BULK_NOT_GENERATED,
    'after the available date, generated': BULK_GENERATED,
  },
  // Like "end", with the available date for the course end; those who will hold a certificate are told the date.
  end_with_date: {
    'before the course end, not generated': BEFORE_DATE,
    'before the course end, generated': BEFORE_DATE,
    'after the course end, not generated': BEFORE_DATE,
    'after the course end, generated': BEFORE_DATE,
    'after the available date, not generated': BULK_NOT_GENERATED,
    'after the available date, generated': BULK_GENERATED,
  },
  // "Learners with a passing score will be informed when certificates are generated"; nobody else hears anything.
  early_no_info: {
    'before the course end, not generated': NO_INFO,
    'before the course end, generated': NO_INFO,
    'after the course end, not generated': NO_INFO,
    'after the course end, generated': NO_INFO,
    'after the available date, not generated': NO_INFO,
    'after the available date, generated': NO_INFO,
  },
  // "All learners will be informed when certificates are generated."
  early_with_info: {
    'before the course end, not generated': BULK_NOT_GENERATED,
    'before the course end, generated': BULK_GENERATED,
    'after the course end, not generated': BULK_NOT_GENERATED,
    'after the course end, generated': BULK_GENERATED,
    'after the available date, not generated': BULK_NOT_GENERATED,
    'after the available date, generated': BULK_GENERATED,
  },
};

// On demand (self-paced, or instructor-paced with learner-generated certificates): request at any
// time; an issued certificate shows from the moment the display behaviour makes it visible.
const ON_DEMAND_VISIBLE = row('available', 'qualified', 'reason', 'reason', 'reason', 'reason', 'qualified', 'reason', 'reason', ...OVERRIDES);
const onDemandHidden = (until: Code) => row(until, 'qualified', 'reason', 'reason', 'reason', 'reason', 'qualified', 'reason', 'reason', ...OVERRIDES);
const onDemand = (beforeEnd: Code[], afterEndRow: Code[], afterDateRow: Code[]): Record<TimeName, Code[]> => ({
  'before the course end, not generated': beforeEnd,
  'before the course end, generated': beforeEnd,
  'after the course end, not generated': afterEndRow,
  'after the course end, generated': afterEndRow,
  'after the available date, not generated': afterDateRow,
  'after the available date, generated': afterDateRow,
});
const ON_DEMAND: Record<DisplayBehavior, Record<TimeName, Code[]>> = {
  end: onDemand(onDemandHidden('onEnd'), ON_DEMAND_VISIBLE, ON_DEMAND_VISIBLE),
  end_with_date: onDemand(onDemandHidden('onDate'), onDemandHidden('onDate'), ON_DEMAND_VISIBLE),
  // Seed 000: on-demand certificates are downloadable at once under "early_no_info".
  early_no_info: onDemand(ON_DEMAND_VISIBLE, ON_DEMAND_VISIBLE, ON_DEMAND_VISIBLE),
  early_with_info: onDemand(ON_DEMAND_VISIBLE, ON_DEMAND_VISIBLE, ON_DEMAND_VISIBLE),
};
// Self-paced with learner-generated certificates disabled (seed 000: "To prevent learners from
// requesting certificates"): the same rows without a Request button; the course's interval run
// issues, so the qualified are told it has not been generated yet, and why they qualify.
const withoutRequest = (table: Record<TimeName, Code[]>) =>
  Object.fromEntries(Object.entries(table).map(([time, codes]) => [time, codes.map((c): Code => (c === 'qualified' ? 'notGeneratedYet' : c))])) as Record<TimeName, Code[]>;
const SELF_PACED_NO_REQUEST = Object.fromEntries(DISPLAY_BEHAVIORS.map((b) => [b, withoutRequest(ON_DEMAND[b])])) as Record<DisplayBehavior, Record<TimeName, Code[]>>;

const PACINGS: Array<[string, { pacing: Pacing; learnerGeneratedEnabled: boolean }, Record<DisplayBehavior, Record<TimeName, Code[]>>]> = [
  ['self-paced', { pacing: 'self', learnerGeneratedEnabled: true }, ON_DEMAND],
  ['self-paced, learner-generated disabled', { pacing: 'self', learnerGeneratedEnabled: false }, SELF_PACED_NO_REQUEST],
  ['instructor-paced', { pacing: 'instructor', learnerGeneratedEnabled: false }, BULK],
  ['instructor-paced, learner-generated', { pacing: 'instructor', learnerGeneratedEnabled: true }, ON_DEMAND],
];

const cases = PACINGS.flatMap(([pacingName, pacing, table]) =>
  DISPLAY_BEHAVIORS.flatMap((behavior) =>
    (Object.keys(TIMES) as TimeName[]).flatMap((time) =>
      NAMES.map((standing, i) => ({ pacingName, pacing, behavior, time, standing, code: table[behavior][time][i] })),
    ),
  ),
);

describe('decideDisplay: every display behaviour x pacing x time x standing', () => {
  it.each(cases)('$pacingName · $behavior · $time · $standing → $code', ({ pacing, behavior, time, standing, code }) => {
    const s: Standing = STANDINGS[standing];
    const t = TIMES[time];
    const decision = decideDisplay({
      ...pacing,
      behavior,
      certificatesActive: s.active,
      now: t.now,
      courseEnd: end,
      certificateAvailableAt: availableDate,
      certificatesGenerated: t.generated,
      certificate: t.generated || pacing.pacing === 'self' || pacing.learnerGeneratedEnabled ? s.certificate : s.certificateBeforeGeneration,
      eligibility: s.eligibility,
    });
    const expected: Outcome = O[code];
    expect({ message: decision.message, actions: decision.actions, detail: decision.detail }).toEqual({
      message: expected.message,
      actions: expected.actions,
      detail: expected.detail === 'reason' ? s.eligibility.message : null,
    });
    // The course card links the certificate exactly when the Progress page offers its download.
    expect(decision.courseCardDownload).toBe(expected.actions.includes(DL));
  });
});

describe('decideDisplay: the cases the issue names', () => {
  const base: DisplayInput = {
    pacing: 'instructor',
    behavior: 'end',
    learnerGeneratedEnabled: false,
    certificatesActive: true,
    now: afterEnd,
    courseEnd: end,
    certificateAvailableAt: null,
    certificatesGenerated: true,
    certificate: null,
    eligibility: eligibility({}),
  };

  it.each(['end', 'early_with_info'] as const)('%s: a learner with 95%% awaiting ID verification is not told they failed', (behavior) => {
    const pending = eligibility({ grade: 0.95, idVerificationRequired: true });
    const decision = decideDisplay({ ...base, behavior, eligibility: pending, certificate: rowOf(pending) });
    expect(decision.message).toBe('Your identity must be verified before a certificate can be issued.');
    expect(decision.detail).toBeNull();
  });

  it.each(['end', 'early_with_info'] as const)('%s: an allowlisted learner before the exception certificate is told it is coming, and why', (behavior) => {
    const allowlisted = eligibility({ grade: 0.2, allowlisted: true });
    const decision = decideDisplay({ ...base, behavior, eligibility: allowlisted });
    expect(decision.message).toBe(MESSAGES.notGeneratedYet);
    expect(decision.detail).toBe('The course team granted you a certificate exception.');
  });

  it('an honor learner in a course that excludes honor is told about the honor track, not the audit track', () => {
    const honor = eligibility({ mode: 'honor', honorEligible: false });
    expect(decideDisplay({ ...base, eligibility: honor, certificate: rowOf(honor) }).message).toBe('The honor track does not include a certificate.');
  });

  it('early_no_info: a failing learner sees nothing at all, no message and no reason', () => {
    const failing = eligibility({ grade: 0.3 });
    const decision = decideDisplay({ ...base, behavior: 'early_no_info', eligibility: failing, certificate: rowOf(failing) });
    expect(decision).toMatchObject({ message: null, detail: null, actions: [] });
  });

  it.each<[string, Partial<DisplayInput>]>([
    ['self-paced', { pacing: 'self', learnerGeneratedEnabled: true }],
    ['learner-generated', { learnerGeneratedEnabled: true }],
  ])('%s: a qualified learner of a course whose certificates are not active is offered no request', (_name, overrides) => {
    const decision = decideDisplay({ ...base, ...overrides, certificatesActive: false });
    expect(decision).toMatchObject({ message: MESSAGES.notActive, actions: [], courseCardDownload: false });
  });

  it('on demand under end_with_date: requested early, the certificate shows its date until then', () => {
    const input = { ...base, pacing: 'self' as const, behavior: 'end_with_date' as const, certificateAvailableAt: availableDate, certificate: issued };
    expect(decideDisplay({ ...input, now: afterEnd })).toMatchObject({ message: MESSAGES.availableOn('1 April 2026'), actions: [], courseCardDownload: false });
    expect(decideDisplay({ ...input, now: availableDate })).toMatchObject({ message: MESSAGES.available, actions: [DL], courseCardDownload: true });
  });
});
