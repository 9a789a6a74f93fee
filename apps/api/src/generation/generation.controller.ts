import * as R from '../common/response-schemas';
import { z } from 'zod';
import { actorOf, CurrentPrincipal } from '../auth/current-principal';
import type { Principal } from '../auth/principal';
import { Access } from '../auth/access';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { courseIdParam } from '../courses/courses.schemas';
import { ApiZodBody, ApiZodResponse } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { requestGenerationSchema, retryTaskSchema, taskIdParam, type RequestGenerationDto, type RetryTaskDto } from './generation.schemas';
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
  @ApiZodResponse(200, z.array(R.taskResponse), 'Generation history, newest first.')
  @Get('courses/:courseId/generation-tasks')
  history(@Param('courseId', courseId) id: string) {
    return this.generation.listTasks(id);
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
}
