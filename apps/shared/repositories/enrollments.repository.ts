import type { Course, EnrollmentMode } from '../../../prisma/generated/client';
import type { Database } from '../database';

export interface EnrollmentInput {
  learnerId: string;
  email: string;
  name: string;
  mode: EnrollmentMode;
  /** Left as it is when undefined (a new learner starts unverified). */
  idVerified?: boolean;
}

export interface GradeInput {
  learnerId: string;
  grade: number;
}

export interface CompletionInput {
  learnerId: string;
  lessonId: string;
  completedAt: Date;
}

/** Learners, their enrollments, grades and lesson completions. */
export class EnrollmentsRepository {
  constructor(private readonly db: Database) {}

  /** The learners who already own these email addresses. */
  async findLearnersByEmail(emails: string[]): Promise<{ id: string; email: string }[]> {
    if (emails.length === 0) return [];
    return this.db.$queryRaw`SELECT id, email FROM learners WHERE email IN (SELECT jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb))`;
  }

  /**
   * Upserts the learners and their enrollments set-based, in one transaction: one statement per
   * table per slice of rows. Learner ids must be unique in `enrollments`; rows are written in id
   * order so concurrent batches sharing learners lock them in the same order (no deadlock).
   */
  async enrollLearners(courseId: string, enrollments: EnrollmentInput[]): Promise<void> {
    const sorted = [...enrollments].sort((a, b) => (a.learnerId < b.learnerId ? -1 : a.learnerId > b.learnerId ? 1 : 0));
    const now = new Date().toISOString();
    await this.db.$transaction(async (tx) => {
      for (const slice of slicesOf(sorted)) {
        // One JSON parameter per statement: binding arrays of 10,000 values each costs more than the write.
        const rows = JSON.stringify(slice.map((e) => ({ id: e.learnerId, email: e.email, name: e.name, id_verified: e.idVerified ?? null, mode: e.mode })));
        // A new learner starts unverified; an existing one keeps their verification unless the row says.
        await tx.$executeRaw`
          INSERT INTO learners (id, email, name, id_verified, created_at)
          SELECT r.id, r.email, r.name, COALESCE(r.id_verified, FALSE), ${now}::timestamptz AT TIME ZONE 'UTC'
            FROM jsonb_to_recordset(${rows}::jsonb) AS r(id text, email text, name text, id_verified boolean)
          ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name`;
        if (slice.some((e) => e.idVerified !== undefined)) {
          await tx.$executeRaw`
            UPDATE learners l SET id_verified = r.id_verified
              FROM jsonb_to_recordset(${rows}::jsonb) AS r(id text, id_verified boolean)
             WHERE l.id = r.id AND r.id_verified IS NOT NULL AND l.id_verified IS DISTINCT FROM r.id_verified`;
        }
        await tx.$executeRaw`
          INSERT INTO enrollments (course_id, learner_id, mode, enrolled_at, updated_at)
          SELECT ${courseId}, r.id, r.mode::"EnrollmentMode", ${now}::timestamptz AT TIME ZONE 'UTC', ${now}::timestamptz AT TIME ZONE 'UTC'
            FROM jsonb_to_recordset(${rows}::jsonb) AS r(id text, mode text)
          ON CONFLICT (course_id, learner_id) DO UPDATE SET mode = EXCLUDED.mode, updated_at = EXCLUDED.updated_at`;
      }
    }, LARGE_TRANSACTION);
  }

  /** Which of these learners are enrolled in the course. */
  async listEnrolledLearnerIds(courseId: string, learnerIds: string[]): Promise<string[]> {
    if (learnerIds.length === 0) return [];
    const enrolled = await this.db.$queryRaw<Array<{ learnerId: string }>>`
      SELECT learner_id AS "learnerId" FROM enrollments WHERE course_id = ${courseId} AND learner_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(learnerIds)}::jsonb))`;
    return enrolled.map((e) => e.learnerId);
  }

