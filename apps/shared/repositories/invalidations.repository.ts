import { Prisma } from '../../../prisma/generated/client';
import { activeInvalidationWhere } from '../certificate-validity.sql';
import type { Database } from '../database';
import { pageOf } from '../page-cursor';

/** Certificate invalidations and their notes. */
export class InvalidationsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Opens an invalidation; null when the certificate already has an active one. The database
   * allows one active invalidation per certificate (a partial unique index): of concurrent
   * requests, one wins.
   */
  async invalidate(input: NewInvalidation): Promise<OpenedInvalidation | null> {
    try {
      const created = await this.db.invalidation.create({
        data: { certificateId: input.certificateId, notes: input.notes, publicReason: input.publicReason, invalidatedBy: input.invalidatedBy },
      });
      return {
        id: created.id,
        certificateId: created.certificateId,
        notes: created.notes,
        publicReason: created.publicReason,
        invalidatedBy: created.invalidatedBy,
        invalidatedAt: created.createdAt,
      };
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return null;
      throw error;
    }
  }

  /**
   * Lifts the certificate's active invalidation; false when it had none. The certificate is locked
   * first, as every writer of a certificate and its invalidations does (the database's triggers
   * lock it too), so this never waits on a writer that waits on it.
   */
  async reinstate(certificateId: string, reinstatedBy: string): Promise<boolean> {
    const [, { count }] = await this.db.$transaction([
      this.db.$queryRaw`SELECT 1 FROM certificates WHERE id = ${certificateId}::uuid FOR NO KEY UPDATE`,
      this.db.invalidation.updateMany({
        where: { certificateId, ...activeInvalidationWhere },
        data: { active: false, reinstatedBy, reinstatedAt: new Date() },
      }),
    ]);
    return count > 0;
  }

  /**
   * Automatic withdrawals (a change of standing took the certificate away) whose learner has not
   * been told yet, oldest first; one learner or the whole course. Only learners who were told of
   * the certificate (its "available" mail went out) hear that it was withdrawn; lifted ones are not mailed.
   */
  async pendingWithdrawalMails(courseId: string, learnerId: string | undefined, limit: number): Promise<WithdrawalMail[]> {
    const rows = await this.db.invalidation.findMany({
      where: { ...activeInvalidationWhere, automatic: true, learnerMailedAt: null, certificate: { courseId, mailSentAt: { not: null }, ...(learnerId ? { learnerId } : {}) } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
      include: { certificate: { select: { id: true, learner: { select: { name: true, email: true } }, course: { select: { title: true } } } } },
    });
    return rows.map((i) => ({
      invalidationId: i.id,
      certificateId: i.certificate.id,
      learnerName: i.certificate.learner.name,
      learnerEmail: i.certificate.learner.email,
      courseTitle: i.certificate.course.title,
    }));
  }

  /** The learner was told: never again for this invalidation. */
  async markWithdrawalMailed(invalidationId: string): Promise<void> {
    await this.db.invalidation.updateMany({ where: { id: invalidationId, learnerMailedAt: null }, data: { learnerMailedAt: new Date() } });
  }

  /**
   * One page of the course's invalidated certificates (their active invalidations), newest first;
   * `after` is the previous page's last (createdAt, id).
   */
  async listActiveForCourse(courseId: string, limit: number, after?: { at: Date; id: string }): Promise<{ invalidations: ActiveInvalidation[]; nextCursor: string | null }> {
    const rows = await this.db.invalidation.findMany({
      where: {
        ...activeInvalidationWhere,
        certificate: { courseId },
        ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      include: { certificate: { select: { id: true, learner: { select: { id: true, name: true, email: true } } } } },
    });
    const page = pageOf(rows, limit, (i) => [i.createdAt.toISOString(), i.id]);
    return { invalidations: page.items.map(activeInvalidation), nextCursor: page.nextCursor };
  }
}

type InvalidationWithLearner = {
  id: string;
  notes: string;
  publicReason: string | null;
  invalidatedBy: string;
  createdAt: Date;
  certificate: { id: string; learner: { id: string; name: string; email: string } };
};

const activeInvalidation = (i: InvalidationWithLearner): ActiveInvalidation => ({
  id: i.id,
  certificateId: i.certificate.id,
  learner: i.certificate.learner,
  notes: i.notes,
  publicReason: i.publicReason,
  invalidatedBy: i.invalidatedBy,
  invalidatedAt: i.createdAt,
});

export interface NewInvalidation {
  certificateId: string;
  /** Internal: for the course team only. */
  notes: string;
  /** Shown on the public verification page; null: a generic sentence. */
  publicReason: string | null;
  invalidatedBy: string;
}

export interface OpenedInvalidation {
  id: string;
  certificateId: string;
  notes: string;
  publicReason: string | null;
  invalidatedBy: string;
  invalidatedAt: Date;
}

/** "Your certificate was withdrawn", to send. */
export interface WithdrawalMail {
  invalidationId: string;
  certificateId: string;
  learnerName: string;
  learnerEmail: string;
  courseTitle: string;
}

/** An invalidated certificate of a course, with its learner, as the course team's page lists it. */
export interface ActiveInvalidation extends OpenedInvalidation {
  learner: { id: string; name: string; email: string };
}
