import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { AppConfig } from '../../../shared/config';
import { CoursesRepository } from '../../../shared/repositories';
import type { CourseRecord } from '../../../shared/repositories/courses.repository';
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

@Injectable()
export class CoursesService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly courses: CoursesRepository,
    private readonly generation: GenerationService,
    private readonly reevaluation: ReevaluationService,
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
      course = await this.courses.createCourse({ ...dto, startAt });
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
    const { enrollments, certificates, latestTask } = await this.courses.summarizeCourse(courseId);
    return {
      ...courseView(course),
      enrollments,
      certificates,
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
    const { confirmRetroactive, changedBy, ...changes } = dto;
    if (changes.endAt && course.gradesFinalizedAt) throw new ConflictError(`course ${courseId} has ended and its grades are final`);
    if (changes.endAt && changes.endAt <= course.startAt) throw new ValidationError([{ field: 'body.endAt', message: 'must be after the course start' }]);
    const retroactive = this.reevaluation.checkPassingGradeChange(course, changes.passingGrade, confirmRetroactive);
    const updated = await this.courses.updateCourse(courseId, changes);
    if (changes.endAt) await this.temporal.workflow.getHandle(courseWorkflowId(courseId)).signal(scheduleChangedSignal);
    else if (!course.gradesFinalizedAt && (changes.autoGenerateCertificates !== undefined || changes.learnerGeneratedEnabled !== undefined)) {
      await this.rereadSchedule(courseId);
    }
    const reevaluationTaskId = retroactive ? await this.reevaluation.reevaluateAllLearners(courseId, changedBy) : null;
    return { ...courseView(updated), reevaluationTaskId };
  }

  /**
   * Whether the course issues at its end is read by the waiting workflow, like its end date: a
   * change before grade finalization makes it read again. No workflow yet (certificates never
   * activated): it reads the settings when it starts.
   */
  private async rereadSchedule(courseId: string): Promise<void> {
    try {
      await this.temporal.workflow.getHandle(courseWorkflowId(courseId)).signal(scheduleChangedSignal);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }

  /** Activation starts the course's lifecycle; deactivation stops new issuance, keeps what exists. */
  async setActivation(courseId: string, dto: ActivationDto) {
    const course = await this.courses.findCourse(courseId);
    if (!course) throw new NotFoundError('course', courseId);
    const updated = await this.courses.setCertificatesActive(courseId, dto.active);
    if (dto.active) await this.startLifecycle(courseId);
    return courseView(updated);
  }
}