  /**
   * Writes the grades set-based in one transaction; `alsoFinal` replaces the final grade too (a
   * regrade after finalization). Learner ids must be unique in `grades`.
   */
  async recordGrades(courseId: string, grades: GradeInput[], alsoFinal: boolean): Promise<void> {
    const sorted = [...grades].sort((a, b) => (a.learnerId < b.learnerId ? -1 : a.learnerId > b.learnerId ? 1 : 0));
    const now = new Date().toISOString();
    await this.db.$transaction(async (tx) => {
      for (const slice of slicesOf(sorted)) {
        await tx.$executeRaw`
          UPDATE enrollments e
             SET grade = r.grade, final_grade = CASE WHEN ${alsoFinal} THEN r.grade ELSE e.final_grade END,
                 updated_at = ${now}::timestamptz AT TIME ZONE 'UTC'
            FROM jsonb_to_recordset(${JSON.stringify(slice.map((g) => ({ id: g.learnerId, grade: g.grade })))}::jsonb) AS r(id text, grade numeric)
           WHERE e.course_id = ${courseId} AND e.learner_id = r.id`;
      }
    }, LARGE_TRANSACTION);
  }

  /** Records completions set-based, skipping those already known; returns how many were new. */
  async recordCompletions(courseId: string, completions: CompletionInput[]): Promise<number> {
    return this.db.$transaction(async (tx) => {
      let recorded = 0;
      for (const slice of slicesOf(completions)) {
        recorded += await tx.$executeRaw`
          INSERT INTO lesson_completions (course_id, learner_id, lesson_id, completed_at)
          SELECT ${courseId}, r.learner_id, r.lesson_id, r.completed_at AT TIME ZONE 'UTC'
            FROM jsonb_to_recordset(${JSON.stringify(slice.map((c) => ({ learner_id: c.learnerId, lesson_id: c.lessonId, completed_at: c.completedAt.toISOString() })))}::jsonb)
                 AS r(learner_id text, lesson_id text, completed_at timestamptz)
          ON CONFLICT DO NOTHING`;
      }
      return recorded;
    }, LARGE_TRANSACTION);
  }

  /** Marks enrollments (all of the course's when learnerIds is null) for the next regrade task; returns how many. */
  async flagPendingReevaluation(courseId: string, learnerIds: string[] | null): Promise<number> {
    if (learnerIds === null) {
      return this.db.$executeRaw`UPDATE enrollments SET pending_reevaluation = TRUE, updated_at = ${new Date().toISOString()}::timestamptz AT TIME ZONE 'UTC' WHERE course_id = ${courseId}`;
    }
    if (learnerIds.length === 0) return 0;
    return this.db.$executeRaw`
      UPDATE enrollments SET pending_reevaluation = TRUE, updated_at = ${new Date().toISOString()}::timestamptz AT TIME ZONE 'UTC'
       WHERE course_id = ${courseId} AND learner_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(learnerIds)}::jsonb))`;
  }

  /** A learner's enrollments with their courses, most recent first, at most 200: the learner's course cards. */
  async listLearnerEnrollmentsWithCourse(learnerId: string): Promise<Array<{ courseId: string; mode: EnrollmentMode; course: Course }>> {
    return this.db.enrollment.findMany({
      where: { learnerId },
      orderBy: { enrolledAt: 'desc' },
      take: 200,
      include: { course: true },
    });
  }
}

/** Rows per statement: a 10,000-row batch is one statement; a 100,000-line file is ten, in one transaction. */
const ROWS_PER_STATEMENT = 10_000;

/** A 100,000-line file takes seconds, not the default 5 s limit of an interactive transaction. */
const LARGE_TRANSACTION = { maxWait: 10_000, timeout: 120_000 };

function slicesOf<T>(rows: T[]): T[][] {
  const slices: T[][] = [];
  for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) slices.push(rows.slice(at, at + ROWS_PER_STATEMENT));
  return slices;
}
