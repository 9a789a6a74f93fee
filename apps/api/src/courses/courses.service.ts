import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AppConfig } from '../../../shared/config';
import type { Database } from '../../../shared/database';
import { courseWorkflowId, lifecycleInput } from '../../../shared/temporal';
import { courseLifecycleWorkflow } from '../../../../workflows/course-lifecycle';
import { lifecycleStateQuery, scheduleChangedSignal, type LifecycleState } from '../../../../workflows/definitions';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { CONFIG, DATABASE, TEMPORAL_CLIENT } from '../common/tokens';
import type { CreateCourseDto, EnrollLearnersDto, RecordGradesDto, RescheduleCourseDto } from './courses.schemas';

type CourseRow = NonNullable<Awaited<ReturnType<Database['course']['findUnique']>>>;

export function courseView(course: CourseRow) {
  return {
    id: course.id,
    title: course.title,
    pacing: course.pacing,
    startAt: course.startAt.toISOString(),
    endAt: course.endAt.toISOString(),
    passingGrade: course.passingGrade.toNumber(),
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
      course = await this.db.course.upsert({
        where: { id: dto.id },
        create: { id: dto.id, title: dto.title, pacing: dto.pacing, startAt, endAt: dto.endAt, passingGrade: dto.passingGrade },
        update: {},
      });
    }
    await this.startLifecycle(dto.id);
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
      latestGeneration: latestTask
        ? { id: latestTask.id, kind: latestTask.kind, state: latestTask.state, total: latestTask.total, done: latestTask.done, issued: latestTask.issued, failed: latestTask.failed }
        : null,
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

  async rescheduleCourse(courseId: string, dto: RescheduleCourseDto) {
    const course = await this.db.course.findUnique({ where: { id: courseId } });
    if (!course) throw new NotFoundError('course', courseId);
    if (course.gradesFinalizedAt) throw new ConflictError(`course ${courseId} has ended and its grades are final`);
    if (dto.endAt <= course.startAt) throw new ValidationError([{ field: 'body.endAt', message: 'must be after the course start' }]);
    const updated = await this.db.course.update({ where: { id: courseId }, data: { endAt: dto.endAt } });
    await this.temporal.workflow.getHandle(courseWorkflowId(courseId)).signal(scheduleChangedSignal);
    return courseView(updated);
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
          create: { id: e.learnerId, email: e.email, name: e.name },
          update: { email: e.email, name: e.name },
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
    await this.db.$transaction(
      dto.grades.map((g) =>
        this.db.enrollment.update({
          where: { courseId_learnerId: { courseId, learnerId: g.learnerId } },
          data: { grade: g.grade },
        }),
      ),
    );
    return { courseId, recorded: dto.grades.length };
  }

  async listCertificates(courseId: string) {
    await this.requireCourse(courseId);
    const certificates = await this.db.certificate.findMany({
      where: { courseId },
      orderBy: { learnerId: 'asc' },
      include: { learner: { select: { name: true } }, invalidations: { where: { active: true }, select: { id: true } } },
    });
    return certificates.map((c) => ({
      id: c.id,
      learnerId: c.learnerId,
      learnerName: c.learner.name,
      status: c.status,
      grade: c.grade?.toNumber() ?? null,
      issuedAt: c.issuedAt?.toISOString() ?? null,
      invalidated: c.invalidations.length > 0,
      verifyUrl: c.status === 'downloadable' ? `${this.config.http.publicUrl}/verify/${c.id}` : null,
    }));
  }

  private async requireCourse(courseId: string): Promise<void> {
    const found = await this.db.course.findUnique({ where: { id: courseId }, select: { id: true } });
    if (!found) throw new NotFoundError('course', courseId);
  }
}

function findDuplicates(values: string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((v, i) => (seen.has(v) ? [i] : (seen.add(v), [])));
}
