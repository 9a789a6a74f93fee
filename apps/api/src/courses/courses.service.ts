import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Prisma } from '../../../../prisma/generated/client';
import type { AppConfig } from '../../../shared/config';
import { activeInvalidationWhere } from '../../../shared/certificate-validity.sql';
import type { Database } from '../../../shared/database';
import { verifyPageUrl } from '../../../shared/domain/public-urls';
import { isValidCertificate } from '../../../shared/domain/certificate-validity';
import { courseWorkflowId, lifecycleInput } from '../../../shared/temporal';
import { courseLifecycleWorkflow } from '../../../../workflows/course-lifecycle';
import { lifecycleStateQuery, scheduleChangedSignal, type LifecycleState } from '../../../../workflows/definitions';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { CONFIG, DATABASE, TEMPORAL_CLIENT } from '../common/tokens';
import { GenerationService } from '../generation/generation.service';
import type { ActivationDto, CompletionsDto, CreateCourseDto, EnrollLearnersDto, LessonsDto, RecordGradesDto, UpdateCourseDto } from './courses.schemas';

type CourseRow = NonNullable<Awaited<ReturnType<Database['course']['findUnique']>>>;

export function courseView(course: CourseRow) {
  return {
    id: course.id,
    title: course.title,
    pacing: course.pacing,
    startAt: course.startAt.toISOString(),
    endAt: course.endAt.toISOString(),
    passingGrade: course.passingGrade.toNumber(),
    displayBehavior: course.displayBehavior,
    certificateAvailableAt: course.certificateAvailableAt?.toISOString() ?? null,
    certificatesActive: course.certificatesActive,
    learnerGeneratedEnabled: course.learnerGeneratedEnabled,
    honorEligible: course.honorEligible,
    idVerificationRequired: course.idVerificationRequired,
    certificateShowsGrade: course.certificateShowsGrade,
    certificateTemplate: course.certificateTemplate,
    certificateMailCc: course.certificateMailCc,
    gradesFinalizedAt: course.gradesFinalizedAt?.toISOString() ?? null,
    certificatesGeneratedAt: course.certificatesGeneratedAt?.toISOString() ?? null,
    workflowId: courseWorkflowId(course.id),
  };
}

