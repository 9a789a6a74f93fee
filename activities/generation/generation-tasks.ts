import type { GenerationKind } from '../../apps/shared/domain/enums';
import { createRepositories } from '../../apps/shared/repositories';
import type { Selection, TaskCounts } from '../../workflows/definitions';
import type { ActivityDeps } from '../deps';

export function createGenerationTaskActivities({ db }: ActivityDeps) {
  const { generationTasks, standings, courses } = createRepositories(db);
  return {
    /** The bulk issuance after course end is recorded in the generation history like any other. */
    async createSystemGenerationTask(input: { courseId: string; kind: GenerationKind }): Promise<string> {
      const task = await generationTasks.createTask({ courseId: input.courseId, kind: input.kind, requestedBy: 'system' });
      return task.id;
    },

    /** What a queued task covers; null if the task row is gone (course deleted). */
    async loadGenerationTask(taskId: string): Promise<{ selection: Selection; resign: boolean } | null> {
      const task = await generationTasks.findTask(taskId);
      if (!task) return null;
      return {
        selection: { kind: task.kind, groups: task.groups, learnerId: task.learnerId ?? undefined },
        // Regeneration re-signs certificates that are already issued; other tasks keep them.
        resign: task.kind === 'regenerate',
      };
    },

    async startGenerationTask(input: { taskId: string; workflowId: string; runId: string; total: number }): Promise<void> {
      await generationTasks.markRunning(input);
    },

    async countGenerationSelection(input: { courseId: string; selection: Selection }): Promise<number> {
      return standings.countSelection(input.courseId, input.selection);
    },

    async finishGenerationTask(input: { taskId: string; error?: string }): Promise<TaskCounts> {
      const counts = await generationTasks.countCertificates(input.taskId);
      await generationTasks.markFinished(input.taskId, { state: input.error ? 'failed' : 'succeeded', error: input.error ?? null, counts });
      return counts;
    },

    async markCertificatesGenerated(courseId: string): Promise<void> {
      await courses.markCertificatesGenerated(courseId);
    },
  };
}
