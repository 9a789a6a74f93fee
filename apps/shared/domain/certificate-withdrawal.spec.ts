import { decideEligibility } from './certificate-rules';
import { isWithdrawal, withdrawalNotes } from './certificate-withdrawal';

describe('isWithdrawal', () => {
  const passed = decideEligibility({ mode: 'verified', grade: 0.9, passingGrade: 0.6 });
  const failed = decideEligibility({ mode: 'verified', grade: 0.5, passingGrade: 0.6 });
  it.each([
    ['an issued certificate, now failing', 'downloadable', failed, true],
    ['an issued certificate, still passing', 'downloadable', passed, false],
    ['no certificate yet, failing', null, failed, false],
    ['already not passing', 'notpassing', failed, false],
    ['in error, failing', 'error', failed, false],
  ] as const)('%s', (_why, previous, decision, expected) => {
    expect(isWithdrawal(previous, decision)).toBe(expected);
  });
});

describe('withdrawalNotes', () => {
  const facts = { grade: 0.55, passingGrade: 0.6, requiredLessons: { total: 2, completed: 1 }, requestedBy: 'regrade' };
  it('names the grade and the passing grade', () => {
    const decision = decideEligibility({ mode: 'verified', grade: 0.55, passingGrade: 0.6 });
    expect(withdrawalNotes(decision, facts)).toBe('Withdrawn: grade 55% is below the passing grade of 60% (re-evaluation requested by regrade)');
  });
  it('names the required lessons', () => {
    const decision = decideEligibility({ mode: 'verified', grade: 0.9, passingGrade: 0.6, requiredLessons: { total: 2, completed: 1 } });
    expect(withdrawalNotes(decision, { ...facts, requestedBy: null })).toBe('Withdrawn: 1 of 2 required lessons completed');
  });
  it('falls back to the rule message', () => {
    const decision = decideEligibility({ mode: 'verified', grade: 0.9, passingGrade: 0.6, idVerificationRequired: true, idVerified: false });
    expect(withdrawalNotes(decision, { ...facts, requestedBy: null })).toBe('Withdrawn: Your identity must be verified before a certificate can be issued.');
  });
});
