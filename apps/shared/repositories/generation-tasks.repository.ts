import type { GenerationTask } from '../../../prisma/generated/client';
import type { TaskCounts } from '../../../workflows/definitions';
import type { Database } from '../database';
import { pageOf } from '../page-cursor';
import type { CertificateStatus, GenerationKind, GenerationState } from '../domain/enums';

/** A generation task row as Prisma reads it. */
export type GenerationTaskRecord = GenerationTask;

export interface NewGenerationTask {
  courseId: string;
  kind: GenerationKind;
  groups?: CertificateStatus[];
  learnerId?: string;
  requestedBy: string;
  retryOf?: string;
  workflowId?: string;
}

/** The generation history: tasks, their state and counts. */
export class GenerationTasksRepository {
  constructor(private readonly db: Database) {}

  async createTask(task: NewGenerationTask): Promise<GenerationTaskRecord> {
    return this.db.generationTask.create({ data: task });
  }

  async findTask(taskId: string): Promise<GenerationTaskRecord | null> {
    return this.db.generationTask.findUnique({ where: { id: taskId } });
  }

  /** One page of the course's generation history, newest first; `after` is the previous page's last (requestedAt, id). */
  async listForCourse(courseId: string, limit: number, after?: { at: Date; id: string }): Promise<{ tasks: GenerationTaskRecord[]; nextCursor: string | null }> {
    const rows = await this.db.generationTask.findMany({
      where: { courseId, ...(after ? { OR: [{ requestedAt: { lt: after.at } }, { requestedAt: after.at, id: { lt: after.id } }] } : {}) },
      orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    const page = pageOf(rows, limit, (t) => [t.requestedAt.toISOString(), t.id]);
    return { tasks: page.items, nextCursor: page.nextCursor };
  }

  /** False when the task is no longer queued or running (cancelled before it started). */
  async markRunning(input: { taskId: string; workflowId: string; runId: string; total: number }): Promise<boolean> {
    const { count } = await this.db.generationTask.updateMany({
      where: { id: input.taskId, state: { in: ['queued', 'running'] } },
      data: { state: 'running', startedAt: new Date(), workflowId: input.workflowId, runId: input.runId, total: input.total, error: null },
    });
    return count === 1;
  }

  /** A cancelled task keeps the note its cancellation left in `error` (who cancelled it) unless given one. */
  async markFinished(taskId: string, outcome: { state: Extract<GenerationState, 'succeeded' | 'failed' | 'cancelled'>; error?: string | null; counts: TaskCounts }): Promise<void> {
    await this.db.generationTask.update({
      where: { id: taskId },
      data: { state: outcome.state, finishedAt: new Date(), error: outcome.error, ...outcome.counts },
    });
  }

  /**
   * Cancels a task that has not started: true if it was still queued. The conditional update
   * decides the race with the lifecycle starting it.
   */
  async cancelQueued(taskId: string, note: string): Promise<boolean> {
    const { count } = await this.db.generationTask.updateMany({
      where: { id: taskId, state: 'queued' },
      data: { state: 'cancelled', finishedAt: new Date(), error: note },
    });
    return count === 1;
  }

  /** Notes on a running task who cancelled it; its workflow records the end. */
  async noteCancellation(taskId: string, note: string): Promise<void> {
    await this.db.generationTask.updateMany({ where: { id: taskId, state: 'running' }, data: { error: note } });
  }

  /** Counts come from the certificate rows the task wrote, so a retried chunk never counts twice. */
  async countCertificates(taskId: string): Promise<TaskCounts> {
    const [row] = await this.db.$queryRaw<Array<{ done: number; issued: number; failed: number }>>`
      SELECT count(*)::int AS done,
             count(*) FILTER (WHERE status = 'downloadable')::int AS issued,
             count(*) FILTER (WHERE status = 'error')::int AS failed
        FROM certificates WHERE task_id = ${taskId}::uuid`;
    return row;
  }
}
