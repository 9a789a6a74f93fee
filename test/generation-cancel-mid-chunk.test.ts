import { courseWithPassingLearners, type GenerationTaskView } from './helpers/generation';
import { useService, waitFor } from './helpers/service';

const LEARNERS = 2000;

type Task = GenerationTaskView;

/**
 * A cancel does not wait for the chunk under way: the issuing activity stops after the batch it
 * is writing, so even one chunk holding the whole course stops within seconds.
 */
describe('cancelling a generation task in the middle of a chunk', () => {
  // One chunk for the whole course, written in small batches.
  const ctx = useService({ ISSUANCE_CHUNK_SIZE: String(LEARNERS), ISSUANCE_BATCH_SIZE: '10', ISSUANCE_MAX_IN_FLIGHT: '1' });

  it('stops within seconds after the batch under way, with counts that match the certificates written', async () => {
    const { api } = ctx;
    const { courseId } = await courseWithPassingLearners(api, 'CancelMidChunk', LEARNERS);

    const started = await api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners' });
    expect(started.status).toBe(202);
    const taskId = started.body.id as string;
    // The single chunk is under way once its first batches are written.
    await waitFor('the first certificates', async () => {
      const counts = (await api.get(`/courses/${courseId}`)).body.certificates as Record<string, number>;
      return (counts.downloadable ?? 0) >= 30 ? counts : null;
    });

    const askedAt = Date.now();
    expect((await api.post(`/generation-tasks/${taskId}/cancel`, {})).status).toBe(202);
    const cancelled = await waitFor(
      'the task to read cancelled',
      async () => {
        const read = (await api.get<Task>(`/generation-tasks/${taskId}`)).body;
        return read.state === 'cancelled' ? read : null;
      },
      15_000,
    );
    const tookMs = Date.now() - askedAt;
    expect(tookMs).toBeLessThan(5_000);
    expect(cancelled.issued).toBeGreaterThanOrEqual(30);
    expect(cancelled.issued).toBeLessThan(LEARNERS);
    expect(cancelled).toMatchObject({ total: LEARNERS, done: cancelled.issued, failed: 0 });

    // Nothing is written after the cancel, and what was written is whole: every row a signed, valid certificate.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api.get(`/courses/${courseId}`)).body.certificates).toEqual({ downloadable: cancelled.issued });
    const listed = (await api.get(`/courses/${courseId}/certificates?limit=500`)).body.certificates as Array<{ id: string; status: string }>;
    expect(listed.every((c) => c.status === 'downloadable')).toBe(true);
    for (const certificate of listed.slice(-3)) expect((await api.get(`/verify/${certificate.id}`)).body.verdict).toBe('valid');

    // The next task resumes the course from where the cancelled one stopped.
    const next = await api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners' });
    expect(next.status).toBe(202);
    const finished = await waitFor(
      'the next task to finish',
      async () => {
        const read = (await api.get<Task>(`/generation-tasks/${next.body.id}`)).body;
        return read.state === 'succeeded' || read.state === 'failed' ? read : null;
      },
      120_000,
    );
    expect(finished).toMatchObject({ state: 'succeeded', total: LEARNERS, failed: 0 });
    expect((await api.get(`/courses/${courseId}`)).body.certificates).toEqual({ downloadable: LEARNERS });
  }, 180_000);
});
