import { randomUUID } from 'node:crypto';
import type { EnrollmentMode } from '../../../prisma/generated/client';
import type { Database } from '../database';
import { pageOf } from '../page-cursor';

/** Certificate exceptions (the allowlist). */
export class ExceptionsRepository {
  constructor(private readonly db: Database) {}

  /**
   * One page of the learners on the course's list, in the order they were added (then by
   * username); `after` is the previous page's last (grantedAt, learnerId).
   */
  async listActive(courseId: string, limit: number, after?: { at: Date; text: string }): Promise<{ exceptions: ListedException[]; nextCursor: string | null }> {
    const rows = await this.db.certificateException.findMany({
      where: {
        courseId,
        active: true,
        ...(after ? { OR: [{ grantedAt: { gt: after.at } }, { grantedAt: after.at, learnerId: { gt: after.text } }] } : {}),
      },
      orderBy: [{ grantedAt: 'asc' }, { learnerId: 'asc' }],
      take: limit + 1,
      include: { enrollment: { include: { learner: true } } },
    });
    const page = pageOf(rows, limit, (r) => [r.grantedAt.toISOString(), r.learnerId]);
    return { exceptions: page.items.map(listed), nextCursor: page.nextCursor };
  }

  /** The enrollment of a learner named by username or (when it has an @) email, with what the rules need. */
  async findCandidate(courseId: string, learner: string): Promise<ExceptionCandidate | null> {
    const enrollment = await this.db.enrollment.findFirst({
      where: { courseId, learner: learner.includes('@') ? { email: learner } : { id: learner } },
      include: { learner: true, course: { select: { passingGrade: true, honorEligible: true } } },
    });
    if (!enrollment) return null;
    return {
      learner: { id: enrollment.learner.id, name: enrollment.learner.name, email: enrollment.learner.email },
      mode: enrollment.mode,
      grade: (enrollment.finalGrade ?? enrollment.grade)?.toNumber() ?? null,
      passingGrade: enrollment.course.passingGrade.toNumber(),
      honorEligible: enrollment.course.honorEligible,
    };
  }

  /**
   * The enrollments of many learners named by username or email, with what the rules need, in
   * one query: the import of a whole file.
   */
  async findCandidates(courseId: string, learners: string[]): Promise<Array<ExceptionCandidate & { learner: { id: string; name: string; email: string } }>> {
    if (learners.length === 0) return [];
    const ids = learners.filter((l) => !l.includes('@'));
    const emails = learners.filter((l) => l.includes('@'));
    const rows = await this.db.$queryRaw<Array<{ id: string; name: string; email: string; mode: EnrollmentMode; grade: number | null; passingGrade: number; honorEligible: boolean }>>`
      SELECT l.id, l.name, l.email, e.mode, COALESCE(e.final_grade, e.grade)::float8 AS grade,
             c.passing_grade::float8 AS "passingGrade", c.honor_eligible AS "honorEligible"
        FROM enrollments e
        JOIN learners l ON l.id = e.learner_id
        JOIN courses c ON c.id = e.course_id
       WHERE e.course_id = ${courseId}
         AND (l.id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
              OR l.email IN (SELECT jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb)))`;
    return rows.map((r) => ({
      learner: { id: r.id, name: r.name, email: r.email },
      mode: r.mode,
      grade: r.grade,
      passingGrade: r.passingGrade,
      honorEligible: r.honorEligible,
    }));
  }

  /**
   * Puts many learners on the list in one statement (ids unique); answers those it added. Like
   * addException, a learner already listed is left as they are, also under concurrent imports.
   */
  async addExceptions(courseId: string, grants: Array<{ learnerId: string; notes: string }>, grantedBy: string): Promise<string[]> {
    if (grants.length === 0) return [];
    // Id order: concurrent imports lock shared rows in the same order.
    const sorted = [...grants].sort((a, b) => (a.learnerId < b.learnerId ? -1 : a.learnerId > b.learnerId ? 1 : 0));
    const rows = await this.db.$queryRaw<Array<{ learnerId: string }>>`
      INSERT INTO certificate_exceptions AS x (course_id, learner_id, notes, granted_by, granted_at, active)
      SELECT ${courseId}, r.learner_id, r.notes, ${grantedBy}, ${new Date().toISOString()}::timestamptz AT TIME ZONE 'UTC', true
        FROM jsonb_to_recordset(${JSON.stringify(sorted.map((g) => ({ learner_id: g.learnerId, notes: g.notes })))}::jsonb) AS r(learner_id text, notes text)
      ON CONFLICT (course_id, learner_id) DO UPDATE
         SET notes = EXCLUDED.notes, granted_by = EXCLUDED.granted_by, granted_at = EXCLUDED.granted_at,
             active = true, removed_by = NULL, removed_at = NULL
       WHERE NOT x.active
      RETURNING learner_id AS "learnerId"`;
    return rows.map((r) => r.learnerId);
  }

