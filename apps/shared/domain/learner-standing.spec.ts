import { decideEligibility } from './certificate-rules';
import { eligibilityOf, type CourseFacts, type LearnerStanding } from './learner-standing';

const course: CourseFacts = {
  id: 'course-v1:X+Y+Z',
  title: 'Course',
  passingGrade: 0.7,
  showsGrade: true,
  honorEligible: true,
  idVerificationRequired: false,
  requiredLessons: 2,
};

const standing: LearnerStanding = {
  learnerId: 'ada',
  name: 'Ada',
  email: 'ada@example.org',
  mode: 'verified',
  grade: 0.8,
  idVerified: false,
  allowlisted: false,
  requiredDone: 2,
  certificateId: null,
  certificateStatus: null,
  hasCredential: false,
  statusList: null,
  statusIndex: null,
  invalidated: false,
};

describe('eligibilityOf', () => {
  it.each<[string, Partial<CourseFacts>, Partial<LearnerStanding>, string]>([
    ['passing, lessons done', {}, {}, 'passed'],
    ['lessons missing', {}, { requiredDone: 1 }, 'required_lessons_incomplete'],
    ['below the course passing grade', { passingGrade: 0.9 }, {}, 'grade_below_passing'],
    ['honor excluded by the course', { honorEligible: false }, { mode: 'honor' }, 'mode_not_eligible'],
    ['identity required, not verified', { idVerificationRequired: true }, {}, 'id_verification_required'],
    ['identity required and verified', { idVerificationRequired: true }, { idVerified: true }, 'passed'],
    ['allowlisted with a failing grade', {}, { grade: 0.1, allowlisted: true }, 'allowlisted'],
    ['invalidated', {}, { invalidated: true }, 'invalidated'],
  ])('%s', (_name, courseOverrides, standingOverrides, reason) => {
    expect(eligibilityOf({ ...course, ...courseOverrides }, { ...standing, ...standingOverrides }).reason).toBe(reason);
  });

  it('passes every fact the rule reads, nothing else decides', () => {
    const s = { ...standing, grade: 0.65, requiredDone: 1 };
    expect(eligibilityOf(course, s)).toEqual(
      decideEligibility({
        mode: 'verified',
        grade: 0.65,
        passingGrade: 0.7,
        honorEligible: true,
        requiredLessons: { total: 2, completed: 1 },
        allowlisted: false,
        invalidated: false,
        idVerificationRequired: false,
        idVerified: false,
      }),
    );
  });
});
