import type { CourseMessage } from '../../../prisma/generated/client';
import { validCertificateWhere } from '../certificate-validity.sql';
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
    await this.db.certificate.update({ where: { id: certificateId }, data: { mailSentAt: new Date() } });
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
