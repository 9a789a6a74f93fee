import { Prisma } from '../../../prisma/generated/client';
import type { Selection } from '../../../workflows/definitions';
import { hasActiveInvalidationSql } from '../certificate-validity.sql';
import { bulkRows, type Database } from '../database';
import type { CourseFacts, LearnerStanding } from '../domain/learner-standing';
import { REGENERATION_GROUPS, regenerationSelection, type RegenerationGroup } from '../domain/regeneration-groups';
import type { CourseRecord } from './courses.repository';

export type { CourseFacts, LearnerStanding } from '../domain/learner-standing';

/** Learner ids in (after, upTo]; null leaves that side open. */
export interface LearnerRange {
  after: string | null;
  upTo: string | null;
}

/** Stored task groups are certificate statuses; only the five group names select anyone. */
function regenerationGroupsOf(groups: readonly string[]): RegenerationGroup[] {
  return groups.filter((g): g is RegenerationGroup => (REGENERATION_GROUPS as readonly string[]).includes(g));
}

/**
 * SQL condition over `e` (enrollments), `c` (the learner's certificate, if any) and `x` (their
 * active exception, if any) selecting the learners of a task.
 */
function selectionSql(selection: Selection): Prisma.Sql {
  switch (selection.kind) {
    case 'all_learners':
      return Prisma.sql`TRUE`;
    case 'regenerate': {
      // The five groups of seed 003; "have not received certificates" includes learners with no row yet.
      const { statuses, withoutCertificate } = regenerationSelection(regenerationGroupsOf(selection.groups ?? []));
      const withStatus = statuses.length ? Prisma.sql`c.status = ANY(${statuses}::"CertificateStatus"[])` : Prisma.sql`FALSE`;
      return withoutCertificate ? Prisma.sql`(c.id IS NULL OR ${withStatus})` : withStatus;
    }
    case 'exceptions_missing':
      return Prisma.sql`x.learner_id IS NOT NULL AND (c.id IS NULL OR c.status <> 'downloadable')`;
    case 'exceptions_all':
      return Prisma.sql`x.learner_id IS NOT NULL`;
    case 'regrade':
      return Prisma.sql`e.pending_reevaluation`;
    case 'single_learner':
      return Prisma.sql`e.learner_id = ${selection.learnerId ?? ''}`;
  }
}

/** Whether the selection looks at the learner's certificate or exception, or only at the enrollment. */
function readsCertificates(selection: Selection): boolean {
  switch (selection.kind) {
    case 'regenerate':
    case 'exceptions_missing':
    case 'exceptions_all':
      return true;
    case 'all_learners':
    case 'regrade':
    case 'single_learner':
      return false;
  }
}

/** The joins every selection may refer to, for a count over the whole course. */
const selectionJoins = Prisma.sql`
  LEFT JOIN certificates c ON c.course_id = e.course_id AND c.learner_id = e.learner_id
  LEFT JOIN certificate_exceptions x ON x.course_id = e.course_id AND x.learner_id = e.learner_id AND x.active`;

/**
 * The same, for reading the selection in learner order from a cursor: each enrollment looks up its
 * certificate and exception by key (OFFSET 0 keeps the planner from turning the lookups back into
 * joins). Otherwise the planner may read the course's certificates whole, or from their first row,
 * for every range: work that grows with the course and with how far the task has got.
 */
const selectionLookups = Prisma.sql`
  LEFT JOIN LATERAL (SELECT c0.id, c0.status, c0.jws, c0.status_list, c0.status_index FROM certificates c0
                      WHERE c0.course_id = e.course_id AND c0.learner_id = e.learner_id OFFSET 0) c ON TRUE
  LEFT JOIN LATERAL (SELECT x0.learner_id FROM certificate_exceptions x0
                      WHERE x0.course_id = e.course_id AND x0.learner_id = e.learner_id AND x0.active OFFSET 0) x ON TRUE`;

/** What the rules need to know about a course and its learners, read set-based. */
export class StandingsRepository {
  constructor(private readonly db: Database) {}

  /** The course's facts for the rules; null when the course does not exist. */
  async findCourseFacts(courseId: string): Promise<CourseFacts | null> {
    const course = await this.db.course.findUnique({ where: { id: courseId } });
    if (!course) return null;
    return this.courseFactsOf(course);
  }

  /** The facts of a course row the caller already holds: only the required lessons are counted. */
  async courseFactsOf(course: CourseRecord): Promise<CourseFacts> {
    const requiredLessons = await this.db.lesson.count({ where: { courseId: course.id, required: true } });
    return {
      id: course.id,
      title: course.title,
      passingGrade: course.passingGrade.toNumber(),
      showsGrade: course.certificateShowsGrade,
      honorEligible: course.honorEligible,
      idVerificationRequired: course.idVerificationRequired,
      requiredLessons,
    };
  }

