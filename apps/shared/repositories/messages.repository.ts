import type { CourseMessage } from '../../../prisma/generated/client';
import { Prisma } from '../../../prisma/generated/client';
import { isValidCertificateSql, validCertificateWhere } from '../certificate-validity.sql';
import type { VisibilityInput } from '../domain/certificate-visibility';
import type { Database } from '../database';

/** A course message row as Prisma reads it. */
export type CourseMessageRecord = CourseMessage;

/** A valid certificate whose "available" mail has not gone out yet. */
export interface PendingCertificateMail {
  certificateId: string;
  learnerName: string;
  learnerEmail: string;
  courseTitle: string;
  cc: string | null;
}

/** A pending certificate mail a sender has claimed: nobody else takes it until the claim runs out. */
export interface ClaimedCertificateMail extends PendingCertificateMail {
  /** Earlier tries the relay answered with a temporary refusal. */
  attempts: number;
}

export interface MessageRecipient {
  learnerId: string;
  name: string;
  email: string;
}

/** Recorded; or refused because the course had a message within the interval; or no such course. */
export type FarewellOutcome =
  | { kind: 'recorded'; message: CourseMessageRecord }
  | { kind: 'too_soon'; previous: CourseMessageRecord; now: Date }
  | { kind: 'course_missing' };

/** Course messages and the mail that goes out for them and for certificates. */
export class MessagesRepository {
  constructor(private readonly db: Database) {}

  /** What decides when the course's certificates become visible, and so may be mailed; null: no such course. */
  async certificateVisibilityOf(courseId: string): Promise<VisibilityInput | null> {
    return this.db.course.findUnique({ where: { id: courseId }, select: { displayBehavior: true, endAt: true, certificateAvailableAt: true } });
  }

  /** The next `limit` certificate mails to send, in learner order (one learner's, with `learnerId`). */
  async pendingCertificateMails(courseId: string, learnerId: string | undefined, limit: number): Promise<PendingCertificateMail[]> {
    const batch = await this.db.certificate.findMany({
      where: { courseId, ...(learnerId ? { learnerId } : {}), ...validCertificateWhere, mailSentAt: null },
      orderBy: { learnerId: 'asc' },
      take: limit,
      select: { id: true, learner: { select: { name: true, email: true } }, course: { select: { title: true, certificateMailCc: true } } },
    });
    return batch.map((c) => ({
      certificateId: c.id,
      learnerName: c.learner.name,
      learnerEmail: c.learner.email,
      courseTitle: c.course.title,
      cc: c.course.certificateMailCc,
    }));
  }

  async markCertificateMailSent(certificateId: string): Promise<void> {
    await this.db.certificate.update({ where: { id: certificateId }, data: { mailSentAt: new Date(), mailClaimedUntil: null } });
  }

  /**
   * Claims up to `limit` unsent, not failed certificate mails of the course (of one learner with
   * `learnerId`) for `leaseMs`, in learner order. Rows another sender holds are skipped, so two
   * senders (the course's mail workflow, a learner's request) never send the same mail. The
   * `claimant`'s own claims are taken back at once: its retry after a crashed worker resumes
   * without waiting for the claims to run out.
   */
  async claimCertificateMails(courseId: string, learnerId: string | undefined, limit: number, leaseMs: number, claimant: string): Promise<ClaimedCertificateMail[]> {
    // Claims are compared with the database's clock only, so workers' clocks cannot disagree.
    const now = Prisma.sql`(now() AT TIME ZONE 'UTC')`;
    const rows = await this.db.$queryRaw<Array<ClaimedCertificateMail>>`
      WITH claimed AS (
        UPDATE certificates SET mail_claimed_until = ${now} + ${leaseMs}::double precision * interval '1 millisecond', mail_claimed_by = ${claimant}
        WHERE id IN (
          SELECT c.id FROM certificates c
          WHERE c.course_id = ${courseId} ${learnerId ? Prisma.sql`AND c.learner_id = ${learnerId}` : Prisma.empty}
            AND c.mail_sent_at IS NULL AND c.mail_failed_at IS NULL
            AND (c.mail_claimed_until IS NULL OR c.mail_claimed_until < ${now} OR c.mail_claimed_by = ${claimant})
            AND ${isValidCertificateSql('c')}
          ORDER BY c.learner_id
          LIMIT ${limit}::int
          FOR UPDATE SKIP LOCKED
        )
        RETURNING id, course_id, learner_id, mail_attempts
      )
      SELECT claimed.id::text AS "certificateId", l.name AS "learnerName", l.email AS "learnerEmail", co.title AS "courseTitle",
             co.certificate_mail_cc AS cc, claimed.mail_attempts AS attempts
      FROM claimed JOIN learners l ON l.id = claimed.learner_id JOIN courses co ON co.id = claimed.course_id
      ORDER BY claimed.learner_id`;
    return rows.map((r) => ({ ...r, attempts: Number(r.attempts) }));
  }