  /**
   * Puts the learner on the list; null when they already are. One statement: of concurrent grants
   * for the same learner, the first adds (or re-adds) the row; the others wait for it, then find it
   * active and change nothing.
   */
  async addException(input: { courseId: string; learnerId: string; notes: string; grantedBy: string }): Promise<GrantedException | null> {
    const [granted] = await this.db.$queryRaw<GrantedException[]>`
      INSERT INTO certificate_exceptions AS x (course_id, learner_id, notes, granted_by, granted_at, active)
      VALUES (${input.courseId}, ${input.learnerId}, ${input.notes}, ${input.grantedBy}, ${new Date().toISOString()}::timestamptz AT TIME ZONE 'UTC', true)
      ON CONFLICT (course_id, learner_id) DO UPDATE
         SET notes = EXCLUDED.notes, granted_by = EXCLUDED.granted_by, granted_at = EXCLUDED.granted_at,
             active = true, removed_by = NULL, removed_at = NULL
       WHERE NOT x.active
      RETURNING notes, granted_by AS "grantedBy", granted_at AS "grantedAt"`;
    return granted ?? null;
  }

  /**
   * Takes the learner off the list in one transaction and, when the learner's issued certificate
   * does not stand on merit (`withdrawalNote` returns the invalidation's note), invalidates it.
   * Null when the learner was not on the list.
   */
  async removeException(
    input: { courseId: string; learnerId: string; removedBy: string },
    withdrawalNote: (standing: MeritStanding) => string | null,
  ): Promise<{ certificateInvalidated: boolean } | null> {
    const { courseId, learnerId, removedBy } = input;
    return this.db.$transaction(async (tx) => {
      // Of concurrent removals only one finds the exception active; its row stays locked until
      // commit, so a concurrent grant waits and then re-adds it.
      const { count } = await tx.certificateException.updateMany({
        where: { courseId, learnerId, active: true },
        data: { active: false, removedBy, removedAt: new Date() },
      });
      if (count === 0) return null;
      const certificate = await tx.certificate.findUnique({ where: { courseId_learnerId: { courseId, learnerId } } });
      if (certificate?.status !== 'downloadable') return { certificateInvalidated: false };
      const enrollment = await tx.enrollment.findUniqueOrThrow({ where: { courseId_learnerId: { courseId, learnerId } }, include: { course: true } });
      const required = await tx.lesson.count({ where: { courseId, required: true } });
      const completed = await tx.lessonCompletion.count({ where: { courseId, learnerId, lesson: { required: true } } });
      const note = withdrawalNote({
        mode: enrollment.mode,
        grade: (enrollment.finalGrade ?? enrollment.grade)?.toNumber() ?? null,
        passingGrade: enrollment.course.passingGrade.toNumber(),
        honorEligible: enrollment.course.honorEligible,
        requiredLessons: { total: required, completed },
      });
      if (note === null) return { certificateInvalidated: false };
      // A certificate already invalidated (by the course team, even at this very moment) keeps
      // that one: the database allows one active invalidation per certificate.
      const inserted = await tx.$executeRaw`
        INSERT INTO invalidations (id, certificate_id, notes, invalidated_by, created_at)
        VALUES (${randomUUID()}::uuid, ${certificate.id}::uuid, ${note}, ${removedBy},
                ${new Date().toISOString()}::timestamptz AT TIME ZONE 'UTC')
        ON CONFLICT (certificate_id) WHERE active DO NOTHING`;
      return { certificateInvalidated: inserted === 1 };
    });
  }
}

const listed = (r: { learnerId: string; grantedAt: Date; grantedBy: string; notes: string; enrollment: { learner: { name: string; email: string } } }): ListedException => ({
  learnerId: r.learnerId,
  name: r.enrollment.learner.name,
  email: r.enrollment.learner.email,
  grantedAt: r.grantedAt,
  grantedBy: r.grantedBy,
  notes: r.notes,
});

/** A learner on a course's exception list. */
export interface ListedException {
  learnerId: string;
  name: string;
  email: string;
  grantedAt: Date;
  grantedBy: string;
  notes: string;
}

export interface GrantedException {
  notes: string;
  grantedBy: string;
  grantedAt: Date;
}

/** A learner who might go on the list, and what the eligibility rules need to know about them. */
export interface ExceptionCandidate {
  learner: { id: string; name: string; email: string };
  mode: EnrollmentMode;
  /** The grade that counts: the final one once grades are finalized. */
  grade: number | null;
  passingGrade: number;
  honorEligible: boolean;
}

/** What the eligibility rules need to decide whether a certificate stands without the exception. */
export interface MeritStanding {
  mode: EnrollmentMode;
  /** The grade that counts: the final one once grades are finalized. */
  grade: number | null;
  passingGrade: number;
  honorEligible: boolean;
  requiredLessons: { total: number; completed: number };
}
