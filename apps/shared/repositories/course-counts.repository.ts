import type { Database } from '../database';
import { courseCountsFrom, type CourseCounts } from '../domain/course-counts';

/**
 * Delta rows a course may gather before a read folds them into one row per counter. Writers add a
 * row per statement and counter that changed (a bulk issuance of 1,000,000 learners: some
 * thousands), so reads stay a few milliseconds between folds whatever the course's size.
 */
const FOLD_AFTER_ROWS = 200;

/**
 * A course's counts, kept by the database (migration 20261201120000_course_counts): triggers on
 * enrollments, certificates, certificate_exceptions and invalidations append each statement's
 * deltas in the writer's own transaction; reading sums the course's rows.
 */
export class CourseCountsRepository {
  constructor(private readonly db: Database) {}

  async countsOf(courseId: string): Promise<CourseCounts> {
    const rows = await this.db.$queryRaw<Array<{ counter: string; total: bigint; rows: bigint }>>`
      SELECT counter, sum(delta)::bigint AS total, count(*)::bigint AS rows FROM course_counts WHERE course_id = ${courseId} GROUP BY counter`;
    const deltaRows = rows.reduce((n, r) => n + Number(r.rows), 0);
    if (deltaRows > FOLD_AFTER_ROWS) await this.fold(courseId);
    return courseCountsFrom(rows.map((r) => ({ counter: r.counter, total: Number(r.total) })));
  }

  /**
   * Replaces the course's delta rows by their sums, in a short transaction of its own. Rows of
   * writers that have not committed yet are not seen, so not touched: they count once they commit.
   * One fold per course at a time (an advisory lock); a read that finds one running does not wait.
   */
  async fold(courseId: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<Array<{ taken: boolean }>>`SELECT pg_try_advisory_xact_lock(hashtextextended(${`course_counts:${courseId}`}, 0)) AS taken`;
      if (!lock?.taken) return;
      await tx.$executeRaw`
        WITH folded AS (DELETE FROM course_counts WHERE course_id = ${courseId} RETURNING counter, delta)
        INSERT INTO course_counts (course_id, counter, delta)
        SELECT ${courseId}, counter, sum(delta) FROM folded GROUP BY counter HAVING sum(delta) <> 0`;
    });
  }
}
