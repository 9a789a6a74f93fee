import { Context } from '@temporalio/activity';
import { certificatesVisible } from '../../apps/shared/domain/certificate-visibility';
import { certificateFileUrls, verifyPageUrl } from '../../apps/shared/domain/public-urls';
import { certificateAvailableMail, certificateWithdrawnMail, courseMessageMail } from '../../apps/shared/mail/templates';
import { createRepositories } from '../../apps/shared/repositories';
import type { ActivityDeps } from '../deps';

const BATCH = 100;

export interface MailRunResult {
  sent: number;
  /** True when no SMTP server is configured: nothing was sent and nothing marked. */
  skipped: boolean;
}

export function createMailActivities({ db, mailer, issuer }: ActivityDeps) {
  const { messages, invalidations } = createRepositories(db);

  /**
   * "Your certificate was withdrawn" to each learner who was told of a certificate that a change of
   * standing then took away, marked on the invalidation as it goes out (nobody is told twice).
   */
  const sendWithdrawalMails = async (courseId: string, learnerId: string | undefined): Promise<number> => {
    let sent = 0;
    for (;;) {
      const batch = await invalidations.pendingWithdrawalMails(courseId, learnerId, BATCH);
      if (batch.length === 0) return sent;
      for (const mail of batch) {
        await mailer!.send(
          certificateWithdrawnMail({
            learnerName: mail.learnerName,
            learnerEmail: mail.learnerEmail,
            courseTitle: mail.courseTitle,
            issuerName: issuer.name,
            verifyUrl: verifyPageUrl(issuer.publicUrl, mail.certificateId),
          }),
        );
        await invalidations.markWithdrawalMailed(mail.invalidationId);
        sent += 1;
      }
      Context.current().heartbeat({ sent });
    }
  };

  return {
    /**
     * "Your certificate is available" to every learner of the course (or one learner) whose valid
     * certificate has not been announced yet. Each mail is marked as it goes out, so a retry or a
     * later run sends only what is left; at most the mail in flight during a crash goes twice.
     * Nothing goes out before the display behaviour shows the course's certificates: the course's
     * lifecycle sends what is pending when they become visible.
     */
    async sendCertificateMails({ courseId, learnerId }: { courseId: string; learnerId?: string }): Promise<MailRunResult> {
      if (!mailer) return { sent: 0, skipped: true };
      const withdrawn = await sendWithdrawalMails(courseId, learnerId);
      const visibility = await messages.certificateVisibilityOf(courseId);
      if (!visibility || !certificatesVisible(visibility, new Date())) return { sent: withdrawn, skipped: false };
      let sent = withdrawn;
      for (;;) {
        const batch = await messages.pendingCertificateMails(courseId, learnerId, BATCH);
        if (batch.length === 0) return { sent, skipped: false };
        for (const mail of batch) {
          const verifyUrl = verifyPageUrl(issuer.publicUrl, mail.certificateId);
          await mailer.send(
            certificateAvailableMail({
              learnerName: mail.learnerName,
              learnerEmail: mail.learnerEmail,
              courseTitle: mail.courseTitle,
              issuerName: issuer.name,
              verifyUrl,
              pdfUrl: certificateFileUrls(issuer.publicUrl, mail.certificateId).pdfUrl,
              cc: mail.cc,
            }),
          );
          await messages.markCertificateMailSent(mail.certificateId);
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
      const message = await messages.findMessage(messageId);
      // The API writes the row before it starts the workflow: a missing row is a (retried) failure.
      if (!message) throw new Error(`course message ${messageId} does not exist`);
      const recipients = await messages.countRecipients(message.courseId);
      await messages.recordRecipients(messageId, recipients);
      if (!mailer) return { sent: 0, skipped: true, recipients };
      const resume = Context.current().info.heartbeatDetails as { after: string; sent: number } | undefined;
      let after = resume?.after ?? null;
      let sent = resume?.sent ?? 0;
      for (;;) {
        const batch = await messages.listRecipients(message.courseId, after, BATCH);
        if (batch.length === 0) break;
        for (const recipient of batch) {
          await mailer.send(
            courseMessageMail({
              learnerName: recipient.name,
              learnerEmail: recipient.email,
              courseTitle: message.course.title,
              subject: message.subject,
              body: message.body,
            }),
          );
          sent += 1;
          after = recipient.learnerId;
          Context.current().heartbeat({ after, sent });
        }
        await messages.recordSent(messageId, sent);
      }
      await messages.markMessageFinished(messageId, sent);
      return { sent, skipped: false, recipients };
    },
  };
}
