import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { AppConfig } from '../../../shared/config';
import type { Database } from '../../../shared/database';
import { courseWorkflowId, lifecycleInput } from '../../../shared/temporal';
import type { CertificateStatus, GenerationKind } from '../../../../prisma/generated/enums';
import { courseLifecycleWorkflow } from '../../../../workflows/course-lifecycle';
import { generationRequestedSignal } from '../../../../workflows/definitions';
import { countTaskCertificates } from '../../../../activities/generation/generation-tasks';
import { ConflictError, NotFoundError } from '../common/errors';
import { CONFIG, DATABASE, TEMPORAL_CLIENT } from '../common/tokens';

type TaskRow = NonNullable<Awaited<ReturnType<Database['generationTask']['findUnique']>>>;

export interface GenerationRequest {
  kind: GenerationKind;
  groups?: CertificateStatus[];
  learnerId?: string;
  requestedBy: string;
  retryOf?: string;
}

@Injectable()
export class GenerationService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Records the task in the generation history, then hands it to the course's lifecycle workflow
   * (starting it if needed), which runs the course's tasks one at a time in the order asked.
   */
  async requestGeneration(courseId: string, request: GenerationRequest) {
    const course = await this.db.course.findUnique({ where: { id: courseId }, select: { certificatesActive: true } });
    if (!course) throw new NotFoundError('course', courseId);
    if (!course.certificatesActive) throw new ConflictError(`certificates of course ${courseId} are not activated`);
    const task = await this.db.generationTask.create({
      data: {
        courseId,
        kind: request.kind,
        groups: request.groups ?? [],
        learnerId: request.learnerId,
        requestedBy: request.requestedBy,
        retryOf: request.retryOf,
        workflowId: courseWorkflowId(courseId),
      },
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
    const task = await this.db.generationTask.findUnique({ where: { id: taskId } });
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

  async listTasks(courseId: string) {
    const found = await this.db.course.findUnique({ where: { id: courseId }, select: { id: true } });
    if (!found) throw new NotFoundError('course', courseId);
    const tasks = await this.db.generationTask.findMany({ where: { courseId }, orderBy: { requestedAt: 'desc' }, take: 200 });
    return Promise.all(tasks.map((t) => this.describeTask(t)));
  }

  async getTask(taskId: string) {
    const task = await this.db.generationTask.findUnique({ where: { id: taskId } });
    if (!task) throw new NotFoundError('generation task', taskId);
    return this.describeTask(task);
  }

  /** A running task's counts are read live from the certificates it has written. */
  async describeTask(task: TaskRow) {
    let counts = { done: task.done, issued: task.issued, failed: task.failed };
    if (task.state === 'running') counts = await countTaskCertificates(this.db, task.id);
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