  /** Learners of the selection with learner id in (after, upTo], in id order, at most `limit`. */
  async listStandings(
    { id: courseId, requiredLessons }: Pick<CourseFacts, 'id' | 'requiredLessons'>,
    selection: Selection,
    range: LearnerRange,
    limit: number,
  ): Promise<LearnerStanding[]> {
    const after = range.after === null ? Prisma.empty : Prisma.sql`AND e.learner_id > ${range.after}`;
    const upTo = range.upTo === null ? Prisma.empty : Prisma.sql`AND e.learner_id <= ${range.upTo}`;
    // Most courses have no required lessons; skip the per-learner count for them.
    const requiredDone = requiredLessons === 0
      ? Prisma.sql`0`
      : Prisma.sql`(SELECT count(*)::int FROM lesson_completions lc
                      JOIN lessons ls ON ls.course_id = lc.course_id AND ls.id = lc.lesson_id AND ls.required
                     WHERE lc.course_id = e.course_id AND lc.learner_id = e.learner_id)`;
    return bulkRows<LearnerStanding>(this.db, Prisma.sql`
      SELECT e.learner_id AS "learnerId", l.name, l.email, e.mode::text AS mode,
             COALESCE(e.final_grade, e.grade)::float8 AS grade,
             l.id_verified AS "idVerified",
             (x.learner_id IS NOT NULL) AS allowlisted,
             ${requiredDone} AS "requiredDone",
             c.id::text AS "certificateId", c.status::text AS "certificateStatus",
             (c.jws IS NOT NULL) AS "hasCredential",
             c.status_list AS "statusList", c.status_index AS "statusIndex",
             (c.id IS NOT NULL AND ${hasActiveInvalidationSql('c')}) AS invalidated,
             e.pending_reevaluation AS "pendingReevaluation"
        FROM enrollments e
        -- Looked up by key like the certificate: a join may read the learners from their first row.
        JOIN LATERAL (SELECT l0.name, l0.email, l0.id_verified FROM learners l0 WHERE l0.id = e.learner_id OFFSET 0) l ON TRUE
        ${selectionLookups}
       WHERE e.course_id = ${courseId} ${after} ${upTo} AND (${selectionSql(selection)})
       ORDER BY e.learner_id
       LIMIT ${limit}`);
  }

  /** One learner's standing; null when the learner is not enrolled in the course. */
  async findStanding(course: Pick<CourseFacts, 'id' | 'requiredLessons'>, learnerId: string): Promise<LearnerStanding | null> {
    const [standing] = await this.listStandings(course, { kind: 'single_learner', learnerId }, { after: null, upTo: null }, 1);
    return standing ?? null;
  }

  /** How many learners of the course a selection covers (a generation task's total). */
  async countSelection(courseId: string, selection: Selection): Promise<number> {
    const [row] = await this.db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM enrollments e ${selectionJoins}
       WHERE e.course_id = ${courseId} AND (${selectionSql(selection)})`;
    return row.n;
  }

  /**
   * Chunk upper bounds over the selection's learners after `after`, in id order: every
   * `chunkSize`-th learner and the last one, looking at most `maxChunks` chunks ahead.
   * `exhausted` when the bounds reach the last selected learner.
   */
  async selectionChunkBounds(input: {
    courseId: string;
    selection: Selection;
    after: string | null;
    chunkSize: number;
    maxChunks: number;
  }): Promise<{ bounds: string[]; exhausted: boolean }> {
    const after = input.after === null ? Prisma.empty : Prisma.sql`AND e.learner_id > ${input.after}`;
    const limit = input.chunkSize * input.maxChunks;
    const rows = await this.db.$queryRaw<Array<{ learnerId: string; n: number; t: number }>>`
      WITH selected AS (
        SELECT e.learner_id FROM enrollments e ${readsCertificates(input.selection) ? selectionLookups : Prisma.empty}
         WHERE e.course_id = ${input.courseId} ${after} AND (${selectionSql(input.selection)})
         ORDER BY e.learner_id LIMIT ${limit}
      ), numbered AS (
        SELECT learner_id, row_number() OVER (ORDER BY learner_id)::int AS n, count(*) OVER ()::int AS t FROM selected
      )
      SELECT learner_id AS "learnerId", n, t FROM numbered
       WHERE n % ${input.chunkSize} = 0 OR n = t
       ORDER BY learner_id`;
    const bounds = rows.map((r) => r.learnerId);
    const total = rows.length === 0 ? 0 : rows[0].t;
    return { bounds, exhausted: total < limit };
  }
}
