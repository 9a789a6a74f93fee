import { type httpClient, uniqueCourseId, waitFor } from './service';

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

/** A generation task as `GET /generation-tasks/:id` answers it, as the tests read it. */
export interface GenerationTaskView {
  id: string;
  state: string;
  total: number | null;
  done: number;
  issued: number;
  failed: number;
  error: string | null;
  finishedAt?: string | null;
}

/** A self-paced course still running, with `count` learners enrolled through the API who all pass. */
export async function courseWithPassingLearners(api: Api, label: string, count: number): Promise<{ courseId: string; learnerIds: string[] }> {
  const courseId = uniqueCourseId(label);
  const created = await api.post('/courses', { id: courseId, title: `${label} course`, pacing: 'self', endAt: new Date(Date.now() + 3_600_000).toISOString(), certificatesActive: true, passingGrade: 0.5 });
  if (created.status !== 201) throw new Error(`creating ${courseId} answered ${created.status}: ${JSON.stringify(created.body)}`);
  const suffix = courseId.slice(-8);
  const learnerIds = Array.from({ length: count }, (_, i) => `learner-${String(i).padStart(5, '0')}-${suffix}`);
  const enrolled = await api.put(`/courses/${courseId}/enrollments`, { enrollments: learnerIds.map((id) => ({ learnerId: id, email: `${id}@example.org`, name: `Learner ${id}`, mode: 'verified' })) });
  if (enrolled.status !== 200) throw new Error(`enrolling in ${courseId} answered ${enrolled.status}: ${JSON.stringify(enrolled.body)}`);
  const graded = await api.put(`/courses/${courseId}/grades`, { grades: learnerIds.map((id) => ({ learnerId: id, grade: 0.9 })) });
  if (graded.status !== 200) throw new Error(`grading in ${courseId} answered ${graded.status}: ${JSON.stringify(graded.body)}`);
  return { courseId, learnerIds };
}
