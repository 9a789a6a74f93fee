import { Prisma } from '../../../prisma/generated/client';
import type { Database } from '../database';

/** The tables bulk writes grow: ingestion, exception imports and issuance. */
export type BulkTable = 'learners' | 'enrollments' | 'lesson_completions' | 'certificate_exceptions' | 'certificates' | 'invalidations';

/** Changes since the last ANALYZE that make a table's statistics stale: half its rows, and at least this many. */
const STALE_AFTER_AT_LEAST = 1000;

/** Whether a table changed enough since its statistics were taken to take them again. */
export function statisticsAreStale(table: { modifiedSinceAnalyze: number; liveRows: number }): boolean {
  return table.modifiedSinceAnalyze >= Math.max(STALE_AFTER_AT_LEAST, table.liveRows / 2);
}

/**
 * Keeps the planner's statistics up with bulk writes. A course's 100,000 enrollments or
 * certificates arrive in seconds, and until the tables are analyzed again the planner works from
 * what they held before (nothing at all for a new table or for the expression indexes that search
 * learners): it then reads a whole course where it should look up 50 rows, 0.5 s instead of 5 ms
 * on the Certificates page at 1,000,000 learners. Autovacuum analyzes too, but only a minute or
 * more later, and not at all where it is off. After a bulk write, the writer asks here: a table
 * whose rows changed by half since it was last analyzed (and by at least 1,000) is analyzed again,
 * in the background. ANALYZE reads a fixed sample (about 0.4 s for 1,000,000 certificates) and
 * blocks no reader or writer. One refresh at a time per process; a write during one is checked by
 * the next write.
 */
export class PlannerStatisticsRepository {
  private running: Promise<string[]> | null = null;

  constructor(private readonly db: Database) {}

  /** Starts a refresh of these tables unless one is under way; the tables analyzed, once it ends. */
  refreshSoon(tables: readonly BulkTable[]): Promise<string[]> {
    if (this.running) return this.running;
    this.running = this.refresh(tables)
      .catch(() => [])
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** Analyzes those of the tables whose statistics are stale; the tables analyzed. */
  async refresh(tables: readonly BulkTable[]): Promise<string[]> {
    const rows = await this.db.$queryRaw<Array<{ table: BulkTable; modifiedSinceAnalyze: number; liveRows: number }>>`
      SELECT relname AS "table", n_mod_since_analyze::float8 AS "modifiedSinceAnalyze", n_live_tup::float8 AS "liveRows"
        FROM pg_stat_user_tables
       WHERE schemaname = current_schema() AND relname = ANY(${[...tables]}::text[])`;
    const stale = rows.filter((r) => tables.includes(r.table) && statisticsAreStale(r)).map((r) => r.table);
    // Names from the closed list above only: ANALYZE takes no parameters.
    for (const table of stale) await this.db.$executeRaw`ANALYZE ${Prisma.raw(`"${table}"`)}`;
    return stale;
  }
}
