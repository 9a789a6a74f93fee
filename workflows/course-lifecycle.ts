import { allHandlersFinished, condition, continueAsNew, executeChild, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  generationRequestedSignal,
  generationWorkflowId,
  lifecycleStateQuery,
  scheduleChangedSignal,
  type CourseLifecycleInput,
  type LifecycleState,
} from './definitions';
import { generateCertificatesWorkflow } from './generate-certificates';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Generation tasks a run handles before continuing as new, keeping its history short. */
const TASKS_PER_RUN = 100;

/**
 * One per course, for the course's whole life: waits for the course to end (the end date may
 * move), finalizes grades, issues in bulk for instructor-paced courses, and runs every later
 * generation task (instructor operations, regrades) one at a time, in the order asked.
 */
export async function courseLifecycleWorkflow(input: CourseLifecycleInput): Promise<void> {
  const state: LifecycleState = {
    courseId: input.courseId,
    phase: input.ended ? 'active' : 'waiting_for_course_end',
    finalizesAt: null,
    currentTaskId: null,
    queuedTaskIds: [...(input.pendingTaskIds ?? [])],
    tasksCompleted: 0,
  };
  let scheduleChanged = false;
  setHandler(scheduleChangedSignal, () => {
    scheduleChanged = true;
  });
  setHandler(generationRequestedSignal, ({ taskId }) => {
    if (!state.queuedTaskIds.includes(taskId) && state.currentTaskId !== taskId) state.queuedTaskIds.push(taskId);
  });
  setHandler(lifecycleStateQuery, () => state);

  let ended = input.ended ?? false;
  const endOfCourse = async () => {
    let schedule = await activities.getCourseSchedule(input.courseId);
    for (;;) {
      const finalizesAt = Date.parse(schedule.endAt) + input.gradeFinalizationDelayMs;
      state.finalizesAt = new Date(finalizesAt).toISOString();
      const remaining = finalizesAt - Date.now();
      if (remaining <= 0) break;
      if (await condition(() => scheduleChanged, remaining)) {
        scheduleChanged = false;
        schedule = await activities.getCourseSchedule(input.courseId);
      }
    }
    state.phase = 'finalizing_grades';
    await activities.finalizeGrades(input.courseId);
    if (schedule.bulkIssuance) {
      const taskId = await activities.createSystemGenerationTask({ courseId: input.courseId, kind: 'all_learners' });
      state.queuedTaskIds.unshift(taskId);
      state.phase = 'issuing';
    } else {
      state.phase = 'active';
    }
    ended = true;
  };

  const runTasks = async () => {
    for (;;) {
      await condition(() => state.queuedTaskIds.length > 0);
      const taskId = state.queuedTaskIds.shift()!;
      state.currentTaskId = taskId;
      const task = await activities.loadGenerationTask(taskId);
      if (task) {
        try {
          await executeChild(generateCertificatesWorkflow, {
            workflowId: generationWorkflowId(taskId),
            args: [{ courseId: input.courseId, taskId, selection: task.selection, resign: task.resign, tuning: input.tuning }],
          });
          if (task.selection.kind === 'all_learners') await activities.markCertificatesGenerated(input.courseId);
        } catch {
          // The task is recorded as failed with its reason; the instructor can retry it.
        }
      }
      state.currentTaskId = null;
      state.tasksCompleted += 1;
      if (ended && state.phase !== 'waiting_for_course_end') state.phase = 'active';
      if (ended && (state.tasksCompleted >= TASKS_PER_RUN || workflowInfo().continueAsNewSuggested)) return;
    }
  };

  // Instructors may generate before the course ends: both go on at once, tasks in order.
  await Promise.all([ended ? Promise.resolve() : endOfCourse(), runTasks()]);
  await condition(allHandlersFinished);
  await continueAsNew<typeof courseLifecycleWorkflow>({ ...input, ended: true, pendingTaskIds: state.queuedTaskIds });
}
