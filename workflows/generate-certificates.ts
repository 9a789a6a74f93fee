import { ActivityCancellationType, CancellationScope, CancelledFailure, ContinueAsNew, continueAsNew, isCancellation, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { IssuanceTuning, Selection, TaskCounts } from './definitions';

export interface GenerationInput {
  courseId: string;
  taskId: string;
  selection: Selection;
  resign: boolean;
  tuning: IssuanceTuning;
  /** Carried across continue-as-new: the last learner id planned, and whether the task started. */
  cursor?: string | null;
  started?: boolean;
}

const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const mail = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 10 },
});

async function inParallel<T>(items: T[], limit: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await run(item);
    }
  });
  await Promise.all(lanes);
}

/**
 * Issues the certificates of one generation task: plans chunks of learners with a cursor (never
 * the learner list), runs several chunk activities at once, and continues as new every
 * `chunksPerRun` chunks so the history of a run does not grow with the number of learners.
 */
export async function generateCertificatesWorkflow(input: GenerationInput): Promise<TaskCounts> {
  const { tuning } = input;
  const { issueCertificateRange } = proxyActivities<Activities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: tuning.heartbeatTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
    // On cancel, a chunk finishes its batch before the task's counts are recorded.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const info = workflowInfo();
  let cursor = input.cursor ?? null;
  const inFlight = new Set<Promise<unknown>>();
  try {
    if (!input.started) {
      const total = await bookkeeping.countGenerationSelection({ courseId: input.courseId, selection: input.selection });
      const started = await bookkeeping.startGenerationTask({ taskId: input.taskId, workflowId: info.workflowId, runId: info.runId, total });
      // Cancelled while queued, just before the lifecycle started it (older runs answered nothing).
      if (started === false) throw new CancelledFailure('the generation task was cancelled before it started');
    }
    let chunksThisRun = 0;
    for (;;) {
      const plan = await bookkeeping.planIssuanceChunks({
        courseId: input.courseId,
        selection: input.selection,
        after: cursor,
        chunkSize: tuning.chunkSize,
        maxChunks: tuning.maxInFlight * 2,
      });
      if (plan.bounds.length === 0) break;
      const ranges = plan.bounds.map((upTo, i) => ({ after: i === 0 ? cursor : plan.bounds[i - 1], upTo }));
      await inParallel(ranges, tuning.maxInFlight, async (range) => {
        const chunk = issueCertificateRange({
          courseId: input.courseId,
          taskId: input.taskId,
          selection: input.selection,
          after: range.after,
          upTo: range.upTo,
          resign: input.resign,
          batchSize: tuning.batchSize,
        });
        inFlight.add(chunk);
        try {
          return await chunk;
        } finally {
          inFlight.delete(chunk);
        }
      });
      cursor = plan.bounds[plan.bounds.length - 1];
      chunksThisRun += ranges.length;
      if (plan.exhausted) break;
      if (chunksThisRun >= tuning.chunksPerRun || workflowInfo().continueAsNewSuggested) {
        // A cancel that came while the last chunks finished must not be lost in a new run.
        if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('the generation task was cancelled');
        return await continueAsNew<typeof generateCertificatesWorkflow>({ ...input, cursor, started: true });
      }
    }
  } catch (error) {
    // Continuing as new is not the end of the task; runs before this fix recorded it as a failure.
    if (error instanceof ContinueAsNew && patched('continue-as-new-is-not-a-failure')) throw error;
    if (isCancellation(error)) {
      // Counts once every chunk under way has stopped, so they match the certificates written.
      await CancellationScope.nonCancellable(async () => {
        await Promise.allSettled([...inFlight]);
        await bookkeeping.finishGenerationTask({ taskId: input.taskId, cancelled: true });
      });
      throw error;
    }
    await CancellationScope.nonCancellable(() => bookkeeping.finishGenerationTask({ taskId: input.taskId, error: error instanceof Error ? error.message : String(error) }));
    throw error;
  }
  // A cancel that comes this late must not leave the task unrecorded.
  const counts = await CancellationScope.nonCancellable(() => bookkeeping.finishGenerationTask({ taskId: input.taskId }));
  // After the task is recorded as done: mail never holds up issuance, and a mail outage
  // leaves the certificates issued (the next run or task sends what is left).
  if (patched('certificate-mail-leaves-generation')) {
    // The course's mail workflow sends them at the relay's pace; the next task starts at once.
    try {
      await bookkeeping.requestCertificateMails({ courseId: input.courseId });
    } catch {
      // The mails stay pending; the next task or visibility change asks again.
    }
    return counts;
  }
  try {
    await mail.sendCertificateMails({ courseId: input.courseId });
  } catch {
    // Retries exhausted: the unsent mails stay marked as pending.
  }
  return counts;
}
