import { decideEligibility, isPassing, type EligibilityInput } from './certificate-rules';

const base: EligibilityInput = { mode: 'verified', grade: 0.8, passingGrade: 0.7 };

describe('decideEligibility', () => {
  it.each<[string, Partial<EligibilityInput>, string, string]>([
    ['verified and passing', {}, 'downloadable', 'passed'],
    ['exactly at the threshold', { grade: 0.7 }, 'downloadable', 'passed'],
    ['just below the threshold', { grade: 0.6999 }, 'notpassing', 'grade_below_passing'],
    ['no grade yet', { grade: null }, 'notpassing', 'no_grade'],
    ['audit and passing', { mode: 'audit' }, 'audit_passing', 'mode_not_eligible'],
    ['audit and failing', { mode: 'audit', grade: 0.1 }, 'audit_notpassing', 'mode_not_eligible'],
    ['audit even when allowlisted', { mode: 'audit', allowlisted: true }, 'audit_passing', 'mode_not_eligible'],
    ['honor is eligible by default', { mode: 'honor' }, 'downloadable', 'passed'],
    ['honor when the course excludes it', { mode: 'honor', honorEligible: false }, 'audit_passing', 'mode_not_eligible'],
    ['allowlisted overrides a failing grade', { grade: 0.2, allowlisted: true }, 'downloadable', 'allowlisted'],
    ['allowlisted overrides missing lessons', { requiredLessons: { total: 3, completed: 0 }, allowlisted: true }, 'downloadable', 'allowlisted'],
    ['invalidation blocks a passing learner', { invalidated: true }, 'unavailable', 'invalidated'],
    ['invalidation blocks an allowlisted learner', { invalidated: true, allowlisted: true }, 'unavailable', 'invalidated'],
    ['required lessons incomplete', { requiredLessons: { total: 3, completed: 2 } }, 'notpassing', 'required_lessons_incomplete'],
    ['required lessons complete', { requiredLessons: { total: 3, completed: 3 } }, 'downloadable', 'passed'],
    ['no required lessons', { requiredLessons: { total: 0, completed: 0 } }, 'downloadable', 'passed'],
    ['ID verification missing', { idVerificationRequired: true }, 'unavailable', 'id_verification_required'],
    ['ID verification done', { idVerificationRequired: true, idVerified: true }, 'downloadable', 'passed'],
  ])('%s', (_name, overrides, status, reason) => {
    const decision = decideEligibility({ ...base, ...overrides });
    expect(decision.status).toBe(status);
    expect(decision.reason).toBe(reason);
    expect(decision.eligible).toBe(status === 'downloadable');
    expect(decision.message.length).toBeGreaterThan(10);
  });

  it('explains a failing grade in percent', () => {
    expect(decideEligibility({ ...base, grade: 0.655 }).message).toBe(
      'Your grade 65.5% is below the passing grade of 70%.',
    );
  });
});

describe('isPassing', () => {
  it('compares at four decimals so float noise never fails a learner', () => {
    expect(isPassing(0.1 + 0.2, 0.3)).toBe(true);
    expect(isPassing(0.29996, 0.3)).toBe(true);
    expect(isPassing(0.2999, 0.3)).toBe(false);
  });
});
