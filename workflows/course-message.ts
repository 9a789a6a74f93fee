import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { sendCourseMessage } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 20 },
});

/** A message from the course team to every enrolled learner; survives restarts and SMTP outages. */
export async function courseMessageWorkflow(input: { messageId: string }) {
  return sendCourseMessage({ messageId: input.messageId });
}
