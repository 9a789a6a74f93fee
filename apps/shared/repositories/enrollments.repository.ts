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
    return this.db.learner.findMany({ where: { email: { in: emails } }, select: { id: true, email: true } });
  }

  /** Upserts each learner and their enrollment in one transaction: the same batch twice leaves the same state. */
  async enrollLearners(courseId: string, enrollments: EnrollmentInput[]): Promise<void> {
    await this.db.$transaction(
      enrollments.flatMap((e) => [
        this.db.learner.upsert({
          where: { id: e.learnerId },
          create: { id: e.learnerId, email: e.email, name: e.name, idVerified: e.idVerified ?? false },
          update: { email: e.email, name: e.name, ...(e.idVerified === undefined ? {} : { idVerified: e.idVerified }) },
        }),
        this.db.enrollment.upsert({
          where: { courseId_learnerId: { courseId, learnerId: e.learnerId } },
          create: { courseId, learnerId: e.learnerId, mode: e.mode },
          update: { mode: e.mode },
        }),
      ]),
    );
  }

  /** Which of these learners are enrolled in the course. */
  async listEnrolledLearnerIds(courseId: string, learnerIds: string[]): Promise<string[]> {
    const enrolled = await this.db.enrollment.findMany({ where: { courseId, learnerId: { in: learnerIds } }, select: { learnerId: true } });
    return enrolled.map((e) => e.learnerId);
  }

  /** Writes the grades in one transaction; `alsoFinal` replaces the final grade too (a regrade after finalization). */
  async recordGrades(courseId: string, grades: GradeInput[], alsoFinal: boolean): Promise<void> {
    await this.db.$transaction(
      grades.map((g) =>
        this.db.enrollment.update({
          where: { courseId_learnerId: { courseId, learnerId: g.learnerId } },
          data: alsoFinal ? { grade: g.grade, finalGrade: g.grade } : { grade: g.grade },
        }),
      ),
    );
  }

  /** Records completions, skipping those already known; returns how many were new. */
  async recordCompletions(courseId: string, completions: CompletionInput[]): Promise<number> {
    const result = await this.db.lessonCompletion.createMany({
      data: completions.map((c) => ({ courseId, learnerId: c.learnerId, lessonId: c.lessonId, completedAt: c.completedAt })),
      skipDuplicates: true,
    });
    return result.count;
  }

  /** Marks enrollments (all of the course's when learnerIds is null) for the next regrade task; returns how many. */
  async flagPendingReevaluation(courseId: string, learnerIds: string[] | null): Promise<number> {
    const flagged = await this.db.enrollment.updateMany({
      where: { courseId, ...(learnerIds ? { learnerId: { in: learnerIds } } : {}) },
      data: { pendingReevaluation: true },
    });
    return flagged.count;
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