@Injectable()
export class CoursesService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly generation: GenerationService,
  ) {}

  /**
   * Creates the course and starts its lifecycle workflow. Repeating the same request is safe:
   * the course is left as it is and the workflow (deterministic id) is not started twice.
   */
  async createCourse(dto: CreateCourseDto): Promise<{ created: boolean; course: ReturnType<typeof courseView> }> {
    const startAt = dto.startAt ?? new Date();
    const existing = await this.db.course.findUnique({ where: { id: dto.id } });
    let course = existing;
    if (existing) {
      const same =
        existing.title === dto.title &&
        existing.pacing === dto.pacing &&
        existing.endAt.getTime() === dto.endAt.getTime() &&
        existing.passingGrade.toNumber() === dto.passingGrade &&
        (!dto.startAt || existing.startAt.getTime() === dto.startAt.getTime());
      if (!same) throw new ConflictError(`course ${dto.id} already exists with different settings`);
    } else {
      const { id, startAt: _startAt, ...settings } = dto;
      course = await this.db.course.upsert({ where: { id }, create: { id, startAt, ...withJsonNulls(settings) }, update: {} });
    }
    if (course!.certificatesActive) await this.startLifecycle(dto.id);
    return { created: !existing, course: courseView(course!) };
  }

  private async startLifecycle(courseId: string): Promise<void> {
    try {
      await this.temporal.workflow.start(courseLifecycleWorkflow, {
        workflowId: courseWorkflowId(courseId),
        taskQueue: this.config.temporal.taskQueue,
        args: [lifecycleInput(this.config, courseId)],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  async getCourse(courseId: string) {
    const course = await this.db.course.findUnique({ where: { id: courseId } });
    if (!course) throw new NotFoundError('course', courseId);
    const [enrollments, certificates, latestTask] = await Promise.all([
      this.db.enrollment.count({ where: { courseId } }),
      this.db.certificate.groupBy({ by: ['status'], where: { courseId }, _count: { _all: true } }),
      this.db.generationTask.findFirst({ where: { courseId }, orderBy: { requestedAt: 'desc' } }),
    ]);
    return {
      ...courseView(course),
      enrollments,
      certificates: Object.fromEntries(certificates.map((g) => [g.status, g._count._all])),
      latestGeneration: latestTask ? await this.generation.describeTask(latestTask) : null,
      lifecycle: await this.lifecycleState(courseId),
    };
  }

  private async lifecycleState(courseId: string): Promise<LifecycleState | null> {
    const handle = this.temporal.workflow.getHandle(courseWorkflowId(courseId));
    try {
      return await handle.query(lifecycleStateQuery);
    } catch {
      // A finished run still answers queries; only a missing workflow lands here.
      return null;
    }
  }

  /**
   * Changes the end date (the waiting workflow re-reads it) and certificate settings. A new
   * passing grade after certificates were generated is retroactive: refused unless confirmed,
   * then every learner is re-evaluated by a generation task.
   */
  async updateCourse(courseId: string, dto: UpdateCourseDto) {
    const course = await this.db.course.findUnique({ where: { id: courseId } });
    if (!course) throw new NotFoundError('course', courseId);
    const { confirmRetroactive, changedBy, ...changes } = dto;
    if (changes.endAt && course.gradesFinalizedAt) throw new ConflictError(`course ${courseId} has ended and its grades are final`);
    if (changes.endAt && changes.endAt <= course.startAt) throw new ValidationError([{ field: 'body.endAt', message: 'must be after the course start' }]);
    const gradeChanged = changes.passingGrade !== undefined && changes.passingGrade !== course.passingGrade.toNumber();
    if (gradeChanged && course.certificatesGeneratedAt && !confirmRetroactive) {
      throw new ConflictError(
        'certificates were already generated: a new passing grade is retroactive and re-evaluates every learner; send confirmRetroactive: true to go ahead',
      );
    }
    const updated = await this.db.course.update({ where: { id: courseId }, data: withJsonNulls(changes) });
    if (changes.endAt) await this.temporal.workflow.getHandle(courseWorkflowId(courseId)).signal(scheduleChangedSignal);
    let reevaluation = null;
    if (gradeChanged && course.certificatesGeneratedAt) {
      reevaluation = await this.generation.requestGeneration(courseId, { kind: 'all_learners', requestedBy: changedBy ?? 'grading policy change' });
    }
    return { ...courseView(updated), reevaluationTaskId: reevaluation?.id ?? null };
  }

  /** Activation starts the course's lifecycle; deactivation stops new issuance, keeps what exists. */
  async setActivation(courseId: string, dto: ActivationDto) {
    const course = await this.db.course.findUnique({ where: { id: courseId } });
    if (!course) throw new NotFoundError('course', courseId);
    const updated = await this.db.course.update({ where: { id: courseId }, data: { certificatesActive: dto.active } });
    if (dto.active) await this.startLifecycle(courseId);
    return courseView(updated);
  }

  async upsertLessons(courseId: string, dto: LessonsDto) {
    await this.requireCourse(courseId);
    const duplicates = findDuplicates(dto.lessons.map((l) => l.id));
    if (duplicates.length) {
      throw new ValidationError(duplicates.map((i) => ({ field: `body.lessons.${i}.id`, message: 'appears more than once in this batch' })));
    }
    await this.db.$transaction(
      dto.lessons.map((l) =>
        this.db.lesson.upsert({
          where: { courseId_id: { courseId, id: l.id } },
          create: { courseId, ...l },
          update: { title: l.title, required: l.required, position: l.position },
        }),
      ),
    );
    await this.reevaluateAfterFinalization(courseId, null, 'lesson requirements changed');
    return { courseId, lessons: dto.lessons.length };
  }

  /** Records lesson completions (idempotent); every row must name an enrolled learner and a known lesson. */
  async recordCompletions(courseId: string, dto: CompletionsDto) {
    await this.requireCourse(courseId);
    const [enrolled, lessons] = await Promise.all([
      this.db.enrollment.findMany({ where: { courseId, learnerId: { in: dto.completions.map((c) => c.learnerId) } }, select: { learnerId: true } }),
      this.db.lesson.findMany({ where: { courseId, id: { in: dto.completions.map((c) => c.lessonId) } }, select: { id: true } }),
    ]);
    const knownLearners = new Set(enrolled.map((e) => e.learnerId));
    const knownLessons = new Set(lessons.map((l) => l.id));
    const problems = dto.completions.flatMap((c, i) => [
      ...(knownLearners.has(c.learnerId) ? [] : [{ field: `body.completions.${i}.learnerId`, message: `${c.learnerId} is not enrolled in ${courseId}` }]),
      ...(knownLessons.has(c.lessonId) ? [] : [{ field: `body.completions.${i}.lessonId`, message: `${c.lessonId} is not a lesson of ${courseId}` }]),
    ]);
    if (problems.length) throw new ValidationError(problems);
    const result = await this.db.lessonCompletion.createMany({
      data: dto.completions.map((c) => ({ courseId, learnerId: c.learnerId, lessonId: c.lessonId, completedAt: c.completedAt ?? new Date() })),
      skipDuplicates: true,
    });
    if (result.count > 0) {
      await this.reevaluateAfterFinalization(courseId, [...new Set(dto.completions.map((c) => c.learnerId))], 'lesson completions changed');
    }
    return { courseId, recorded: result.count };
  }

  /**
   * Once grades are final, a change of standing (regrade, new completion) re-evaluates the
   * learners concerned: a flag on their enrollment, and one regrade task for the course.
   */
  private async reevaluateAfterFinalization(courseId: string, learnerIds: string[] | null, why: string): Promise<void> {
    const course = await this.db.course.findUnique({ where: { id: courseId }, select: { gradesFinalizedAt: true, certificatesActive: true } });
    if (!course?.gradesFinalizedAt || !course.certificatesActive) return;
    const flagged = await this.db.enrollment.updateMany({
      where: { courseId, ...(learnerIds ? { learnerId: { in: learnerIds } } : {}) },
      data: { pendingReevaluation: true },
    });
    if (flagged.count > 0) await this.generation.requestGeneration(courseId, { kind: 'regrade', requestedBy: why });
  }

  /** Upserts learners and their enrollments; sending the same batch twice leaves the same state. */
  async enrollLearners(courseId: string, dto: EnrollLearnersDto) {
    await this.requireCourse(courseId);
    const duplicates = findDuplicates(dto.enrollments.map((e) => e.learnerId));
    if (duplicates.length) {
      throw new ValidationError(
        duplicates.map((i) => ({ field: `body.enrollments.${i}.learnerId`, message: 'appears more than once in this batch' })),
      );
    }
    const emailOwners = await this.db.learner.findMany({
      where: { email: { in: dto.enrollments.map((e) => e.email) } },
      select: { id: true, email: true },
    });
    const ownerOf = new Map(emailOwners.map((l) => [l.email, l.id]));
    const clashes = dto.enrollments
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => ownerOf.has(e.email) && ownerOf.get(e.email) !== e.learnerId);
    if (clashes.length) {
      throw new ValidationError(
        clashes.map(({ i }) => ({ field: `body.enrollments.${i}.email`, message: 'already belongs to another learner' })),
      );
    }
    await this.db.$transaction(
      dto.enrollments.flatMap((e) => [
        this.db.learner.upsert({
          where: { id: e.learnerId },
          create: { id: e.learnerId, email: e.email, name: e.name, idVerified: e.idVerified ?? false },
          update: { email: e.email, name: e.name, ...(e.idVerified === undefined ? {} : { idVerified: e.idVerified }) },
        }),
        this.db.enrollment.upsert({
          where: { courseId_learnerId: { courseId, learnerId: e.learnerId } },
          create: { courseId, learnerId: e.learnerId, mode: e.mode },
          update: { mode: e.mode },
        }),
      ]),
    );
    return { courseId, enrolled: dto.enrollments.length };
  }

  /** Records current grades; every learner must already be enrolled, or nothing is written. */
  async recordGrades(courseId: string, dto: RecordGradesDto) {
    await this.requireCourse(courseId);
    const enrolled = await this.db.enrollment.findMany({
      where: { courseId, learnerId: { in: dto.grades.map((g) => g.learnerId) } },
      select: { learnerId: true },
    });
    const known = new Set(enrolled.map((e) => e.learnerId));
    const unknown = dto.grades.map((g, i) => ({ g, i })).filter(({ g }) => !known.has(g.learnerId));
    if (unknown.length) {
      throw new ValidationError(
        unknown.map(({ g, i }) => ({ field: `body.grades.${i}.learnerId`, message: `${g.learnerId} is not enrolled in ${courseId}` })),
      );
    }
    const course = await this.db.course.findUniqueOrThrow({ where: { id: courseId }, select: { gradesFinalizedAt: true } });
    // After finalization a new grade is a regrade: it replaces the final grade too.
    const finalized = course.gradesFinalizedAt !== null;
    await this.db.$transaction(
      dto.grades.map((g) =>
        this.db.enrollment.update({
          where: { courseId_learnerId: { courseId, learnerId: g.learnerId } },
          data: finalized ? { grade: g.grade, finalGrade: g.grade } : { grade: g.grade },
        }),
      ),
    );
    if (finalized) await this.reevaluateAfterFinalization(courseId, dto.grades.map((g) => g.learnerId), 'regrade');
    return { courseId, recorded: dto.grades.length };
  }

  /** All certificates of the course, or those of one learner given by username or email. */
  async listCertificates(courseId: string, learner?: string) {
    await this.requireCourse(courseId);
    const certificates = await this.db.certificate.findMany({
      where: { courseId, ...(learner ? { OR: [{ learnerId: learner }, { learner: { email: { equals: learner, mode: 'insensitive' } } }] } : {}) },
      orderBy: { learnerId: 'asc' },
      include: { learner: { select: { name: true } }, invalidations: { where: activeInvalidationWhere, select: { id: true } } },
    });
    return certificates.map((c) => ({
      id: c.id,
      learnerId: c.learnerId,
      learnerName: c.learner.name,
      status: c.status,
      grade: c.grade?.toNumber() ?? null,
      issuedAt: c.issuedAt?.toISOString() ?? null,
      invalidated: c.invalidations.length > 0,
      valid: isValidCertificate({ status: c.status, hasCredential: c.jws !== null, activeInvalidation: c.invalidations.length > 0 }),
      verifyUrl: c.status === 'downloadable' ? verifyPageUrl(this.config.http.publicUrl, c.id) : null,
    }));
  }

  private async requireCourse(courseId: string): Promise<void> {
    const found = await this.db.course.findUnique({ where: { id: courseId }, select: { id: true } });
    if (!found) throw new NotFoundError('course', courseId);
  }
}

/** Prisma writes SQL NULL into a JSON column only when told so explicitly. */
function withJsonNulls<T extends { certificateTemplate?: object | null }>(data: T) {
  return { ...data, certificateTemplate: data.certificateTemplate === null ? Prisma.DbNull : data.certificateTemplate };
}

function findDuplicates(values: string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((v, i) => (seen.has(v) ? [i] : (seen.add(v), [])));
}
