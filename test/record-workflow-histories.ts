import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { courseWorkflowId, lifecycleInput } from '../apps/shared/temporal';
import { startMailCatcher } from '../scripts/lib/mail-catcher.cjs';
import { courseLifecycleWorkflow } from '../workflows';
import { courseMessageWorkflowId, generationWorkflowId, learnerRequestWorkflowId, lifecycleStateQuery } from '../workflows/definitions';
import { httpClient, useService, uniqueCourseId, waitFor } from './helpers/service';
import { historyToJSON } from './workflow-histories/history-json';

/**
 * Records the histories that test/workflow-replay.test.ts replays against the current workflow
 * code: real runs of every workflow type and its main branches, driven through the HTTP API.
 * Not part of `npm test`; run it with `npm run histories:record` (see the README's "Changing a
 * workflow that is already running") and commit what it writes to test/workflow-histories/.
 */
const HISTORIES_DIR = path.join(__dirname, 'workflow-histories');

type Api = ReturnType<typeof httpClient>;
type Catcher = Awaited<ReturnType<typeof startMailCatcher>>;

describe('record workflow histories', () => {
  let catcher: Catcher;
  let connection: Connection;
  let client: Client;
  // Chunks of one learner, one at a time, two per run: three learners make a generation continue as new.
  // Self-paced interval runs every 3 s, so a recorded self-paced course sees a few.
  const env: Record<string, string> = { ISSUANCE_CHUNK_SIZE: '1', ISSUANCE_MAX_IN_FLIGHT: '1', ISSUANCE_CHUNKS_PER_RUN: '2', FAREWELL_MIN_INTERVAL: '0', SELF_PACED_ISSUANCE_INTERVAL: '3s' };
  beforeAll(async () => {
    catcher = await startMailCatcher();
    env.SMTP_URL = catcher.smtpUrl;
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    await catcher?.stop();
  });
  const ctx = useService(env);
  const recorded = new Map<string, History>();
  // Histories are written only when every case was recorded, never a partial set.
  const CASES = 3;
  let casesRecorded = 0;

  /** Every run of a workflow id, oldest first (a continued run names the run before it). */
  async function runsOf(workflowId: string): Promise<History[]> {
    const runs: History[] = [];
    let runId: string | undefined;
    for (;;) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      runs.unshift(history);
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
      if (!runId) return runs;
    }
  }

  /**
   * A lifecycle (it never finishes) once it has nothing running or queued and its last workflow
   * task has completed: replay then sees whole workflow tasks.
   */
  async function idleLifecycle(courseId: string): Promise<History> {
    const handle = client.workflow.getHandle(courseWorkflowId(courseId));
    return waitFor(`the lifecycle of ${courseId} to be idle`, async () => {
      const state = await handle.query(lifecycleStateQuery);
      if (state.phase !== 'active' || state.currentTaskId !== null || state.queuedTaskIds.length > 0) return null;
      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      return events[events.length - 1]?.workflowTaskCompletedEventAttributes ? history : null;
    });
  }

  /** A workflow that finishes (all but the lifecycle): every run of it, once it has. */
  async function record(name: string, workflowId: string): Promise<void> {
    await client.workflow.getHandle(workflowId).result();
    const runs = await runsOf(workflowId);
    if (runs.length === 1) recorded.set(name, runs[0]);
    else runs.forEach((history, i) => recorded.set(`${name}-run-${i + 1}`, history));
  }

  async function enroll(api: Api, courseId: string, people: Array<{ id: string; grade: number }>) {
    const suffix = courseId.slice(-8);
    const learnerId = (id: string) => `${id}-${suffix}`;
    expect(
      (await api.put(`/courses/${courseId}/enrollments`, {
        enrollments: people.map((p) => ({ learnerId: learnerId(p.id), email: `${learnerId(p.id)}@example.org`, name: `Learner ${p.id}`, mode: 'verified' })),
      })).status,
    ).toBe(200);
    expect((await api.put(`/courses/${courseId}/grades`, { grades: people.map((p) => ({ learnerId: learnerId(p.id), grade: p.grade })) })).status).toBe(200);
    return learnerId;
  }

  async function generate(api: Api, courseId: string, request: Record<string, unknown>): Promise<string> {
    const task = await api.post(`/courses/${courseId}/generation-tasks`, { requestedBy: 'prof@example.org', ...request });
    expect(task.status).toBe(202);
    return task.body.id;
  }

  /** Waits for a generation task's workflow, through every run, and checks the task succeeded. */
  async function finished(api: Api, taskId: string): Promise<void> {
    const handle = client.workflow.getHandle(generationWorkflowId(taskId));
    await waitFor(`generation task ${taskId} to start`, () => handle.describe());
    await handle.result();
    const task = (await api.get(`/generation-tasks/${taskId}`)).body;
    expect({ state: task.state, error: task.error }).toEqual({ state: 'succeeded', error: null });
  }

  it('instructor-paced: end date moved, bulk issuance continuing as new, regrade, regeneration, farewell', async () => {
    const { api } = ctx;
    const courseId = uniqueCourseId('ReplayPaced');
    expect((await api.post('/courses', { id: courseId, title: 'Replay, instructor-paced', pacing: 'instructor', endAt: new Date(Date.now() + 3_600_000).toISOString(), certificatesActive: true, passingGrade: 0.6, autoGenerateCertificates: true })).status).toBe(201);
    const learnerId = await enroll(api, courseId, [
      { id: 'ada', grade: 0.9 },
      { id: 'alan', grade: 0.7 },
      { id: 'grace', grade: 0.3 },
    ]);
    await waitFor('the lifecycle to read its schedule', async () => (await api.get(`/courses/${courseId}`)).body.lifecycle?.finalizesAt);
    expect((await api.patch(`/courses/${courseId}`, { endAt: new Date(Date.now() + 1500).toISOString() })).status).toBe(200);
    await waitFor('bulk issuance', async () => (await api.get(`/courses/${courseId}`)).body.certificatesGeneratedAt);

    expect((await api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: learnerId('grace'), grade: 0.8 }] })).status).toBe(200);
    const tasks = await waitFor('the regrade task', async () => {
      const list = (await api.get(`/courses/${courseId}/generation-tasks`)).body.tasks as Array<{ id: string; kind: string; state: string }>;
      return list.some((t) => t.kind === 'regrade' && t.state === 'succeeded') ? list : null;
    });
    const regenerate = await generate(api, courseId, { kind: 'regenerate', groups: ['downloadable'] });
    await finished(api, regenerate);

    const farewell = await api.post(`/courses/${courseId}/farewell`, { subject: 'Farewell', body: 'Thank you for taking part.' });
    expect(farewell.status).toBe(202);
    await waitFor('the farewell to be sent', async () => (await ctx.service.db.courseMessage.findUnique({ where: { id: farewell.body.id } }))?.finishedAt);

    recorded.set('course-lifecycle-instructor-paced', await idleLifecycle(courseId));
    const bulk = tasks.find((t) => t.kind === 'all_learners')!;
    const regrade = tasks.find((t) => t.kind === 'regrade')!;
    await record('generate-certificates-bulk', generationWorkflowId(bulk.id));
    await record('generate-certificates-regrade', generationWorkflowId(regrade.id));
    await record('generate-certificates-regenerate', generationWorkflowId(regenerate));
    await record('course-message-farewell', courseMessageWorkflowId(farewell.body.id));
    expect(recorded.has('generate-certificates-bulk-run-2')).toBe(true);

    // A run after continue-as-new starts already ended, with the tasks the previous run had
    // queued. Reaching that through the API takes a hundred tasks, so this replaces the run with
    // what its continue-as-new would start, the queued task recorded as the API records one.
    const handle = client.workflow.getHandle(courseWorkflowId(courseId));
    await handle.terminate('replaced by its continued form, to record that form');
    const queued = await ctx.service.db.generationTask.create({
      data: { courseId, kind: 'regenerate', groups: ['downloadable'], requestedBy: 'prof@example.org', workflowId: courseWorkflowId(courseId) },
    });
    await client.workflow.start(courseLifecycleWorkflow, {
      workflowId: courseWorkflowId(courseId),
      taskQueue: ctx.service.config.temporal.taskQueue,
      args: [{ ...lifecycleInput(ctx.service.config, courseId), ended: true, pendingTaskIds: [queued.id] }],
    });
    const signalled = await generate(api, courseId, { kind: 'all_learners' });
    await finished(api, queued.id);
    await finished(api, signalled);
    recorded.set('course-lifecycle-continued', await idleLifecycle(courseId));
    casesRecorded += 1;
  }, 180_000);

  it('self-paced: generation before the course ends, on-demand requests issued and refused', async () => {
    const { api } = ctx;
    const courseId = uniqueCourseId('ReplaySelf');
    expect((await api.post('/courses', { id: courseId, title: 'Replay, self-paced', pacing: 'self', endAt: new Date(Date.now() + 6000).toISOString(), certificatesActive: true, passingGrade: 0.6 })).status).toBe(201);
    const learnerId = await enroll(api, courseId, [
      { id: 'eager', grade: 0.9 },
      { id: 'early', grade: 0.4 },
    ]);
    // Requests first: a learner who already holds a certificate gets it without a workflow.
    const issued = await api.post(`/courses/${courseId}/learners/${learnerId('eager')}/certificate`);
    expect(issued.body).toMatchObject({ issued: true });
    const refused = await api.post(`/courses/${courseId}/learners/${learnerId('early')}/certificate`);
    expect(refused.body).toMatchObject({ issued: false, reason: 'grade_below_passing' });
    const early = await generate(api, courseId, { kind: 'all_learners' });
    expect((await api.get(`/courses/${courseId}`)).body.lifecycle.phase).toBe('waiting_for_course_end');
    await finished(api, early);

    recorded.set('course-lifecycle-self-paced', await idleLifecycle(courseId));
    await record('generate-certificates-before-course-end', generationWorkflowId(early));
    await record('learner-certificate-issued', learnerRequestWorkflowId(courseId, learnerId('eager')));
    await record('learner-certificate-refused', learnerRequestWorkflowId(courseId, learnerId('early')));
    casesRecorded += 1;
  }, 120_000);

  it('self-paced under "end": interval issuance to a learner who never asked, its mail sent at the course end', async () => {
    const { api } = ctx;
    const courseId = uniqueCourseId('ReplayInterval');
    expect((await api.post('/courses', { id: courseId, title: 'Replay, self-paced intervals', pacing: 'self', displayBehavior: 'end', endAt: new Date(Date.now() + 7000).toISOString(), certificatesActive: true, passingGrade: 0.6 })).status).toBe(201);
    const learnerId = await enroll(api, courseId, [
      { id: 'quiet', grade: 0.9 },
      { id: 'behind', grade: 0.4 },
    ]);
    const email = `${learnerId('quiet')}@example.org`;
    await catcher.waitFor(1, (m) => m.to.includes(email));
    const tasks = (await api.get(`/courses/${courseId}/generation-tasks`)).body.tasks as Array<{ requestedBy: string }>;
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.every((t) => t.requestedBy === 'system (interval)')).toBe(true);
    recorded.set('course-lifecycle-self-paced-interval', await idleLifecycle(courseId));
    casesRecorded += 1;
  }, 120_000);

  it('writes the histories to test/workflow-histories/', () => {
    expect(casesRecorded).toBe(CASES);
    // Files of other names stay: histories kept from older workflow code must go on replaying.
    fs.mkdirSync(HISTORIES_DIR, { recursive: true });
    for (const [name, history] of recorded) {
      fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), historyToJSON(history));
    }
    process.stdout.write(`\n[histories] ${recorded.size} histories written to ${path.relative(process.cwd(), HISTORIES_DIR)}: ${[...recorded.keys()].sort().join(', ')}\n`);
  });
});
