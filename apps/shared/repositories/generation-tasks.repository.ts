import type { GenerationTask } from '../../../prisma/generated/client';
import type { TaskCounts } from '../../../workflows/definitions';
import type { Database } from '../database';
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

  /** The course's generation history, newest first. */
  async listForCourse(courseId: string, limit = 200): Promise<GenerationTaskRecord[]> {
    return this.db.generationTask.findMany({ where: { courseId }, orderBy: { requestedAt: 'desc' }, take: limit });
  }

  async markRunning(input: { taskId: string; workflowId: string; runId: string; total: number }): Promise<void> {
    await this.db.generationTask.update({
      where: { id: input.taskId },
      data: { state: 'running', startedAt: new Date(), workflowId: input.workflowId, runId: input.runId, total: input.total, error: null },
    });
  }

  async markFinished(taskId: string, outcome: { state: Extract<GenerationState, 'succeeded' | 'failed'>; error: string | null; counts: TaskCounts }): Promise<void> {
    await this.db.generationTask.update({
      where: { id: taskId },
      data: { state: outcome.state, finishedAt: new Date(), error: outcome.error, ...outcome.counts },
    });
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
