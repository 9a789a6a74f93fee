import { Injectable } from '@nestjs/common';
import { CoursesRepository, EnrollmentsRepository } from '../../../shared/repositories';
import type { CourseRecord } from '../../../shared/repositories/courses.repository';
import { ConflictError } from '../common/errors';
import { GenerationService } from '../generation/generation.service';

/**
 * What a new passing grade means: `none` when it does not change, `prospective` before certificates
 * were generated, `retroactive` after (every learner must then be re-evaluated).
 */
export function passingGradeChange(
  course: Pick<CourseRecord, 'passingGrade' | 'certificatesGeneratedAt'>,
  passingGrade: number | undefined,
): 'none' | 'prospective' | 'retroactive' {
  if (passingGrade === undefined || passingGrade === course.passingGrade.toNumber()) return 'none';
  return course.certificatesGeneratedAt ? 'retroactive' : 'prospective';
}

/** The regrade policy: when a change after grading re-evaluates certificates, and for whom. */
@Injectable()
export class ReevaluationService {
  constructor(
    private readonly courses: CoursesRepository,
    private readonly enrollments: EnrollmentsRepository,
    private readonly generation: GenerationService,
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
   * A new passing grade after certificates were generated is retroactive: refused unless confirmed.
   * Returns whether every learner must be re-evaluated once the change is saved (reevaluateAllLearners).
   */
  checkPassingGradeChange(course: CourseRecord, passingGrade: number | undefined, confirmed: boolean | undefined): boolean {
    const change = passingGradeChange(course, passingGrade);
    if (change === 'retroactive' && !confirmed) {
      throw new ConflictError(
        'certificates were already generated: a new passing grade is retroactive and re-evaluates every learner; send confirmRetroactive: true to go ahead',
      );
    }
    return change === 'retroactive';
  }

  /** Queues the task that re-evaluates every learner of the course; returns its id. */
  async reevaluateAllLearners(courseId: string, requestedBy: string | undefined): Promise<string> {
    const task = await this.generation.requestGeneration(courseId, { kind: 'all_learners', requestedBy: requestedBy ?? 'grading policy change' });
    return task.id;
  }
}
