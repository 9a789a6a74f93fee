import { type httpClient, waitFor } from './service';

type Api = ReturnType<typeof httpClient>;

/**
 * What the instructor of an instructor-paced course does (seed 002: "Certificates need to be
 * generated manually"): once the course has ended and its grades are final, generate for all
 * learners. Answers the finished task. Courses that opt in with `autoGenerateCertificates` need
 * no such call: their lifecycle generates after grade finalization.
 */
export async function generateAfterCourseEnd(api: Api, courseId: string, timeoutMs = 60_000) {
  await waitFor('grade finalization', async () => ((await api.get(`/courses/${courseId}`)).body.gradesFinalizedAt ? true : null), timeoutMs);
  const task = await api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners', requestedBy: 'prof@example.org' });
  if (task.status !== 202) throw new Error(`generation for all learners answered ${task.status}: ${JSON.stringify(task.body)}`);
  const finished = await waitFor(
    'the generation for all learners',
    async () => {
      const r = await api.get(`/generation-tasks/${task.body.id}`);
      if (r.body.state === 'failed') throw new Error(`generation task ${task.body.id} failed: ${r.body.error}`);
      return r.body.state === 'succeeded' ? (r.body as { id: string; requestedBy: string; total: number; issued: number }) : null;
    },
    timeoutMs,
  );
  // The workflow marks the course's certificates generated just after the task finishes.
  await waitFor('certificates marked generated', async () => ((await api.get(`/courses/${courseId}`)).body.certificatesGeneratedAt ? true : null), timeoutMs);
  return finished;
}
