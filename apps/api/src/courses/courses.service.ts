import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { AppConfig } from '../../../shared/config';
import { CourseChangesRepository, CourseCountsRepository, CoursesRepository } from '../../../shared/repositories';
import type { CourseRecord } from '../../../shared/repositories/courses.repository';
import { activationCheck, describeCompletionRule, startRefusal, startReminder, type CompletionRule } from '../../../shared/domain/course-activation';
import { learnerGeneratedByDefault } from '../../../shared/domain/issuance-mode';
import { courseWorkflowId, lifecycleInput } from '../../../shared/temporal';
import { courseLifecycleWorkflow } from '../../../../workflows/course-lifecycle';
import { lifecycleStateQuery, scheduleChangedSignal, type LifecycleState } from '../../../../workflows/definitions';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { CONFIG, TEMPORAL_CLIENT } from '../common/tokens';
import { GenerationService } from '../generation/generation.service';
import type { ActivationDto, CreateCourseDto, UpdateCourseDto } from './courses.schemas';
import { ReevaluationService } from './reevaluation.service';

export function courseView(course: CourseRecord) {
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
    autoGenerateCertificates: course.autoGenerateCertificates,
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

/** Whether two JSON values are equal, whatever the order of their keys (PostgreSQL's jsonb reorders them). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]))
        : (value ?? null);
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

@Injectable()
export class CoursesService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly courses: CoursesRepository,
    private readonly courseChanges: CourseChangesRepository,
    private readonly generation: GenerationService,
    private readonly reevaluation: ReevaluationService,
    private readonly courseCounts: CourseCountsRepository,
  ) {}

  /**
   * Creates the course and starts its lifecycle workflow. Repeating the same request is safe:
   * the course is left as it is and the workflow (deterministic id) is not started twice.
   */
  async createCourse(dto: CreateCourseDto): Promise<{ created: boolean; course: ReturnType<typeof courseView> }> {
    const startAt = dto.startAt ?? new Date();
    const existing = await this.courses.findCourse(dto.id);
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
      const refusal = startRefusal({ certificatesActive: dto.certificatesActive, startAt }, new Date());
      if (refusal) throw new ValidationError([{ field: 'body.startAt', message: refusal }]);
      course = await this.courses.createCourse({ ...dto, startAt, learnerGeneratedEnabled: dto.learnerGeneratedEnabled ?? learnerGeneratedByDefault(dto.pacing) });
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
    const course = await this.courses.findCourse(courseId);
    if (!course) throw new NotFoundError('course', courseId);
    const [counts, latestTask, rule] = await Promise.all([this.courseCounts.countsOf(courseId), this.courses.latestTask(courseId), this.completionRule(course)]);
    return {
      ...courseView(course),
      enrollments: counts.enrollments,
      certificates: counts.certificates,
      certificateMail: counts.certificateMail,
      completionRule: { ...rule, description: describeCompletionRule(rule) },
      startReminder: startReminder(course, new Date()),
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
    const course = await this.courses.findCourse(courseId);
    if (!course) throw new NotFoundError('course', courseId);
    const { confirmRetroactive, confirmTemplateChange, changedBy, ...changes } = dto;
    if (changes.endAt && course.gradesFinalizedAt) throw new ConflictError(`course ${courseId} has ended and its grades are final`);
    const startAt = changes.startAt ?? course.startAt;
    if (changes.endAt && changes.endAt <= startAt) throw new ValidationError([{ field: 'body.endAt', message: 'must be after the course start' }]);
    if (changes.startAt) this.refuseStartAt(course, changes.startAt, changes.endAt ?? course.endAt);
    const retroactive = await this.reevaluation.checkPassingGradeChange(course, changes.passingGrade, confirmRetroactive);
    const templateChanged = changes.certificateTemplate !== undefined && !sameJson(changes.certificateTemplate, course.certificateTemplate);
    if (templateChanged && !confirmTemplateChange) await this.refuseTemplateChangeAfterIssuance(courseId);
    const updated = await this.courses.changeCourse(courseId, changes, { what: templateChanged ? 'template' : 'settings', changedBy: changedBy ?? 'LMS (API key)' });
    if (changes.endAt) await this.rereadSchedule(courseId);
    else if (
      (!course.gradesFinalizedAt && (changes.autoGenerateCertificates !== undefined || changes.learnerGeneratedEnabled !== undefined)) ||
      // The workflow mails certificates when they become visible, at any time in the course's life.
      changes.displayBehavior !== undefined ||
      changes.certificateAvailableAt !== undefined
    ) {
      await this.rereadSchedule(courseId);
    }
    const reevaluationTaskId = retroactive ? await this.reevaluation.reevaluateAfterRuleChange(updated, changedBy) : null;
    return { ...courseView(updated), reevaluationTaskId };
  }

  /**
   * Seed 002: "do not make request changes to certificates in a running course if it is possible
   * that certificates have already been issued to learners". Issued certificates keep the template
   * they were issued with (DocumentsService); the course team confirms knowing that new ones will
   * differ.
   */
  private async refuseTemplateChangeAfterIssuance(courseId: string): Promise<void> {
    const { issued } = await this.courseCounts.countsOf(courseId);
    if (issued === 0) return;
    throw new ConflictError(
      `${issued} certificate${issued === 1 ? ' was' : 's were'} already issued with the current template: they keep it, and learners issued from now on get the new one; send confirmTemplateChange: true to go ahead`,
    );
  }

  /**
   * Whether the course issues at its end, and when its certificates become visible, are read by
   * the workflow like its end date: a change makes it read again. No workflow yet (certificates never
   * activated): it reads the settings when it starts.
   */
  private async rereadSchedule(courseId: string): Promise<void> {
    try {
      await this.temporal.workflow.getHandle(courseWorkflowId(courseId)).signal(scheduleChangedSignal);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }

  /** The course's recorded settings, activation and template changes, newest first. */
  async listChanges(courseId: string, limit: number, cursor?: number) {
    if (!(await this.courses.courseExists(courseId))) throw new NotFoundError('course', courseId);
    const page = await this.courseChanges.listForCourse(courseId, limit, cursor);
    return {
      changes: page.changes.map((c) => ({ id: c.id, what: c.what, changedBy: c.changedBy, changedAt: c.changedAt.toISOString(), fields: c.fields })),
      nextCursor: page.nextCursor,
    };
  }

  /** A new start date of a course whose certificates are not activated must still be ahead (seed 002). */
  private refuseStartAt(course: CourseRecord, startAt: Date, endAt: Date): void {
    if (course.gradesFinalizedAt) throw new ConflictError(`course ${course.id} has ended and its grades are final`);
    if (startAt >= endAt) throw new ValidationError([{ field: 'body.startAt', message: 'must be before the course end' }]);
    const refusal = startRefusal({ certificatesActive: course.certificatesActive, startAt }, new Date());
    if (refusal) throw new ValidationError([{ field: 'body.startAt', message: refusal }]);
  }

  /** The completion rule and grade range the course team checks before enabling certificates. */
  async completionRule(course: CourseRecord): Promise<CompletionRule> {
    const lessons = await this.courses.countLessons(course.id);
    return { passingGrade: course.passingGrade.toNumber(), requiredLessons: lessons.required, optionalLessons: lessons.optional };
  }

  /**
   * Activation starts the course's lifecycle; deactivation stops new issuance, keeps what exists.
   * Enabling asks for `confirm: true`: the refusal names the completion rule and the grade range to check.
   */
  async setActivation(courseId: string, dto: ActivationDto) {
    const course = await this.courses.findCourse(courseId);
    if (!course) throw new NotFoundError('course', courseId);
    if (dto.active && !course.certificatesActive && !dto.confirm) {
      throw new ConflictError(`${activationCheck(await this.completionRule(course))} Send confirm: true to enable them.`);
    }
    // Asking again for what is already so changes nothing and records nothing.
    const updated =
      dto.active === course.certificatesActive
        ? course
        : await this.courses.changeCourse(courseId, { certificatesActive: dto.active }, { what: 'activation', changedBy: dto.changedBy ?? 'LMS (API key)' });
    if (dto.active) await this.startLifecycle(courseId);
    return courseView(updated);
  }
}
