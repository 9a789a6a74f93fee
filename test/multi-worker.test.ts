import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { generationWorkflowId } from '../workflows/definitions';
import { courseWithPassingLearners, type GenerationTaskView } from './helpers/generation';
import { startExtraWorker, useService, waitFor, type ExtraWorker } from './helpers/service';

const LEARNERS = 3000;

type Task = GenerationTaskView;

/**
 * Two worker processes poll the same task queue, as two machines would: a course's bulk run is
 * shared between them, and every learner still gets exactly one certificate.
 */
describe('two workers on one task queue', () => {
  // Many small chunks, several at once: both workers write batches of the same course concurrently.
  const ctx = useService({ ISSUANCE_CHUNK_SIZE: '100', ISSUANCE_BATCH_SIZE: '25', ISSUANCE_MAX_IN_FLIGHT: '4', ISSUANCE_CHUNKS_PER_RUN: '12' });
  let extra: ExtraWorker;
  let connection: Connection;
  let client: Client;
  beforeAll(async () => {
    extra = await startExtraWorker(ctx.service);
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    client = new Client({ connection });
  }, 60_000);
  afterAll(async () => {
    await extra?.stop();
    await connection?.close();
  });

  /** The worker identity of every issuing activity of the task, across all its runs (continue-as-new). */
  async function chunkWorkers(taskId: string): Promise<string[]> {
    const identities: string[] = [];
    let runId: string | undefined;
    for (;;) {
      const history = await client.workflow.getHandle(generationWorkflowId(taskId), runId).fetchHistory();
      const scheduled = new Map<string, string>();
      for (const event of history.events ?? []) {
        const attrs = event.activityTaskScheduledEventAttributes;
        if (attrs) scheduled.set(String(event.eventId), attrs.activityType?.name ?? '');
        const startedAttrs = event.activityTaskStartedEventAttributes;
        if (startedAttrs && scheduled.get(String(startedAttrs.scheduledEventId)) === 'issueCertificateRange') identities.push(startedAttrs.identity ?? '');
      }
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
      if (!runId) return identities;
    }
  }

  it('share a course of a few thousand learners: exact count, one certificate per learner, both workers issued', async () => {
    const { api } = ctx;
    const { courseId, learnerIds: ids } = await courseWithPassingLearners(api, 'TwoWorkers', LEARNERS);

    const started = await api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners' });
    expect(started.status).toBe(202);
    const task = await waitFor(
      'the generation task to finish',
      async () => {
        const read = (await api.get<Task>(`/generation-tasks/${started.body.id}`)).body;
        return read.state === 'succeeded' || read.state === 'failed' ? read : null;
      },
      180_000,
    );
    expect(task).toMatchObject({ state: 'succeeded', total: LEARNERS, done: LEARNERS, issued: LEARNERS, failed: 0, error: null });
    expect((await api.get(`/courses/${courseId}`)).body.certificates).toEqual({ downloadable: LEARNERS });

    // Every learner once, read back page by page as the LMS would.
    const learners: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { certificates: Array<{ learnerId: string; status: string }>; nextCursor: string | null } } = await api.get(
        `/courses/${courseId}/certificates?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      for (const certificate of page.body.certificates) {
        expect(certificate.status).toBe('downloadable');
        learners.push(certificate.learnerId);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(learners).toHaveLength(LEARNERS);
    expect(new Set(learners).size).toBe(LEARNERS);
    expect([...learners].sort()).toEqual(ids);

    // Temporal records which worker started each chunk: both did some.
    const identities = await chunkWorkers(task.id);
    expect(identities.length).toBeGreaterThanOrEqual(LEARNERS / 100);
    const here = identities.filter((i) => i === `${process.pid}@${os.hostname()}`).length;
    const there = identities.filter((i) => i === `${extra.pid}@${os.hostname()}`).length;
    expect(here + there).toBe(identities.length);
    expect(here).toBeGreaterThan(0);
    expect(there).toBeGreaterThan(0);
  }, 240_000);
});
