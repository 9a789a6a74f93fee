import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { IssueChunkResult } from '../activities/issuance/issue-certificate-chunk';
import {
  lifecycleStateQuery,
  scheduleChangedSignal,
  type CourseLifecycleInput,
  type LifecycleState,
} from './definitions';

const { getCourseSchedule, finalizeGrades, markCertificatesGenerated } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const { issueCertificateChunk } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** One per course: waits for the course to end, finalizes grades, then issues certificates in chunks. */
export async function courseLifecycleWorkflow(input: CourseLifecycleInput): Promise<LifecycleState> {
  const state: LifecycleState = {
    courseId: input.courseId,
    phase: 'waiting_for_course_end',
    finalizesAt: null,
    processed: 0,
    issued: 0,
    notIssued: 0,
  };
  let scheduleChanged = false;
  setHandler(scheduleChangedSignal, () => {
    scheduleChanged = true;
  });
  setHandler(lifecycleStateQuery, () => state);

  // The end date may move while we wait; a signal wakes the wait and the schedule is re-read.
  let schedule = await getCourseSchedule(input.courseId);
  for (;;) {
    const finalizesAt = Date.parse(schedule.endAt) + input.gradeFinalizationDelayMs;
    state.finalizesAt = new Date(finalizesAt).toISOString();
    const remaining = finalizesAt - Date.now();
    if (remaining <= 0) break;
    if (await condition(() => scheduleChanged, remaining)) {
      scheduleChanged = false;
      schedule = await getCourseSchedule(input.courseId);
    }
  }

  state.phase = 'finalizing_grades';
  await finalizeGrades(input.courseId);

  state.phase = 'issuing';
  let cursor: string | null = null;
  do {
    const chunk: IssueChunkResult = await issueCertificateChunk({ courseId: input.courseId, after: cursor, limit: input.chunkSize });
    cursor = chunk.nextCursor;
    state.processed += chunk.processed;
    state.issued += chunk.issued;
    state.notIssued += chunk.notIssued;
  } while (cursor !== null);
  await markCertificatesGenerated(input.courseId);

  state.phase = 'completed';
  return state;
}
