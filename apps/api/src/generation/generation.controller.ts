import * as R from '../common/response-schemas';
import { actorOf, CurrentPrincipal } from '../auth/current-principal';
import type { Principal } from '../auth/principal';
import { Access } from '../auth/access';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { CURSOR_DOC, LIMIT_DOC, limitQuery, timeIdCursorQuery } from '../common/pagination';
import { courseIdParam } from '../courses/courses.schemas';
import { ApiZodBody, ApiZodResponse } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { cancelTaskSchema, requestGenerationSchema, retryTaskSchema, taskIdParam, type CancelTaskDto, type RequestGenerationDto, type RetryTaskDto } from './generation.schemas';
import { GenerationService } from './generation.service';

const courseId = new ZodValidationPipe(courseIdParam, 'path.courseId');
const taskId = new ZodValidationPipe(taskIdParam, 'path.taskId');

@ApiTags('generation')
@Controller()
export class GenerationController {
  constructor(private readonly generation: GenerationService) {}

  @Access.courseStaff()
  @ApiZodResponse(202, R.taskResponse, 'The queued task.')
  @Post('courses/:courseId/generation-tasks')
  @HttpCode(202)
  @ApiZodBody(requestGenerationSchema, 'Generate for all learners, regenerate chosen groups, or generate exception certificates.')
  request(@Param('courseId', courseId) id: string, @Body(new ZodValidationPipe(requestGenerationSchema)) dto: RequestGenerationDto, @CurrentPrincipal() principal: Principal | null) {
    this.generation.assertMayGenerate(principal);
    return this.generation.requestGeneration(id, { ...dto, requestedBy: actorOf(principal, dto.requestedBy, 'body.requestedBy') });
  }

  @Access.courseStaff()
  @ApiZodResponse(200, R.taskPageResponse, 'One page of the generation history, newest first.')
  @Get('courses/:courseId/generation-tasks')
  @ApiQuery(LIMIT_DOC)
  @ApiQuery(CURSOR_DOC)
  history(
    @Param('courseId', courseId) id: string,
    @Query('limit', new ZodValidationPipe(limitQuery, 'query.limit')) limit: number,
    @Query('cursor', new ZodValidationPipe(timeIdCursorQuery, 'query.cursor')) cursor?: { at: Date; id: string },
  ) {
    return this.generation.listTasks(id, limit, cursor);
  }

  @Access.taskStaff()
  @ApiZodResponse(200, R.taskResponse, 'The task with live counts.')
  @Get('generation-tasks/:taskId')
  task(@Param('taskId', taskId) id: string) {
    return this.generation.getTask(id);
  }

  @Access.taskStaff()
  @ApiZodResponse(202, R.taskResponse, 'The new task.')
  @Post('generation-tasks/:taskId/retry')
  @HttpCode(202)
  @ApiZodBody(retryTaskSchema, 'Runs a finished or failed task again as a new task.')
  retry(@Param('taskId', taskId) id: string, @Body(new ZodValidationPipe(retryTaskSchema)) dto: RetryTaskDto, @CurrentPrincipal() principal: Principal | null) {
    this.generation.assertMayGenerate(principal);
    return this.generation.retryTask(id, actorOf(principal, dto.requestedBy, 'body.requestedBy'));
  }

  @Access.taskStaff()
  @ApiZodResponse(202, R.taskResponse, 'The task, as it stands when the cancel is asked; it reads "cancelled" within seconds.')
  @Post('generation-tasks/:taskId/cancel')
  @HttpCode(202)
  @ApiZodBody(cancelTaskSchema, 'Stops a queued or running task; what it issued stays issued. A finished task answers 409.')
  cancel(@Param('taskId', taskId) id: string, @Body(new ZodValidationPipe(cancelTaskSchema)) dto: CancelTaskDto, @CurrentPrincipal() principal: Principal | null) {
    this.generation.assertMayGenerate(principal);
    return this.generation.cancelTask(id, actorOf(principal, dto.cancelledBy, 'body.cancelledBy'));
  }
}
