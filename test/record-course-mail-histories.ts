import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startMailCatcher } from '../scripts/lib/mail-catcher.cjs';
import { courseMailWorkflowId } from '../workflows/course-mail';
import { generationWorkflowId } from '../workflows/definitions';
import { generateAfterCourseEnd } from './helpers/generation';
import { uniqueCourseId, useService, waitFor } from './helpers/service';
import { historyToJSON } from './workflow-histories/history-json';

/**
 * Records the histories of the course mail workflow and of a generation that hands its mail to
 * it, for test/workflow-replay.test.ts. Not part of `npm test`; run it with
 * `npx jest --runInBand --testMatch '**\/test/record-course-mail-histories.ts'` after a change
 * to either, and keep what it writes to test/workflow-histories/.
 */
const HISTORIES_DIR = path.join(__dirname, 'workflow-histories');

describe('record course mail histories', () => {
  let catcher: Awaited<ReturnType<typeof startMailCatcher>>;
  let connection: Connection;
  let client: Client;
  // Two mails a second: a regeneration's request for mail arrives while the first batch is going out.
  const env: Record<string, string> = { CERTIFICATE_MAIL_RATE: '2' };
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

  it('records a course mail run asked for twice, and the generation that asked first', async () => {
    const courseId = uniqueCourseId('MailHistory');
    const tag = courseId.slice(-8);
    await ctx.api.post('/courses', { id: courseId, title: 'Mail history', pacing: 'instructor', endAt: new Date(Date.now() + 1500).toISOString(), passingGrade: 0.5, certificatesActive: true });
    const people = [0, 1, 2, 3].map((i) => ({ learnerId: `l${i}-${tag}`, email: `l${i}-${tag}@example.org`, name: `Learner ${i}`, mode: 'verified' }));
    await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: people });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: people.map((p) => ({ learnerId: p.learnerId, grade: 0.9 })) });
    const first = await generateAfterCourseEnd(ctx.api, courseId);
    const again = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'regenerate', groups: ['downloadable'] });
    await waitFor('the regeneration', async () => (await ctx.api.get(`/generation-tasks/${again.body.id}`)).body.state === 'succeeded');

    const mail = client.workflow.getHandle(courseMailWorkflowId(courseId));
    await mail.result();
    const histories = {
      'course-mail-asked-twice': await mail.fetchHistory(),
      'generate-certificates-mail-leaves-generation': await client.workflow.getHandle(generationWorkflowId(first.id)).fetchHistory(),
    };
    for (const [name, history] of Object.entries(histories)) fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), historyToJSON(history));
  }, 120_000);
});
