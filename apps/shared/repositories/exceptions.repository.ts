import { randomUUID } from 'node:crypto';
import type { EnrollmentMode } from '../../../prisma/generated/client';
import type { Database } from '../database';

/** Certificate exceptions (the allowlist). */
export class ExceptionsRepository {
  constructor(private readonly db: Database) {}

  /** The learners on the course's list, in the order they were added. */
  async listActive(courseId: string): Promise<ListedException[]> {
    const rows = await this.db.certificateException.findMany({
      where: { courseId, active: true },
      orderBy: { grantedAt: 'asc' },
      include: { enrollment: { include: { learner: true } } },
    });
    return rows.map((r) => ({
      learnerId: r.learnerId,
      name: r.enrollment.learner.name,
      email: r.enrollment.learner.email,
      grantedAt: r.grantedAt,
      grantedBy: r.grantedBy,
      notes: r.notes,
    }));
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
