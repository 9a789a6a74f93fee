import { activationCheck, describeCompletionRule, startRefusal, startReminder } from './course-activation';

describe('enabling certificates (seed 002)', () => {
  it.each([
    [{ passingGrade: 0.7, requiredLessons: 0, optionalLessons: 0 }, 'Learners earn a certificate with an overall grade of at least 70% (grade range 70%–100%) and no lesson required.'],
    [{ passingGrade: 0.655, requiredLessons: 1, optionalLessons: 1 }, 'Learners earn a certificate with an overall grade of at least 65.5% (grade range 65.5%–100%) and the 1 required lesson completed (1 optional lesson does not count).'],
    [{ passingGrade: 0.5, requiredLessons: 3, optionalLessons: 2 }, 'Learners earn a certificate with an overall grade of at least 50% (grade range 50%–100%) and all 3 required lessons completed (2 optional lessons do not count).'],
  ])('describes the completion rule %j', (rule, text) => {
    expect(describeCompletionRule(rule)).toBe(text);
    expect(activationCheck(rule)).toBe(`Before enabling certificates, check that the completion rule and the grade range are what you want. ${text}`);
  });

  const now = new Date('2026-11-30T12:00:00Z');
  it.each([
    [false, '2026-11-30T12:00:00Z', true],
    [false, '2026-11-29T12:00:00Z', true],
    [false, '2026-11-30T12:00:01Z', false],
    [true, '2026-11-29T12:00:00Z', false],
  ])('certificates active %s, start %s: the start is refused %s', (certificatesActive, startAt, refused) => {
    expect(startRefusal({ certificatesActive, startAt: new Date(startAt) }, now) !== null).toBe(refused);
  });

  it('reminds the course team before the start, and says so when the start has passed without certificates', () => {
    expect(startReminder({ certificatesActive: true, startAt: new Date('2026-12-05T00:00:00Z') }, now)).toBeNull();
    expect(startReminder({ certificatesActive: false, startAt: new Date('2026-12-05T00:00:00Z') }, now)).toBe('Activate the certificates before the course starts on 5 December 2026: it cannot start until they are.');
    expect(startReminder({ certificatesActive: false, startAt: new Date('2026-11-01T00:00:00Z') }, now)).toBe(
      'The course start date (1 November 2026) has passed and its certificates are not activated: learners cannot earn them until they are.',
    );
  });
});
