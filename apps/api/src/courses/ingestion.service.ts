import { Injectable } from '@nestjs/common';
import { CoursesRepository, EnrollmentsRepository, IssuanceRepository, PlannerStatisticsRepository } from '../../../shared/repositories';
import { NotFoundError, ValidationError } from '../common/errors';
import type { CompletionsDto, EnrollLearnersDto, LessonsDto, RecordGradesDto } from './courses.schemas';
import { ReevaluationService } from './reevaluation.service';

/** What the LMS sends us: learners and enrollments, grades, lessons and lesson completions. */
@Injectable()
export class IngestionService {
  constructor(
    private readonly courses: CoursesRepository,
    private readonly enrollments: EnrollmentsRepository,
    private readonly reevaluation: ReevaluationService,
    private readonly issuance: IssuanceRepository,
    private readonly statistics: PlannerStatisticsRepository,
  ) {}

  /** Upserts learners and their enrollments; sending the same batch twice leaves the same state. */
  async enrollLearners(courseId: string, dto: EnrollLearnersDto) {
    const course = await this.courses.findCourse(courseId);
    if (!course) throw new NotFoundError('course', courseId);
    // A learner twice in one batch is refused by row: which of the two rows the LMS meant is not ours to guess.
    const duplicates = [
      ...findDuplicates(dto.enrollments.map((e) => e.learnerId)).map((i) => ({ field: `body.enrollments.${i}.learnerId`, message: 'appears more than once in this batch' })),
      ...findDuplicates(dto.enrollments.map((e) => e.email)).map((i) => ({ field: `body.enrollments.${i}.email`, message: 'appears more than once in this batch' })),
    ];
    if (duplicates.length) throw new ValidationError(duplicates.sort((a, b) => rowOf(a.field) - rowOf(b.field)));
    const emailOwners = await this.enrollments.findLearnersByEmail(dto.enrollments.map((e) => e.email));
    const ownerOf = new Map(emailOwners.map((l) => [l.email, l.id]));
    const clashes = dto.enrollments
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => ownerOf.has(e.email) && ownerOf.get(e.email) !== e.learnerId);
    if (clashes.length) {
      throw new ValidationError(
        clashes.map(({ i }) => ({ field: `body.enrollments.${i}.email`, message: 'already belongs to another learner' })),
      );
    }
    // An identity verified after grading is a change of standing, like a regrade.
    const verifiedNow = course.idVerificationRequired
      ? await this.issuance.listUnverifiedLearners(dto.enrollments.filter((e) => e.idVerified === true).map((e) => e.learnerId))
      : [];
    await this.enrollments.enrollLearners(courseId, dto.enrollments);
    void this.statistics.refreshSoon(['learners', 'enrollments']);
    if (verifiedNow.length) await this.reevaluation.reevaluateAfterFinalization(courseId, verifiedNow, 'identity verified');
    return { courseId, enrolled: dto.enrollments.length };
  }

  /** Records current grades; every learner must already be enrolled, or nothing is written. */
  async recordGrades(courseId: string, dto: RecordGradesDto) {
    await this.requireCourse(courseId);
    const known = new Set(await this.enrollments.listEnrolledLearnerIds(courseId, dto.grades.map((g) => g.learnerId)));
    const unknown = dto.grades.map((g, i) => ({ g, i })).filter(({ g }) => !known.has(g.learnerId));
    if (unknown.length) {
      throw new ValidationError(
        unknown.map(({ g, i }) => ({ field: `body.grades.${i}.learnerId`, message: `${g.learnerId} is not enrolled in ${courseId}` })),
      );
    }
    // After finalization a new grade is a regrade: it replaces the final grade too.
    const finalized = (await this.courses.gradesFinalizedAt(courseId)) !== null;
    // A learner graded twice in one batch keeps the later grade, as if the rows were applied in order.
    const latest = new Map(dto.grades.map((g) => [g.learnerId, g]));
    await this.enrollments.recordGrades(courseId, [...latest.values()], finalized);
    void this.statistics.refreshSoon(['enrollments']);
    if (finalized) await this.reevaluation.reevaluateAfterFinalization(courseId, [...latest.keys()], 'regrade');
    return { courseId, recorded: dto.grades.length };
  }

  /**
   * Upserts lessons. Making a lesson required once certificates were issued is retroactive: refused
   * unless confirmed (with the count of holders who would lose their certificate), then the
   * learners concerned are re-evaluated.
   */
  async upsertLessons(courseId: string, dto: LessonsDto) {
    const course = await this.courses.findCourse(courseId);
    if (!course) throw new NotFoundError('course', courseId);
    const duplicates = findDuplicates(dto.lessons.map((l) => l.id));
    if (duplicates.length) {
      throw new ValidationError(duplicates.map((i) => ({ field: `body.lessons.${i}.id`, message: 'appears more than once in this batch' })));
    }
    const retroactive = await this.reevaluation.checkLessonRuleChange(course, dto.lessons, dto.confirmRetroactive);
    await this.courses.upsertLessons(courseId, dto.lessons);
    if (retroactive && !course.gradesFinalizedAt) await this.reevaluation.reevaluateAfterRuleChange(course, 'lesson requirements changed');
    else await this.reevaluation.reevaluateAfterFinalization(courseId, null, 'lesson requirements changed');
    return { courseId, lessons: dto.lessons.length };
  }

  /** Records lesson completions (idempotent); every row must name an enrolled learner and a known lesson. */
  async recordCompletions(courseId: string, dto: CompletionsDto) {
    await this.requireCourse(courseId);
    const [enrolled, lessons] = await Promise.all([
      this.enrollments.listEnrolledLearnerIds(courseId, [...new Set(dto.completions.map((c) => c.learnerId))]),
      this.courses.findLessonIds(courseId, [...new Set(dto.completions.map((c) => c.lessonId))]),
    ]);
    const knownLearners = new Set(enrolled);
    const knownLessons = new Set(lessons);
    const problems = dto.completions.flatMap((c, i) => [
      ...(knownLearners.has(c.learnerId) ? [] : [{ field: `body.completions.${i}.learnerId`, message: `${c.learnerId} is not enrolled in ${courseId}` }]),
      ...(knownLessons.has(c.lessonId) ? [] : [{ field: `body.completions.${i}.lessonId`, message: `${c.lessonId} is not a lesson of ${courseId}` }]),
    ]);
    if (problems.length) throw new ValidationError(problems);
    const recorded = await this.enrollments.recordCompletions(
      courseId,
      dto.completions.map((c) => ({ learnerId: c.learnerId, lessonId: c.lessonId, completedAt: c.completedAt ?? new Date() })),
    );
    if (recorded > 0) {
      void this.statistics.refreshSoon(['lesson_completions']);
      await this.reevaluation.reevaluateAfterFinalization(courseId, [...new Set(dto.completions.map((c) => c.learnerId))], 'lesson completions changed');
    }
    return { courseId, recorded };
  }

  private async requireCourse(courseId: string): Promise<void> {
    if (!(await this.courses.courseExists(courseId))) throw new NotFoundError('course', courseId);
  }
}

/** Indexes of the values already seen earlier in the list. */
export function findDuplicates(values: string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((v, i) => (seen.has(v) ? [i] : (seen.add(v), [])));
}

/** The row index of a `body.<list>.<index>.<column>` field. */
function rowOf(field: string): number {
  return Number(field.split('.')[2]);
}
