import * as R from '../common/response-schemas';
import { actorOf, CurrentPrincipal } from '../auth/current-principal';
import type { Principal } from '../auth/principal';
import { Access } from '../auth/access';
import type { IncomingMessage } from 'node:http';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CURSOR_DOC, LIMIT_DOC, limitQuery, timeTextCursorQuery } from '../common/pagination';
import { courseIdParam } from '../courses/courses.schemas';
import { ApiZodBody, ApiZodResponse } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  grantExceptionSchema,
  importQuerySchema,
  learnerIdParam,
  removeExceptionSchema,
  type GrantExceptionDto,
  type RemoveExceptionDto,
} from './exceptions.schemas';
import { ExceptionsService } from './exceptions.service';

const courseId = new ZodValidationPipe(courseIdParam, 'path.courseId');

@ApiTags('exceptions')
@Access.courseStaff()
@Controller('courses/:courseId/exceptions')
export class ExceptionsController {
  constructor(private readonly exceptions: ExceptionsService) {}

  @ApiZodResponse(200, R.exceptionPageResponse, 'One page of the exception list, in the order learners were added.')
  @Get()
  @ApiQuery(LIMIT_DOC)
  @ApiQuery(CURSOR_DOC)
  list(
    @Param('courseId', courseId) id: string,
    @Query('limit', new ZodValidationPipe(limitQuery, 'query.limit')) limit: number,
    @Query('cursor', new ZodValidationPipe(timeTextCursorQuery, 'query.cursor')) cursor?: { at: Date; text: string },
  ) {
    return this.exceptions.listExceptions(id, limit, cursor);
  }

  @ApiZodResponse(201, R.exceptionResponse, 'The learner on the list.')
  @Post()
  @ApiZodBody(grantExceptionSchema, 'Adds one learner (username or email) to the exception list.')
  grant(@Param('courseId', courseId) id: string, @Body(new ZodValidationPipe(grantExceptionSchema)) dto: GrantExceptionDto, @CurrentPrincipal() principal: Principal | null) {
    return this.exceptions.grantException(id, { ...dto, grantedBy: actorOf(principal, dto.grantedBy, 'body.grantedBy') });
  }

  /** text/csv: `learner,notes` per line. Good lines are kept; each bad line is reported with its number. */
  @ApiZodResponse(200, R.exceptionImportResponse, 'One result per line.')
  @Post('import')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({ description: 'CSV: learner (username or email), notes', schema: { type: 'string' } })
  import(
    @Param('courseId', courseId) id: string,
    @Query(new ZodValidationPipe(importQuerySchema, 'query')) query: { grantedBy?: string },
    // Read from the connection by the service: the global text parser skips this route.
    @Req() request: IncomingMessage,
    @CurrentPrincipal() principal: Principal | null,
  ) {
    return this.exceptions.importExceptions(id, request, actorOf(principal, query.grantedBy, 'query.grantedBy'));
  }

  @ApiZodResponse(200, R.exceptionRemovalResponse, 'Removed; whether a certificate was invalidated with it.')
  @Post(':learnerId/removal')
  @HttpCode(200)
  @ApiZodBody(removeExceptionSchema, 'Takes the learner off the list; a certificate that stood only on the exception is invalidated.')
  remove(
    @Param('courseId', courseId) id: string,
    @Param('learnerId', new ZodValidationPipe(learnerIdParam, 'path.learnerId')) learnerId: string,
    @Body(new ZodValidationPipe(removeExceptionSchema)) dto: RemoveExceptionDto,
    @CurrentPrincipal() principal: Principal | null,
  ) {
    return this.exceptions.removeException(id, learnerId, actorOf(principal, dto.removedBy, 'body.removedBy'));
  }
}
