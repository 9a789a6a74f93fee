import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { WrittenCertificate } from './definitions';

// A local activity: it runs inside the workflow task on the same worker, which halves the round
// trips and history writes per request, the server's load when hundreds of learners ask at once.
const { issueLearnerCertificate, sendCertificateMails } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 5 },
});

/**
 * A learner's own request (or reaching the end of a self-paced course). One workflow per learner
 * and course with a deterministic id: concurrent requests join the same run and get the same
 * certificate, and hundreds of learners asking at once are hundreds of independent workflows.
 */
export async function learnerCertificateWorkflow(input: { courseId: string; learnerId: string }): Promise<WrittenCertificate | null> {
  const written = await issueLearnerCertificate({ courseId: input.courseId, learnerId: input.learnerId, taskId: null });
  if (written?.status === 'downloadable') {
    try {
      await sendCertificateMails({ courseId: input.courseId, learnerId: input.learnerId });
    } catch {
      // The learner has the certificate either way; an unsent mail stays pending for the next run.
    }
  }
  return written;
}
