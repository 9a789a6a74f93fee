import * as R from '../common/response-schemas';
import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Client } from '@temporalio/client';
import { z } from 'zod';
import { courseMessageWorkflow } from '../../../../workflows/course-message';
import { courseMessageWorkflowId } from '../../../../workflows/definitions';
import type { AppConfig } from '../../../shared/config';
import type { Database } from '../../../shared/database';
import { Access } from '../auth/access';
import { actorOf, CurrentPrincipal } from '../auth/current-principal';
import type { Principal } from '../auth/principal';
import { NotFoundError } from '../common/errors';
import { ApiZodBody, ApiZodResponse } from '../common/openapi';
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

  /** The farewell message: recorded, then mailed to every enrolled learner by a workflow. */
  @Access.courseStaff()
  @ApiZodResponse(202, R.farewellResponse, 'Recorded and queued for sending.')
  @Post('farewell')
  @HttpCode(202)
  @ApiZodBody(courseMessageSchema, 'Mails the message to every learner enrolled in the course.')
  async farewell(
    @Param('courseId', new ZodValidationPipe(courseIdParam, 'path.courseId')) courseId: string,
    @Body(new ZodValidationPipe(courseMessageSchema)) dto: CourseMessageDto,
    @CurrentPrincipal() principal: Principal | null,
  ) {
    const course = await this.db.course.findUnique({ where: { id: courseId }, select: { id: true } });
    if (!course) throw new NotFoundError('course', courseId);
    const message = await this.db.courseMessage.create({
      data: { courseId, subject: dto.subject, body: dto.body, sentBy: actorOf(principal, dto.sentBy, 'body.sentBy') },
    });
    const workflowId = courseMessageWorkflowId(message.id);
    await this.temporal.workflow.start(courseMessageWorkflow, { workflowId, taskQueue: this.config.temporal.taskQueue, args: [{ messageId: message.id }] });
    const recipients = await this.db.enrollment.count({ where: { courseId } });
    // The API and the worker read the same configuration: without SMTP the message is recorded, not sent.
    return { id: message.id, courseId, subject: message.subject, recipients, workflowId, mailConfigured: Boolean(this.config.mail.smtpUrl) };
  }
}
