import { Context } from '@temporalio/activity';
import { certificateAvailableMail, courseMessageMail } from '../../apps/shared/mail/templates';
import { validCertificateWhere } from '../../apps/shared/certificate-validity.sql';
import { certificateFileUrls, verifyPageUrl } from '../../apps/shared/domain/public-urls';
import type { ActivityDeps } from '../deps';

const BATCH = 100;

export interface MailRunResult {
  sent: number;
  /** True when no SMTP server is configured: nothing was sent and nothing marked. */
  skipped: boolean;
}

export function createMailActivities({ db, mailer, issuer }: ActivityDeps) {
  return {
    /**
     * "Your certificate is available" to every learner of the course (or one learner) whose valid
     * certificate has not been announced yet. Each mail is marked as it goes out, so a retry or a
     * later run sends only what is left; at most the mail in flight during a crash goes twice.
     */
    async sendCertificateMails({ courseId, learnerId }: { courseId: string; learnerId?: string }): Promise<MailRunResult> {
      if (!mailer) return { sent: 0, skipped: true };
      let sent = 0;
      for (;;) {
        const batch = await db.certificate.findMany({
          where: { courseId, ...(learnerId ? { learnerId } : {}), ...validCertificateWhere, mailSentAt: null },
          orderBy: { learnerId: 'asc' },
          take: BATCH,
          select: { id: true, learner: { select: { name: true, email: true } }, course: { select: { title: true, certificateMailCc: true } } },
        });
        if (batch.length === 0) return { sent, skipped: false };
        for (const certificate of batch) {
          const verifyUrl = verifyPageUrl(issuer.publicUrl, certificate.id);
          await mailer.send(
            certificateAvailableMail({
              learnerName: certificate.learner.name,
              learnerEmail: certificate.learner.email,
              courseTitle: certificate.course.title,
              issuerName: issuer.name,
              verifyUrl,
              pdfUrl: certificateFileUrls(issuer.publicUrl, certificate.id).pdfUrl,
              cc: certificate.course.certificateMailCc,
            }),
          );
          await db.certificate.update({ where: { id: certificate.id }, data: { mailSentAt: new Date() } });
          sent += 1;
        }
        Context.current().heartbeat({ sent });
      }
    },

    /**
     * Sends a course message to every enrolled learner in learner order, heartbeating the last one
     * sent, so a retried attempt resumes after it instead of writing to everyone again.
     */
    async sendCourseMessage({ messageId }: { messageId: string }): Promise<MailRunResult & { recipients: number }> {
      const message = await db.courseMessage.findUniqueOrThrow({ where: { id: messageId }, include: { course: { select: { title: true } } } });
      const recipients = await db.enrollment.count({ where: { courseId: message.courseId } });
      await db.courseMessage.update({ where: { id: messageId }, data: { recipients } });
      if (!mailer) return { sent: 0, skipped: true, recipients };
      const resume = Context.current().info.heartbeatDetails as { after: string; sent: number } | undefined;
      let after = resume?.after ?? null;
      let sent = resume?.sent ?? 0;
      for (;;) {
        const batch = await db.enrollment.findMany({
          where: { courseId: message.courseId, ...(after ? { learnerId: { gt: after } } : {}) },
          orderBy: { learnerId: 'asc' },
          take: BATCH,
          select: { learnerId: true, learner: { select: { name: true, email: true } } },
        });
        if (batch.length === 0) break;
        for (const enrollment of batch) {
          await mailer.send(
            courseMessageMail({
              learnerName: enrollment.learner.name,
              learnerEmail: enrollment.learner.email,
              courseTitle: message.course.title,
              subject: message.subject,
              body: message.body,
            }),
          );
          sent += 1;
          after = enrollment.learnerId;
          Context.current().heartbeat({ after, sent });
        }
        await db.courseMessage.update({ where: { id: messageId }, data: { sent } });
      }
      await db.courseMessage.update({ where: { id: messageId }, data: { sent, finishedAt: new Date() } });
      return { sent, skipped: false, recipients };
    },
  };
}
