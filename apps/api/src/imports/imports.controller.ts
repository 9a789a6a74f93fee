import { ApiZodResponse } from '../common/openapi';
import * as R from '../common/response-schemas';
import { Access } from '../auth/access';
import type { IncomingMessage } from 'node:http';
import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { courseIdParam } from '../courses/courses.schemas';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { IMPORT_KINDS, ImportsService, type ImportKind } from './imports.service';

@ApiTags('courses')
@Access.admin()
@Controller('courses/:courseId/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /** text/csv with a header line, at most 16 MB; refused whole, with every bad line reported, if any line is bad. One at a time per server. */
  @ApiZodResponse(200, R.importResponse, 'Rows written.')
  @ApiResponse({
    status: 429,
    description: 'Imports run one at a time on each server, with at most 4 waiting; a fifth waiting import is refused. Retry after the seconds in the Retry-After header.',
    headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } } },
  })
  @Post(':kind')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({
    description: 'enrollments: learnerId,email,name,mode · grades: learnerId,grade · completions: learnerId,lessonId[,completedAt]',
    schema: { type: 'string' },
  })
  import(
    @Param('courseId', new ZodValidationPipe(courseIdParam, 'path.courseId')) courseId: string,
    @Param('kind', new ZodValidationPipe(z.enum(IMPORT_KINDS), 'path.kind')) kind: ImportKind,
    // Read from the connection by the service, slice by slice: the global text parser skips this route.
    @Req() request: IncomingMessage,
  ) {
    return this.imports.importCsv(courseId, kind, request);
  }
}
