import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { courseMessageWorkflow } from '../../../../workflows/course-message';
import { courseMessageWorkflowId } from '../../../../workflows/definitions';
import type { AppConfig } from '../../../shared/config';
import { MessagesRepository } from '../../../shared/repositories';
import { NotFoundError, TooManyRequestsError } from '../common/errors';
import { CONFIG, TEMPORAL_CLIENT } from '../common/tokens';

export interface FarewellMessage {
  subject: string;
  body: string;
  sentBy: string;
}

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /** Records the farewell message (at most one per FAREWELL_MIN_INTERVAL), then starts the workflow that mails it. */
  async sendFarewell(courseId: string, farewell: FarewellMessage) {
    const message = await this.recordFarewell(courseId, farewell);
    const workflowId = courseMessageWorkflowId(message.id);
    try {
      await this.temporal.workflow.start(courseMessageWorkflow, { workflowId, taskQueue: this.config.temporal.taskQueue, args: [{ messageId: message.id }] });
    } catch (error) {
      // Nothing was sent: the message must not hold back the next attempt for a whole interval.
      await this.messages.deleteMessage(message.id).catch(() => undefined);
      throw error;
    }
    const recipients = await this.messages.countRecipients(courseId);
    // The API and the worker read the same configuration: without SMTP the message is recorded, not sent.
    return { id: message.id, courseId, subject: message.subject, recipients, workflowId, mailConfigured: Boolean(this.config.mail.smtpUrl) };
  }

  /** Records the message unless the course had one within the interval (checked under the course's row lock). */
  private async recordFarewell(courseId: string, farewell: FarewellMessage) {
    const intervalMs = this.config.rateLimits.farewellMinIntervalMs;
    const outcome = await this.messages.recordFarewell(courseId, farewell, intervalMs);
    switch (outcome.kind) {
      case 'course_missing':
        throw new NotFoundError('course', courseId);
      case 'too_soon': {
        const { previous, now } = outcome;
        const nextAllowedAt = new Date(previous.createdAt.getTime() + intervalMs);
        throw new TooManyRequestsError(
          `a farewell message was already sent to course ${courseId} at ${previous.createdAt.toISOString()}; the next one may be sent from ${nextAllowedAt.toISOString()}`,
          (nextAllowedAt.getTime() - now.getTime()) / 1000,
        );
      }
      case 'recorded':
        return outcome.message;
    }
  }
}
