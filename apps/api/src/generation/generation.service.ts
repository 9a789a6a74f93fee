import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { AppConfig } from '../../../shared/config';
import type { CertificateStatus, GenerationKind } from '../../../shared/domain/enums';
import { CoursesRepository, GenerationTasksRepository } from '../../../shared/repositories';
import type { GenerationTaskRecord } from '../../../shared/repositories/generation-tasks.repository';
import { courseWorkflowId, lifecycleInput } from '../../../shared/temporal';
import { courseLifecycleWorkflow } from '../../../../workflows/course-lifecycle';
import { generationRequestedSignal, generationWorkflowId } from '../../../../workflows/definitions';
import type { Principal } from '../auth/principal';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/errors';
import { CONFIG, TEMPORAL_CLIENT } from '../common/tokens';
import { LiveTaskCounts } from './live-task-counts';

export interface GenerationRequest {
  kind: GenerationKind;
  groups?: CertificateStatus[];
  learnerId?: string;
  requestedBy: string;
  retryOf?: string;
}

/** What an instructor is told, by the API and the Certificates page, where generation is the administrator's. */
export const GENERATION_LEFT_TO_ADMINISTRATOR = 'Certificate generation is done by the platform administrator for this instance';

@Injectable()
export class GenerationService {
  private readonly liveCounts: LiveTaskCounts;

  constructor(
    private readonly courses: CoursesRepository,
    private readonly tasks: GenerationTasksRepository,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {
    this.liveCounts = new LiveTaskCounts((taskId) => this.tasks.countCertificates(taskId));
  }

  /**
   * Seed 000: course teams generate and issue certificates only where the platform administrator
   * allows it; elsewhere the administrator (or the LMS's server, with its API key) does.
   */
  assertMayGenerate(principal: Principal | null): void {
    if (!this.mayGenerate(principal)) throw new ForbiddenError(GENERATION_LEFT_TO_ADMINISTRATOR);
  }

  /** Seed 000: course teams generate only where the platform administrator allows it. */
  mayGenerate(principal: Principal | null): boolean {
    return principal?.kind !== 'instructor' || this.config.permissions.courseTeamsMayGenerate;
  }

  /**
   * Records the task in the generation history, then hands it to the course's lifecycle workflow
   * (starting it if needed), which runs the course's tasks one at a time in the order asked.
   */
  async requestGeneration(courseId: string, request: GenerationRequest) {
    const course = await this.courses.findCourse(courseId);
    if (!course) throw new NotFoundError('course', courseId);
    if (!course.certificatesActive) throw new ConflictError(`certificates of course ${courseId} are not activated`);
    const task = await this.tasks.createTask({
      courseId,
      kind: request.kind,
      groups: request.groups ?? [],
      learnerId: request.learnerId,
      requestedBy: request.requestedBy,
      retryOf: request.retryOf,
      workflowId: courseWorkflowId(courseId),
    });
    await this.temporal.workflow.signalWithStart(courseLifecycleWorkflow, {
      workflowId: courseWorkflowId(courseId),
      taskQueue: this.config.temporal.taskQueue,
      args: [lifecycleInput(this.config, courseId)],
      signal: generationRequestedSignal,
      signalArgs: [{ taskId: task.id }],
    });
    return this.describeTask(task);
  }

  async retryTask(taskId: string, requestedBy: string) {
    const task = await this.tasks.findTask(taskId);
    if (!task) throw new NotFoundError('generation task', taskId);
    if (task.state === 'queued' || task.state === 'running') throw new ConflictError(`generation task ${taskId} is still ${task.state}`);
    return this.requestGeneration(task.courseId, {
      kind: task.kind,
      groups: task.groups,
      learnerId: task.learnerId ?? undefined,
      requestedBy,
      retryOf: task.id,
    });
  }

  /** One page of the generation history, newest first. */
  /**
   * A queued task is cancelled here, before the lifecycle starts it; a running one by cancelling
   * its workflow, which stops its chunks and records the task as cancelled with its counts.
   */
  async cancelTask(taskId: string, cancelledBy: string) {
    const task = await this.tasks.findTask(taskId);
    if (!task) throw new NotFoundError('generation task', taskId);
    const note = `Cancelled by ${cancelledBy}`;
    if (task.state === 'queued' && (await this.tasks.cancelQueued(taskId, note))) {
      // The lifecycle may have started its workflow a moment before: that run stops too.
      await this.cancelWorkflow(taskId);
      return this.getTask(taskId);
    }
    const current = task.state === 'queued' ? await this.tasks.findTask(taskId) : task;
    if (current?.state === 'running') {
      // Noted first: the workflow may record the end before this answer is sent.
      await this.tasks.noteCancellation(taskId, note);
      if (await this.cancelWorkflow(taskId)) return this.getTask(taskId);
    }
    const ended = (await this.tasks.findTask(taskId))?.state ?? task.state;
    const how = ended === 'cancelled' ? 'been cancelled' : ended === 'succeeded' || ended === 'failed' ? ended : 'finished';
    throw new ConflictError(`generation task ${taskId} has already ${how}: only a queued or running task can be cancelled`);
  }

  /** False when the task's workflow has already finished (or never started). */
  private async cancelWorkflow(taskId: string): Promise<boolean> {
    try {
      await this.temporal.workflow.getHandle(generationWorkflowId(taskId)).cancel();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  async listTasks(courseId: string, limit: number, after?: { at: Date; id: string }) {
    if (!(await this.courses.courseExists(courseId))) throw new NotFoundError('course', courseId);
    const page = await this.tasks.listForCourse(courseId, limit, after);
    return { tasks: await Promise.all(page.tasks.map((t) => this.describeTask(t))), nextCursor: page.nextCursor };
  }

  async getTask(taskId: string) {
    const task = await this.tasks.findTask(taskId);
    if (!task) throw new NotFoundError('generation task', taskId);
    return this.describeTask(task);
  }

  /** A running task's counts are read live from the certificates it has written (see LiveTaskCounts). */
  async describeTask(task: GenerationTaskRecord) {
    let counts = { done: task.done, issued: task.issued, failed: task.failed };
    if (task.state === 'running') counts = await this.liveCounts.of(task.id);
    const elapsedMs = task.startedAt ? (task.finishedAt ?? new Date()).getTime() - task.startedAt.getTime() : null;
    const remaining = task.total !== null ? Math.max(task.total - counts.done, 0) : null;
    const etaSeconds =
      task.state === 'running' && elapsedMs && counts.done > 0 && remaining !== null ? Math.ceil(((elapsedMs / counts.done) * remaining) / 1000) : null;
    return {
      id: task.id,
      courseId: task.courseId,
      kind: task.kind,
      groups: task.groups,
      learnerId: task.learnerId,
      requestedBy: task.requestedBy,
      requestedAt: task.requestedAt.toISOString(),
      state: task.state,
      total: task.total,
      ...counts,
      etaSeconds,
      error: task.error,
      retryOf: task.retryOf,
      workflowId: task.workflowId,
      runId: task.runId,
      startedAt: task.startedAt?.toISOString() ?? null,
      finishedAt: task.finishedAt?.toISOString() ?? null,
    };
  }
}
