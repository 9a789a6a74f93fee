import type { GenerationKind } from '../../prisma/generated/enums';
import type { ActivityDeps } from '../deps';
import { selectionJoins, selectionSql, type Selection } from '../issuance/selection';

export interface TaskCounts {
  done: number;
  issued: number;
  failed: number;
}

/** Counts come from the certificate rows the task wrote, so a retried chunk never counts twice. */
export async function countTaskCertificates(db: ActivityDeps['db'], taskId: string): Promise<TaskCounts> {
  const [row] = await db.$queryRaw<Array<{ done: number; issued: number; failed: number }>>`
    SELECT count(*)::int AS done,
           count(*) FILTER (WHERE status = 'downloadable')::int AS issued,
           count(*) FILTER (WHERE status = 'error')::int AS failed
      FROM certificates WHERE task_id = ${taskId}::uuid`;
  return row;
}

export function createGenerationTaskActivities({ db }: ActivityDeps) {
  return {
    /** The bulk issuance after course end is recorded in the generation history like any other. */
    async createSystemGenerationTask(input: { courseId: string; kind: GenerationKind }): Promise<string> {
      const task = await db.generationTask.create({ data: { courseId: input.courseId, kind: input.kind, requestedBy: 'system' } });
      return task.id;
    },

    /** What a queued task covers; null if the task row is gone (course deleted). */
    async loadGenerationTask(taskId: string): Promise<{ selection: Selection; resign: boolean } | null> {
      const task = await db.generationTask.findUnique({ where: { id: taskId } });
      if (!task) return null;
      return {
        selection: { kind: task.kind, groups: task.groups, learnerId: task.learnerId ?? undefined },
        // Regeneration re-signs certificates that are already issued; other tasks keep them.
        resign: task.kind === 'regenerate',
      };
    },

    async startGenerationTask(input: { taskId: string; workflowId: string; runId: string; total: number }): Promise<void> {
      await db.generationTask.update({
        where: { id: input.taskId },
        data: { state: 'running', startedAt: new Date(), workflowId: input.workflowId, runId: input.runId, total: input.total, error: null },
      });
    },

    async countGenerationSelection(input: { courseId: string; selection: Selection }): Promise<number> {
      const [row] = await db.$queryRaw<Array<{ n: number }>>`
        SELECT count(*)::int AS n FROM enrollments e ${selectionJoins}
         WHERE e.course_id = ${input.courseId} AND (${selectionSql(input.selection)})`;
      return row.n;
    },

    async finishGenerationTask(input: { taskId: string; error?: string }): Promise<TaskCounts> {
      const counts = await countTaskCertificates(db, input.taskId);
      await db.generationTask.update({
        where: { id: input.taskId },
        data: { state: input.error ? 'failed' : 'succeeded', finishedAt: new Date(), error: input.error ?? null, ...counts },
      });
      return counts;
    },

    async markCertificatesGenerated(courseId: string): Promise<void> {
      await db.course.update({ where: { id: courseId }, data: { certificatesGeneratedAt: new Date() } });
    },
  };
}
