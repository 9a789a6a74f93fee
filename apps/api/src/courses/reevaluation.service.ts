import { Injectable } from '@nestjs/common';
import { CoursesRepository, EnrollmentsRepository, IssuanceRepository } from '../../../shared/repositories';
import type { CourseRecord } from '../../../shared/repositories/courses.repository';
import { ConflictError } from '../common/errors';
import { GenerationService } from '../generation/generation.service';

/**
 * Whether a rule change reaches certificates already issued: after the course team generated
 * them, or, in a course that issues on demand, as soon as one learner holds one (seed 002: "You can
 * change the Overall Grade Range even after you started generating the certificates [...] It's
 * retroactive.").
 */
export function certificatesIssued(course: Pick<CourseRecord, 'certificatesGeneratedAt'>, certificatesHeld: number): boolean {
  return course.certificatesGeneratedAt !== null || certificatesHeld > 0;
}

/**
 * What a new passing grade means: `none` when it does not change, `prospective` before certificates
 * were issued, `retroactive` after (the learners concerned must then be re-evaluated).
 */
export function passingGradeChange(
  course: Pick<CourseRecord, 'passingGrade' | 'certificatesGeneratedAt'>,
  passingGrade: number | undefined,
  certificatesHeld = 0,
): 'none' | 'prospective' | 'retroactive' {
  if (passingGrade === undefined || passingGrade === course.passingGrade.toNumber()) return 'none';
  return certificatesIssued(course, certificatesHeld) ? 'retroactive' : 'prospective';
}

const learners = (n: number) => `${n} learner${n === 1 ? '' : 's'}`;

/** The regrade policy: when a change after grading re-evaluates certificates, and for whom. */
@Injectable()
export class ReevaluationService {
  constructor(
    private readonly courses: CoursesRepository,
    private readonly enrollments: EnrollmentsRepository,
    private readonly generation: GenerationService,
    private readonly issuance: IssuanceRepository,
  ) {}

  /**
   * Once grades are final, a change of standing (regrade, new completion) re-evaluates the
   * learners concerned (all when learnerIds is null): a flag on their enrollment, and one regrade
   * task for the course.
   */
  async reevaluateAfterFinalization(courseId: string, learnerIds: string[] | null, why: string): Promise<void> {
    const course = await this.courses.findReevaluationState(courseId);
    if (!course?.gradesFinalizedAt || !course.certificatesActive) return;
    const flagged = await this.enrollments.flagPendingReevaluation(courseId, learnerIds);
    if (flagged > 0) await this.generation.requestGeneration(courseId, { kind: 'regrade', requestedBy: why });
  }

  /**
   * A new passing grade after certificates were issued is retroactive: refused unless confirmed,
   * the refusal saying how many holders would lose their certificate. Returns whether learners must
   * be re-evaluated once the change is saved (reevaluateAfterRuleChange).
   */
  async checkPassingGradeChange(course: CourseRecord, passingGrade: number | undefined, confirmed: boolean | undefined): Promise<boolean> {
    if (passingGradeChange(course, passingGrade) === 'none') return false;
    const change = passingGradeChange(course, passingGrade, await this.issuance.countHolders(course.id));
    if (change === 'retroactive' && !confirmed) {
      const affected = await this.issuance.countHoldersBelow(course.id, passingGrade!);
      throw new ConflictError(
        `certificates were already issued: a new passing grade is retroactive and re-evaluates every learner; ${learners(affected)} holding a certificate would lose it; send confirmRetroactive: true to go ahead`,
      );
    }
    return change === 'retroactive';
  }

  /**
   * A lesson change that makes a lesson required, after certificates were issued, is retroactive
   * like a new passing grade: refused unless confirmed, with the count of holders who would lose
   * their certificate. Returns whether learners must be re-evaluated once it is saved.
   */
  async checkLessonRuleChange(course: CourseRecord, lessons: Array<{ id: string; required: boolean }>, confirmed: boolean | undefined): Promise<boolean> {
    const { madeRequired, holdersAffected } = await this.issuance.lessonRuleChange(course.id, lessons);
    if (madeRequired === 0 || !certificatesIssued(course, await this.issuance.countHolders(course.id))) return false;
    if (!confirmed) {
      throw new ConflictError(
        `certificates were already issued: making a lesson required is retroactive and re-evaluates every learner; ${learners(holdersAffected)} holding a certificate would lose it; send confirmRetroactive: true to go ahead`,
      );
    }
    return true;
  }

  /**
   * After a confirmed rule change: a course whose certificates were generated re-evaluates every
   * learner (a task for all learners, as before); a course that issues on demand re-evaluates the
   * learners holding a certificate, or whose certificate an earlier change withdrew (a regrade
   * task). Returns the task's id; null when nobody needed it.
   */
  async reevaluateAfterRuleChange(course: CourseRecord, requestedBy: string | undefined): Promise<string | null> {
    const by = requestedBy ?? 'grading policy change';
    if (course.certificatesGeneratedAt) return (await this.generation.requestGeneration(course.id, { kind: 'all_learners', requestedBy: by })).id;
    if ((await this.issuance.flagHoldersForReevaluation(course.id)) === 0) return null;
    return (await this.generation.requestGeneration(course.id, { kind: 'regrade', requestedBy: by })).id;
  }
}
