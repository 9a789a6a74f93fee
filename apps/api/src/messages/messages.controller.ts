import * as R from '../common/response-schemas';
import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { Client } from '@temporalio/client';
import { z } from 'zod';
import { courseMessageWorkflow } from '../../../../workflows/course-message';
import { courseMessageWorkflowId } from '../../../../workflows/definitions';
import type { AppConfig } from '../../../shared/config';
import type { Database } from '../../../shared/database';
import { Access } from '../auth/access';
import { actorOf, CurrentPrincipal } from '../auth/current-principal';
import type { Principal } from '../auth/principal';
import { NotFoundError, TooManyRequestsError } from '../common/errors';
import { ApiZodBody, ApiZodResponse, ERROR_RESPONSE_SCHEMA } from '../common/openapi';
import { CONFIG, DATABASE, TEMPORAL_CLIENT } from '../common/tokens';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { courseIdParam } from '../courses/courses.schemas';

export const courseMessageSchema = z
  .object({
    subject: z.string().trim().min(1, 'give the message a subject').max(200),
    body: z.string().trim().min(1, 'write the message').max(20_000),
    sentBy: z.string().trim().min(1).max(255).optional(),
  })
  .strict();
type CourseMessageDto = z.infer<typeof courseMessageSchema>;

@ApiTags('courses')
@Controller('courses/:courseId')
export class MessagesController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The farewell message: recorded, then mailed to every enrolled learner by a workflow. At most
   * one per course per FAREWELL_MIN_INTERVAL, so a repeated click or a loop cannot mail everyone again.
   */
  @Access.courseStaff()
  @ApiZodResponse(202, R.farewellResponse, 'Recorded and queued for sending.')
  @ApiResponse({ status: 429, description: 'The course already had a farewell message within FAREWELL_MIN_INTERVAL; the message says when the next one may be sent.', schema: ERROR_RESPONSE_SCHEMA })
  @Post('farewell')
  @HttpCode(202)
  @ApiZodBody(courseMessageSchema, 'Mails the message to every learner enrolled in the course.')
  async farewell(
    @Param('courseId', new ZodValidationPipe(courseIdParam, 'path.courseId')) courseId: string,
    @Body(new ZodValidationPipe(courseMessageSchema)) dto: CourseMessageDto,
    @CurrentPrincipal() principal: Principal | null,
  ) {
    const sentBy = actorOf(principal, dto.sentBy, 'body.sentBy');
    const message = await this.recordFarewell(courseId, { subject: dto.subject, body: dto.body, sentBy });
    const workflowId = courseMessageWorkflowId(message.id);
    try {
      await this.temporal.workflow.start(courseMessageWorkflow, { workflowId, taskQueue: this.config.temporal.taskQueue, args: [{ messageId: message.id }] });
    } catch (error) {
      // Nothing was sent: the message must not hold back the next attempt for a whole interval.
      await this.db.courseMessage.delete({ where: { id: message.id } }).catch(() => undefined);
      throw error;
    }
    const recipients = await this.db.enrollment.count({ where: { courseId } });
    // The API and the worker read the same configuration: without SMTP the message is recorded, not sent.
    return { id: message.id, courseId, subject: message.subject, recipients, workflowId, mailConfigured: Boolean(this.config.mail.smtpUrl) };
  }

  /**
   * Records the message unless the course had one within the interval. The course row is locked
   * for the check and the insert, so two concurrent requests cannot both pass the check.
   */
  private async recordFarewell(courseId: string, message: { subject: string; body: string; sentBy: string }) {
    const intervalMs = this.config.rateLimits.farewellMinIntervalMs;
    return this.db.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM courses WHERE id = ${courseId} FOR UPDATE`;
      if (locked.length === 0) throw new NotFoundError('course', courseId);
      const now = new Date();
      const previous = intervalMs > 0
        ? await tx.courseMessage.findFirst({ where: { courseId, createdAt: { gt: new Date(now.getTime() - intervalMs) } }, orderBy: { createdAt: 'desc' } })
        : null;
      if (previous) {
        const nextAllowedAt = new Date(previous.createdAt.getTime() + intervalMs);
        throw new TooManyRequestsError(
          `a farewell message was already sent to course ${courseId} at ${previous.createdAt.toISOString()}; the next one may be sent from ${nextAllowedAt.toISOString()}`,
          (nextAllowedAt.getTime() - now.getTime()) / 1000,
        );
      }
      return tx.courseMessage.create({ data: { courseId, ...message, createdAt: now } });
    });
  }
}
