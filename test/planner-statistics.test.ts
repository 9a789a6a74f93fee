/**
 * Bulk writes through the API leave the planner fresh statistics: a course's learners arrive in
 * seconds, and until the tables are analyzed again the planner reads whole courses where it should
 * look up a page (see PlannerStatisticsRepository). The service runs on a database of its own, so
 * the tables hold only what this test writes, and the rule (half the rows changed) is exact.
 * Observed in PostgreSQL's own statistics view: `last_analyze` is set by an explicit ANALYZE only,
 * never by autovacuum.
 */
import { randomUUID } from 'node:crypto';
import { dropDatabase, ensureDatabase, LOCAL_SERVER, migrateDeploy } from '../scripts/lib/database.cjs';
import { adminHeaders } from './helpers/auth';
import { httpClient, startService, uniqueCourseId, waitFor, type RunningService } from './helpers/service';

describe('planner statistics after bulk writes', () => {
  const server = process.env.POSTGRES_SERVER_URL ?? LOCAL_SERVER;
  const databaseName = `certificates_statistics_${randomUUID().slice(0, 8)}`;
  let service: RunningService;
  let api: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    const url = await ensureDatabase(server, databaseName);
    migrateDeploy(url, { quiet: true });
    service = await startService({ DATABASE_URL: url });
    api = httpClient(service.baseUrl, await adminHeaders());
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await dropDatabase(server, databaseName);
  });

  const statistics = async (table: string) => {
    const [row] = await service.db.$queryRaw<Array<{ analyzedAt: Date | null; modified: number }>>`
      SELECT last_analyze AS "analyzedAt", n_mod_since_analyze::int AS modified FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ${table}`;
    return row!;
  };

  it('analyzes the learners and enrollments once a bulk enrollment changed half their rows, and not for a few more', async () => {
    const courseId = uniqueCourseId('Statistics');
    const tag = courseId.slice(-8);
    expect((await api.post('/courses', { id: courseId, title: 'Statistics', pacing: 'self', endAt: new Date(Date.now() + 864e5).toISOString(), certificatesActive: true, passingGrade: 0.5 })).status).toBe(201);
    const enroll = async (from: number, count: number) => {
      const rows = Array.from({ length: count }, (_, i) => ({ learnerId: `${tag}-stat-${from + i}`, email: `stat${from + i}.${tag}@example.org`, name: `Stat ${from + i}`, mode: 'verified' }));
      expect((await api.put(`/courses/${courseId}/enrollments`, { enrollments: rows })).status).toBe(200);
    };
    expect((await statistics('learners')).analyzedAt).toBeNull();

    // 5,000 new rows in empty tables: stale. PostgreSQL publishes the changes within a second or
    // so, and the next bulk write finds them.
    await enroll(0, 5000);
    const analyzed = await waitFor(
      'learners and enrollments analyzed',
      async () => {
        const [learners, enrollments] = [await statistics('learners'), await statistics('enrollments')];
        if (learners.analyzedAt && enrollments.analyzedAt) return { learners: learners.analyzedAt, enrollments: enrollments.analyzedAt };
        await enroll(0, 1); // the same learner again: a bulk write that changes nothing much
        return null;
      },
      30_000,
    );

    // 1,500 more of 5,000 is not half: the statistics stay as they were.
    await enroll(5000, 1500);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await enroll(5000, 1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await statistics('learners')).analyzedAt).toEqual(analyzed.learners);
    expect((await statistics('learners')).modified).toBeGreaterThanOrEqual(1500);
  }, 180_000);
});
