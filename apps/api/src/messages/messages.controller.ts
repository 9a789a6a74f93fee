import * as R from '../common/response-schemas';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Access } from '../auth/access';
import { actorOf, CurrentPrincipal } from '../auth/current-principal';
import type { Principal } from '../auth/principal';
import { ApiZodBody, ApiZodResponse, ERROR_RESPONSE_SCHEMA } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { courseIdParam } from '../courses/courses.schemas';
import { MessagesService } from './messages.service';

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
  constructor(private readonly messages: MessagesService) {}

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
  farewell(
    @Param('courseId', new ZodValidationPipe(courseIdParam, 'path.courseId')) courseId: string,
    @Body(new ZodValidationPipe(courseMessageSchema)) dto: CourseMessageDto,
    @CurrentPrincipal() principal: Principal | null,
  ) {
    const sentBy = actorOf(principal, dto.sentBy, 'body.sentBy');
    return this.messages.sendFarewell(courseId, { subject: dto.subject, body: dto.body, sentBy });
  }
}
