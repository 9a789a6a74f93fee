import type { GenerationKind } from '../../apps/shared/domain/enums';
import { createRepositories } from '../../apps/shared/repositories';
import type { Selection, TaskCounts } from '../../workflows/definitions';
import type { ActivityDeps } from '../deps';

/** The tasks by which the course team generates certificates (seed 003: generate, exceptions, regenerate). */
const INSTRUCTOR_GENERATION = new Set<GenerationKind>(['all_learners', 'exceptions_missing', 'exceptions_all', 'regenerate']);

export function createGenerationTaskActivities({ db }: ActivityDeps) {
  const { generationTasks, standings, courses, plannerStatistics } = createRepositories(db);
  return {
    /** The bulk issuance after course end is recorded in the generation history like any other. */
    async createSystemGenerationTask(input: { courseId: string; kind: GenerationKind }): Promise<string> {
      const task = await generationTasks.createTask({ courseId: input.courseId, kind: input.kind, requestedBy: 'system' });
      return task.id;
    },

    /** What a queued task covers; null if the task row is gone (course deleted) or was cancelled while queued. */
    async loadGenerationTask(taskId: string): Promise<{ selection: Selection; resign: boolean } | null> {
      const task = await generationTasks.findTask(taskId);
      if (!task || task.state === 'cancelled') return null;
      return {
        selection: { kind: task.kind, groups: task.groups, learnerId: task.learnerId ?? undefined },
        // Regeneration re-signs certificates that are already issued; other tasks keep them.
        resign: task.kind === 'regenerate',
      };
    },

    /** False when the task was cancelled before it could start: the workflow then stops. */
    async startGenerationTask(input: { taskId: string; workflowId: string; runId: string; total: number }): Promise<boolean> {
      return generationTasks.markRunning(input);
    },

    async countGenerationSelection(input: { courseId: string; selection: Selection }): Promise<number> {
      return standings.countSelection(input.courseId, input.selection);
    },

    /** Records how the task ended: succeeded, failed (with `error`) or cancelled, with the counts it reached. */
    async finishGenerationTask(input: { taskId: string; error?: string; cancelled?: boolean }): Promise<TaskCounts> {
      const counts = await generationTasks.countCertificates(input.taskId);
      // The course team generated certificates (for everyone, exceptions or chosen groups): from
      // now on the course's certificates are "generated", before the task reads as done. Regrades
      // and single requests are not the instructor generating; a task that issued nothing generated nothing.
      if (!input.error && !input.cancelled && counts.issued > 0) {
        const task = await generationTasks.findTask(input.taskId);
        if (task && INSTRUCTOR_GENERATION.has(task.kind)) {
          const course = await courses.findCourse(task.courseId);
          if (course && !course.certificatesGeneratedAt) await courses.markCertificatesGenerated(task.courseId);
        }
      }
      if (input.cancelled) await generationTasks.markFinished(input.taskId, { state: 'cancelled', counts });
      else await generationTasks.markFinished(input.taskId, { state: input.error ? 'failed' : 'succeeded', error: input.error ?? null, counts });
      // A bulk task rewrites a large part of the course: the lists read right after need fresh statistics.
      void plannerStatistics.refreshSoon(['certificates', 'invalidations']);
      return counts;
    },

    async markCertificatesGenerated(courseId: string): Promise<void> {
      await courses.markCertificatesGenerated(courseId);
    },
  };
}