  /** Gives claimed mails back (their sender stops early), so the next sender takes them at once. */
  async releaseCertificateMails(certificateIds: string[]): Promise<void> {
    if (certificateIds.length === 0) return;
    await this.db.certificate.updateMany({ where: { id: { in: certificateIds }, mailSentAt: null }, data: { mailClaimedUntil: null } });
  }

  /**
   * The relay refused the mail: for good (`permanent`), or for now, counted as one attempt; the
   * mail fails once it reaches `maxAttempts`. Either way the claim is given back.
   */
  async recordCertificateMailRefused(certificateId: string, error: string, permanent: boolean, maxAttempts: number): Promise<void> {
    await this.db.$executeRaw`
      UPDATE certificates
      SET mail_attempts = mail_attempts + 1, mail_error = ${error.slice(0, 1000)}, mail_claimed_until = NULL,
          mail_failed_at = CASE WHEN ${permanent}::boolean OR mail_attempts + 1 >= ${maxAttempts}::int THEN now() AT TIME ZONE 'UTC' ELSE NULL END
      WHERE id = ${certificateId}::uuid AND mail_sent_at IS NULL`;
  }

  /** The message with its course's title; null when it is gone. */
  async findMessage(messageId: string): Promise<(CourseMessageRecord & { course: { title: string } }) | null> {
    return this.db.courseMessage.findUnique({ where: { id: messageId }, include: { course: { select: { title: true } } } });
  }

  /** Everyone enrolled in the course: a course message goes to each. */
  async countRecipients(courseId: string): Promise<number> {
    return this.db.enrollment.count({ where: { courseId } });
  }

  /** The next `limit` enrolled learners after `after`, in learner order. */
  async listRecipients(courseId: string, after: string | null, limit: number): Promise<MessageRecipient[]> {
    const batch = await this.db.enrollment.findMany({
      where: { courseId, ...(after ? { learnerId: { gt: after } } : {}) },
      orderBy: { learnerId: 'asc' },
      take: limit,
      select: { learnerId: true, learner: { select: { name: true, email: true } } },
    });
    return batch.map((e) => ({ learnerId: e.learnerId, name: e.learner.name, email: e.learner.email }));
  }

  async recordRecipients(messageId: string, recipients: number): Promise<void> {
    await this.db.courseMessage.update({ where: { id: messageId }, data: { recipients } });
  }

  async recordSent(messageId: string, sent: number): Promise<void> {
    await this.db.courseMessage.update({ where: { id: messageId }, data: { sent } });
  }

  async markMessageFinished(messageId: string, sent: number): Promise<void> {
    await this.db.courseMessage.update({ where: { id: messageId }, data: { sent, finishedAt: new Date() } });
  }

  /**
   * Records the message unless the course had one within `intervalMs` (0: never refused). The
   * course row is locked for the check and the insert, so two concurrent requests cannot both pass.
   */
  async recordFarewell(courseId: string, message: { subject: string; body: string; sentBy: string }, intervalMs: number): Promise<FarewellOutcome> {
    return this.db.$transaction(async (tx): Promise<FarewellOutcome> => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM courses WHERE id = ${courseId} FOR UPDATE`;
      if (locked.length === 0) return { kind: 'course_missing' };
      const now = new Date();
      const previous = intervalMs > 0
        ? await tx.courseMessage.findFirst({ where: { courseId, createdAt: { gt: new Date(now.getTime() - intervalMs) } }, orderBy: { createdAt: 'desc' } })
        : null;
      if (previous) return { kind: 'too_soon', previous, now };
      return { kind: 'recorded', message: await tx.courseMessage.create({ data: { courseId, ...message, createdAt: now } }) };
    });
  }

  /** Drops a message nothing was sent for, so it does not hold back the next attempt. */
  async deleteMessage(messageId: string): Promise<void> {
    await this.db.courseMessage.delete({ where: { id: messageId } });
  }
}
