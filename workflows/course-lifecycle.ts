import { allHandlersFinished, condition, continueAsNew, executeChild, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
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

const mail = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 10 },
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
  // Counted apart from the flag above, which the wait for the course end consumes.
  let scheduleVersion = 0;
  setHandler(scheduleChangedSignal, () => {
    scheduleChanged = true;
    scheduleVersion += 1;
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
          // The task is recorded as failed (with its reason) or cancelled; the instructor can retry it.
        }
      }
      state.currentTaskId = null;
      state.tasksCompleted += 1;
      if (ended && state.phase !== 'waiting_for_course_end') state.phase = 'active';
      if (ended && (state.tasksCompleted >= TASKS_PER_RUN || workflowInfo().continueAsNewSuggested)) return;
    }
  };

  /**
   * The course's own timers (runs started before this code skip them, see the README's "Changing a
   * workflow that is already running"): a self-paced course issues to every qualified learner each
   * interval while it runs, and once more at its end (seed 000: "at specific intervals for
   * self-paced courses"); certificates issued before the display behaviour shows them are mailed
   * when it does (the date is re-read when the schedule changes).
   */
  let runOver = false;
  const courseTimers = async () => {
    if (!patched('interval-issuance-and-visible-mail')) return;
    const intervalMs = input.selfPacedIssuanceIntervalMs ?? 86_400_000;
    let lastIssueAt = Date.now();
    let sawCourseRunning = false;
    let mailedFor: string | null = null;
    while (!runOver) {
      const timing = await activities.getCourseTiming(input.courseId);
      const now = Date.now();
      const endAt = Date.parse(timing.endAt);
      if (now < endAt) sawCourseRunning = true;
      const wakeAt: number[] = [];
      if (timing.intervalIssuance && sawCourseRunning && lastIssueAt < endAt) {
        const due = Math.min(lastIssueAt + intervalMs, endAt);
        if (due <= now) {
          state.queuedTaskIds.push(await activities.createIntervalGenerationTask(input.courseId));
          lastIssueAt = now;
          continue;
        }
        wakeAt.push(due);
      }
      if (timing.visibleFrom !== null && timing.visibleFrom !== mailedFor) {
        const visibleAt = Date.parse(timing.visibleFrom);
        if (visibleAt <= now) {
          try {
            // New runs hand the mail to the course's mail workflow instead of waiting for it.
            if (patched('certificate-mail-leaves-lifecycle')) await activities.requestCertificateMails({ courseId: input.courseId });
            else await mail.sendCertificateMails({ courseId: input.courseId });
          } catch {
            // Retries exhausted: the unsent mails stay pending for the next run or task.
          }
          mailedFor = timing.visibleFrom;
          continue;
        }
        wakeAt.push(visibleAt);
      }
      const seen = scheduleVersion;
      const timeout = wakeAt.length > 0 ? Math.min(...wakeAt) - now : undefined;
      if (timeout === undefined) await condition(() => runOver || scheduleVersion !== seen);
      else await condition(() => runOver || scheduleVersion !== seen, timeout);
    }
  };
  const tasksThenStop = async () => {
    await runTasks();
    runOver = true;
  };

  // Instructors may generate before the course ends: all go on at once, tasks in order.
  await Promise.all([ended ? Promise.resolve() : endOfCourse(), tasksThenStop(), courseTimers()]);
  await condition(allHandlersFinished);
  await continueAsNew<typeof courseLifecycleWorkflow>({ ...input, ended: true, pendingTaskIds: state.queuedTaskIds });
}
