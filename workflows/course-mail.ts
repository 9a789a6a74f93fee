import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { certificateMailRequestedSignal, type CourseMailInput } from './course-mail-definitions';

export { certificateMailRequestedSignal, courseMailWorkflowId, type CourseMailInput } from './course-mail-definitions';

// No attempt limit: through a relay outage the workflow waits and resumes; mails the relay
// refuses for good are marked failed by the activity, one by one, and never block the rest.
const { sendCertificateMailBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  // The activity heartbeats every few seconds, even while waiting its turn or for the relay.
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

/** Batches per run before continue-as-new, so a course of any size keeps a short history. */
const BATCHES_PER_RUN = 100;

/**
 * Sends a course's pending certificate mails (the outbox is the certificates table: a mail is
 * pending until its row is marked sent), one bounded batch per activity, until none is left, then
 * ends. Generation tasks never wait for it: they only signal it.
 */
export async function courseMailWorkflow(input: CourseMailInput): Promise<void> {
  // Being started is itself a request.
  let requested = true;
  setHandler(certificateMailRequestedSignal, () => {
    requested = true;
  });
  let batches = 0;
  while (requested) {
    requested = false;
    for (;;) {
      const batch = await sendCertificateMailBatch({ courseId: input.courseId });
      batches += 1;
      if (!batch.more) break;
      if (batches >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof courseMailWorkflow>(input);
      }
    }
  }
}
