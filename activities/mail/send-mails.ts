import { Context } from '@temporalio/activity';
import { certificatesVisible } from '../../apps/shared/domain/certificate-visibility';
import { certificateFileUrls, verifyPageUrl } from '../../apps/shared/domain/public-urls';
import { certificateAvailableMail, certificateWithdrawnMail, courseMessageMail } from '../../apps/shared/mail/templates';
import type { ClaimedCertificateMail } from '../../apps/shared/repositories/messages.repository';
import { createRepositories } from '../../apps/shared/repositories';
import { certificateMailRequestedSignal, courseMailWorkflowId } from '../../workflows/course-mail-definitions';
import type { ActivityDeps } from '../deps';
import { createPacer } from './pacer';

const BATCH = 100;
/** The SMTP pool's connections (apps/shared/mail/mailer.ts): sends in flight at once. */
const LANES = 4;
/** Temporary refusals (4xx) a mail gets before it is marked failed. */
const MAX_ATTEMPTS = 5;
/** How long a sender holds the mails it claimed; longer than a batch takes at the configured rate. */
const CLAIM_MS = 10 * 60_000;
/** Seconds of sending per batch activity, so every activity (and its retry) stays short. */
const BATCH_SECONDS = 30;

export interface MailRunResult {
  sent: number;
  /** True when no SMTP server is configured: nothing was sent and nothing marked. */
  skipped: boolean;
}

export interface MailBatchResult extends MailRunResult {
  /** Refused for good by the relay in this batch. */
  failed: number;
  /** More mail may be pending: the caller sends another batch. */
  more: boolean;
}

/** The relay's answer about this one mail (SMTP reply code), or null when the relay could not be reached. */
function relayRefusal(error: unknown): { permanent: boolean } | null {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 400 ? { permanent: code >= 500 } : null;
}

/** Heartbeats while a slow relay takes its time, so only a dead worker's batch is retried. */
async function whileAlive<T>(work: Promise<T>): Promise<T> {
  const alive = setInterval(() => Context.current().heartbeat(), 5_000);
  try {
    return await work;
  } finally {
    clearInterval(alive);
  }
}

export function createMailActivities({ db, mailer, issuer, certificateMailRate = 10 }: ActivityDeps) {
  const { messages, invalidations } = createRepositories(db);
  // One pacer per worker: every course's mail shares CERTIFICATE_MAIL_RATE.
  const pacer = createPacer(certificateMailRate);
  const batchSize = Math.max(1, Math.min(500, Math.ceil(certificateMailRate * BATCH_SECONDS)));

  /**
   * Sends up to `limit` claimed certificate mails through the pool, paced. A mail is marked sent as
   * it goes out; a relay outage or temporary refusal stops the batch and throws (the caller's
   * retry backs off), giving back what was not sent; a permanent refusal marks that mail failed.
   */
  const sendClaimedCertificateMails = async (courseId: string, learnerId: string | undefined, limit: number) => {
    // The sending workflow names the claim: one workflow sends one batch at a time.
    const claimed = await messages.claimCertificateMails(courseId, learnerId, limit, CLAIM_MS, Context.current().info.workflowExecution?.workflowId ?? `mail:${courseId}`);
    const done = new Set<string>();
    let sent = 0;
    let failed = 0;
    let stop: unknown = null;
    let next = 0;
    const sendOne = async (mail: ClaimedCertificateMail) => {
      try {
        await whileAlive(mailer!.send(
          certificateAvailableMail({
            learnerName: mail.learnerName,
            learnerEmail: mail.learnerEmail,
            courseTitle: mail.courseTitle,
            issuerName: issuer.name,
            verifyUrl: verifyPageUrl(issuer.publicUrl, mail.certificateId),
            pdfUrl: certificateFileUrls(issuer.publicUrl, mail.certificateId).pdfUrl,
            cc: mail.cc,
          }),
        ));
      } catch (error) {
        const refusal = relayRefusal(error);
        if (refusal) {
          await messages.recordCertificateMailRefused(mail.certificateId, error instanceof Error ? error.message : String(error), refusal.permanent, MAX_ATTEMPTS);
          done.add(mail.certificateId);
          if (refusal.permanent || mail.attempts + 1 >= MAX_ATTEMPTS) failed += 1;
          if (refusal.permanent) return;
        }
        stop ??= error;
        return;
      }
      await messages.markCertificateMailSent(mail.certificateId);
      done.add(mail.certificateId);
      sent += 1;
      Context.current().heartbeat({ sent });
    };
    const lanes = Array.from({ length: Math.min(LANES, claimed.length) }, async () => {
      while (stop === null && next < claimed.length) {
        const mail = claimed[next++];
        await pacer.turn(() => Context.current().heartbeat({ sent }));
        if (stop !== null) return;
        await sendOne(mail);
      }
    });
    const settled = await Promise.allSettled(lanes);
    await messages.releaseCertificateMails(claimed.filter((m) => !done.has(m.certificateId)).map((m) => m.certificateId));
    const crashed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (crashed) throw crashed.reason;
    if (stop !== null) throw stop;
    return { sent, failed, more: claimed.length === limit };
  };

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
        await pacer.turn(() => Context.current().heartbeat({ sent }));
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
     * certificate has not been announced yet, batch after batch until none is left (a learner's own
     * request, and generation runs started before the course mail workflow). Each mail is claimed,
     * then marked as it goes out, so concurrent senders and retries send only what is left; at most
     * the mail in flight during a crash goes twice. Nothing goes out before the display behaviour
     * shows the course's certificates: the course's lifecycle asks for the mail when it does.
     */
    async sendCertificateMails({ courseId, learnerId }: { courseId: string; learnerId?: string }): Promise<MailRunResult> {
      if (!mailer) return { sent: 0, skipped: true };
      let sent = await sendWithdrawalMails(courseId, learnerId);
      const visibility = await messages.certificateVisibilityOf(courseId);
      if (!visibility || !certificatesVisible(visibility, new Date())) return { sent, skipped: false };
      for (;;) {
        const batch = await sendClaimedCertificateMails(courseId, learnerId, BATCH);
        sent += batch.sent;
        if (!batch.more) return { sent, skipped: false };
      }
    },

    /**
     * One bounded batch of the course's pending mail (withdrawals first), for the course mail
     * workflow: about BATCH_SECONDS of sending at the configured rate.
     */
    async sendCertificateMailBatch({ courseId }: { courseId: string }): Promise<MailBatchResult> {
      if (!mailer) return { sent: 0, failed: 0, more: false, skipped: true };
      const withdrawn = await sendWithdrawalMails(courseId, undefined);
      const visibility = await messages.certificateVisibilityOf(courseId);
      if (!visibility || !certificatesVisible(visibility, new Date())) return { sent: withdrawn, failed: 0, more: false, skipped: false };
      const batch = await sendClaimedCertificateMails(courseId, undefined, batchSize);
      return { ...batch, sent: batch.sent + withdrawn, skipped: false };
    },

    /**
     * Hands the course's pending mail to its mail workflow (`course-mail:{courseId}`), starting it
     * when it is not running: the caller goes on at once, whatever mail is pending.
     */
    async requestCertificateMails({ courseId }: { courseId: string }): Promise<{ workflowId: string | null }> {
      if (!mailer) return { workflowId: null };
      const workflowId = courseMailWorkflowId(courseId);
      await Context.current().client.workflow.signalWithStart('courseMailWorkflow', {
        workflowId,
        taskQueue: Context.current().info.taskQueue,
        args: [{ courseId }],
        signal: certificateMailRequestedSignal,
      });
      return { workflowId };
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
