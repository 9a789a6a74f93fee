import { Client, Connection } from '@temporalio/client';
import { generationWorkflowId } from '../workflows/definitions';
import { bearer, lmsToken } from './helpers/auth';
import { courseWithPassingLearners as createPassingCourse, type GenerationTaskView } from './helpers/generation';
import { httpClient, useService, waitFor } from './helpers/service';

type Api = ReturnType<typeof httpClient>;

type Task = GenerationTaskView;

/**
 * What the instructor sees of a generation task while it runs: a task that continues as new many
 * times is queued, running, then succeeded, never failed in between; and a task cancelled midway
 * ends as cancelled with what it issued kept, so the next task issues the rest.
 */
describe('generation task state', () => {
  // Chunks of ten learners, one at a time, three per run: a few hundred learners make a task
  // continue as new several times and run for a few seconds.
  const ctx = useService({ ISSUANCE_CHUNK_SIZE: '10', ISSUANCE_BATCH_SIZE: '5', ISSUANCE_MAX_IN_FLIGHT: '1', ISSUANCE_CHUNKS_PER_RUN: '3' });
  let connection: Connection;
  let client: Client;
  beforeAll(async () => {
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
  });

  /** A self-paced course still running, with `count` learners who all pass. */
  async function courseWithPassingLearners(label: string, count: number): Promise<{ courseId: string; instructor: Api }> {
    const { courseId } = await createPassingCourse(ctx.api, label, count);
    const suffix = courseId.slice(-8);
    const instructor = httpClient(ctx.service.baseUrl, bearer(await lmsToken({ role: 'instructor', sub: `prof-${suffix}`, courses: [courseId] })));
    return { courseId, instructor };
  }

  async function startGeneration(api: Api, courseId: string): Promise<Task> {
    const started = await api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners' });
    expect(started.status).toBe(202);
    return started.body;
  }

  /** Runs of the task's workflow so far, following continue-as-new back to the first. */
  async function runsOf(taskId: string): Promise<number> {
    let runs = 0;
    let runId: string | undefined;
    for (;;) {
      const history = await client.workflow.getHandle(generationWorkflowId(taskId), runId).fetchHistory();
      runs += 1;
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
      if (!runId) return runs;
    }
  }

  it('reads queued, running and succeeded while the task continues as new, never failed, and ends with exact counts', async () => {
    const learners = 300;
    const { courseId, instructor } = await courseWithPassingLearners('TaskState', learners);
    const task = await startGeneration(instructor, courseId);

    // Both places the instructor reads the state: the task and the course's history.
    const seen = new Set<string>();
    const wrong: string[] = [];
    let last: Task | null = null;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const [one, history] = await Promise.all([instructor.get<Task>(`/generation-tasks/${task.id}`), instructor.get(`/courses/${courseId}/generation-tasks`)]);
      const listed = (history.body.tasks as Task[]).find((t) => t.id === task.id);
      for (const read of [one.body, listed]) {
        if (!read) continue;
        seen.add(read.state);
        if (!['queued', 'running', 'succeeded'].includes(read.state) || read.error !== null) wrong.push(`${read.state}: ${read.error}`);
      }
      last = one.body;
      if (last.state === 'succeeded' && listed?.state === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(wrong).toEqual([]);
    expect(seen.has('running')).toBe(true);
    expect(last).toMatchObject({ state: 'succeeded', total: learners, done: learners, issued: learners, failed: 0, error: null });
    // The scenario really continued as new: 30 chunks at 3 per run.
    expect(await runsOf(task.id)).toBeGreaterThanOrEqual(5);
    expect((await instructor.get(`/courses/${courseId}`)).body.certificates).toEqual({ downloadable: learners });
  }, 120_000);

  it('cancels a running task within seconds, keeps what it issued, and lets the next task issue the rest', async () => {
    const learners = 400;
    const { courseId, instructor } = await courseWithPassingLearners('TaskCancel', learners);
    const task = await startGeneration(instructor, courseId);
    await waitFor('the task to issue its first certificates', async () => {
      const read = (await instructor.get<Task>(`/generation-tasks/${task.id}`)).body;
      return read.state === 'running' && read.issued >= 20 ? read : null;
    });

    // The instructor's Certificates page offers to cancel the running task.
    const dashboard = `/app/courses/${encodeURIComponent(courseId)}/certificates`;
    const running = await (await instructor.fetch(dashboard, { headers: { accept: 'text/html' } })).text();
    expect(running).toContain(`action="/generation-tasks/${task.id}/cancel"`);

    const cancel = await instructor.post(`/generation-tasks/${task.id}/cancel`, {});
    expect(cancel.status).toBe(202);
    expect(cancel.body.id).toBe(task.id);
    const askedAt = Date.now();
    const cancelled = await waitFor(
      'the task to read cancelled',
      async () => {
        const read = (await instructor.get<Task>(`/generation-tasks/${task.id}`)).body;
        return read.state === 'cancelled' ? read : null;
      },
      10_000,
    );
    expect(Date.now() - askedAt).toBeLessThan(10_000);
    expect(cancelled.error).toMatch(/^Cancelled by /);
    expect(cancelled.finishedAt).not.toBeNull();
    expect(cancelled.issued).toBeGreaterThanOrEqual(20);
    expect(cancelled.issued).toBeLessThan(learners);
    expect(cancelled).toMatchObject({ total: learners, done: cancelled.issued, failed: 0 });

    // Nothing runs on after the cancel: the counts recorded are the certificates that exist.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await instructor.get(`/courses/${courseId}`)).body.certificates).toEqual({ downloadable: cancelled.issued });
    expect((await instructor.get<Task>(`/generation-tasks/${task.id}`)).body).toMatchObject({ state: 'cancelled', done: cancelled.done, issued: cancelled.issued });
    const history = (await instructor.get(`/courses/${courseId}/generation-tasks`)).body.tasks as Task[];
    expect(history.find((t) => t.id === task.id)).toMatchObject({ state: 'cancelled', issued: cancelled.issued });
    const after = await (await instructor.fetch(dashboard, { headers: { accept: 'text/html' } })).text();
    expect(after).toContain('<span class="badge cancelled">cancelled</span>');
    expect(after).not.toContain(`action="/generation-tasks/${task.id}/cancel"`);

    // What the cancelled task issued is a whole, valid certificate.
    const listed = (await instructor.get(`/courses/${courseId}/certificates`)).body.certificates as Array<{ id: string; status: string }>;
    const kept = listed.filter((c) => c.status === 'downloadable').slice(0, 3);
    expect(kept.length).toBe(3);
    for (const certificate of kept) {
      const jwt = await instructor.fetch(`/certificates/${certificate.id}/credential.jwt`);
      expect(jwt.status).toBe(200);
      expect((await jwt.text()).split('.')).toHaveLength(3);
      expect((await ctx.api.get(`/verify/${certificate.id}`)).body.verdict).toBe('valid');
    }

    // A finished task cannot be cancelled; an unknown one does not exist.
    const again = await instructor.post(`/generation-tasks/${task.id}/cancel`, {});
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already been cancelled/);
    expect((await instructor.post('/generation-tasks/00000000-0000-4000-8000-000000000000/cancel', {})).status).toBe(404);

    // The course's lifecycle carries on: the next task runs and issues the rest.
    const next = await startGeneration(instructor, courseId);
    const finished = await waitFor(
      'the next task to finish',
      async () => {
        const read = (await instructor.get<Task>(`/generation-tasks/${next.id}`)).body;
        return read.state === 'succeeded' || read.state === 'failed' ? read : null;
      },
      60_000,
    );
    expect(finished).toMatchObject({ state: 'succeeded', total: learners, failed: 0 });
    expect((await instructor.get(`/courses/${courseId}`)).body.certificates).toEqual({ downloadable: learners });
    for (const certificate of kept) expect((await ctx.api.get(`/verify/${certificate.id}`)).body.verdict).toBe('valid');
    expect((await instructor.post(`/generation-tasks/${next.id}/cancel`, {})).status).toBe(409);
  }, 120_000);

  it('cancels a queued task before it starts: it issues nothing and the tasks after it run', async () => {
    const learners = 200;
    const { courseId, instructor } = await courseWithPassingLearners('TaskCancelQueued', learners);
    const first = await startGeneration(instructor, courseId);
    const queued = await startGeneration(instructor, courseId);
    const third = await startGeneration(instructor, courseId);
    // The course runs its tasks one at a time: the second waits behind the first.
    expect((await instructor.get<Task>(`/generation-tasks/${queued.id}`)).body.state).toBe('queued');
    const cancel = await instructor.post(`/generation-tasks/${queued.id}/cancel`, {});
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ state: 'cancelled', done: 0, issued: 0 });

    const last = await waitFor(
      'the third task to finish',
      async () => {
        const read = (await instructor.get<Task>(`/generation-tasks/${third.id}`)).body;
        return read.state === 'succeeded' || read.state === 'failed' ? read : null;
      },
      60_000,
    );
    expect(last.state).toBe('succeeded');
    expect((await instructor.get<Task>(`/generation-tasks/${first.id}`)).body).toMatchObject({ state: 'succeeded', issued: learners });
    expect((await instructor.get<Task>(`/generation-tasks/${queued.id}`)).body).toMatchObject({ state: 'cancelled', done: 0, issued: 0, total: null });
  }, 120_000);
});
