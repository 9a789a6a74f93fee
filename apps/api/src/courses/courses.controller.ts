import * as R from '../common/response-schemas';
import { actorOf, CurrentPrincipal } from '../auth/current-principal';
import { isApiKey, type Principal } from '../auth/principal';
import { Access } from '../auth/access';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { z } from 'zod';
import type { Response } from 'express';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiFileResponse, ApiZodBody, ApiZodResponse } from '../common/openapi';
import { CURSOR_DOC, LIMIT_DOC, PAGE_SIZE, learnerCursorQuery, limitQuery, timeIdCursorQuery } from '../common/pagination';
import { CERTIFICATE_STATUSES, type CertificateStatus } from '../../../shared/domain/enums';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  courseIdParam,
  createCourseSchema,
  enrollLearnersSchema,
  recordGradesSchema,
  activationSchema,
  completionsSchema,
  lessonsSchema,
  updateCourseSchema,
  type CreateCourseDto,
  type EnrollLearnersDto,
  type RecordGradesDto,
  type ActivationDto,
  type CompletionsDto,
  type LessonsDto,
  type UpdateCourseDto,
} from './courses.schemas';
import { DocumentsService } from '../certificates/documents.service';
import { CourseCertificatesService } from './course-certificates.service';
import { CoursesService } from './courses.service';
import { IngestionService } from './ingestion.service';

const courseId = new ZodValidationPipe(courseIdParam, 'path.courseId');

@ApiTags('courses')
@Controller('courses')
export class CoursesController {
  constructor(
    private readonly courses: CoursesService,
    private readonly ingestion: IngestionService,
    private readonly courseCertificates: CourseCertificatesService,
    private readonly documents: DocumentsService,
  ) {}

  @Access.admin()
  @ApiZodResponse(201, R.courseResponse, 'Created (200 when the same course already exists).')
  @Post()
  @ApiZodBody(createCourseSchema, 'Creates the course and starts its lifecycle workflow; repeating the same request is harmless.')
  async create(@Body(new ZodValidationPipe(createCourseSchema)) dto: CreateCourseDto, @Res({ passthrough: true }) res: Response) {
    const { created, course } = await this.courses.createCourse(dto);
    res.status(created ? 201 : 200);
    return course;
  }

  @Access.courseStaff()
  @ApiZodResponse(200, R.courseDetailResponse, 'The course, certificate counts, latest generation and live workflow state.')
  @Get(':courseId')
  get(@Param('courseId', courseId) id: string) {
    return this.courses.getCourse(id);
  }

  @Access.courseStaff()
  @ApiZodResponse(200, R.courseUpdateResponse, 'The course after the change; reevaluationTaskId when a retroactive change queued a re-evaluation.')
  @Patch(':courseId')
  @ApiZodBody(updateCourseSchema, 'Moves the course end (the waiting workflow picks it up) or changes certificate settings.')
  update(@Param('courseId', courseId) id: string, @Body(new ZodValidationPipe(updateCourseSchema)) dto: UpdateCourseDto, @CurrentPrincipal() principal: Principal | null) {
    return this.courses.updateCourse(id, { ...dto, changedBy: isApiKey(principal) ? dto.changedBy : principal?.id });
  }

  @Access.courseStaff()
  @ApiZodResponse(200, R.courseChangesResponse, 'Settings, activation and template changes: who, when, old and new values; newest first.')
  @Get(':courseId/changes')
  @ApiQuery({ name: 'limit', required: false, description: 'At most this many changes (1 to 100, default 20).' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page.' })
  changes(
    @Param('courseId', courseId) id: string,
    @Query('limit', new ZodValidationPipe(z.coerce.number().int().min(1).max(100).default(20), 'query.limit')) limit: number,
    @Query('cursor', new ZodValidationPipe(z.coerce.number().int().min(1).optional(), 'query.cursor')) cursor?: number,
  ) {
    return this.courses.listChanges(id, limit, cursor);
  }

  @Access.courseStaff()
  @ApiZodResponse(200, R.courseResponse, 'The course.')
  @Put(':courseId/certificates/activation')
  @ApiZodBody(activationSchema, 'Activates certificates (starting the lifecycle) or deactivates them.')
  activate(@Param('courseId', courseId) id: string, @Body(new ZodValidationPipe(activationSchema)) dto: ActivationDto, @CurrentPrincipal() principal: Principal | null) {
    return this.courses.setActivation(id, { ...dto, changedBy: actorOf(principal, dto.changedBy, 'body.changedBy') });
  }

  @Access.admin()
  @ApiZodResponse(200, R.ingestionResponse, 'Lessons written.')
  @Put(':courseId/lessons')
  @HttpCode(200)
  @ApiZodBody(lessonsSchema, 'Upserts lessons; optional lessons never block completion.')
  lessons(@Param('courseId', courseId) id: string, @Body(new ZodValidationPipe(lessonsSchema)) dto: LessonsDto) {
    return this.ingestion.upsertLessons(id, dto);
  }

  @Access.admin()
  @ApiZodResponse(200, R.ingestionResponse, 'Completions recorded.')
  @Put(':courseId/completions')
  @HttpCode(200)
  @ApiZodBody(completionsSchema, 'Records lesson completions (idempotent).')
  completions(@Param('courseId', courseId) id: string, @Body(new ZodValidationPipe(completionsSchema)) dto: CompletionsDto) {
    return this.ingestion.recordCompletions(id, dto);
  }

  @Access.admin()
  @ApiZodResponse(200, R.ingestionResponse, 'Learners enrolled.')
  @Put(':courseId/enrollments')
  @ApiZodBody(enrollLearnersSchema, 'Upserts learners and enrollments (idempotent).')
  @HttpCode(200)
  enroll(@Param('courseId', courseId) id: string, @Body(new ZodValidationPipe(enrollLearnersSchema)) dto: EnrollLearnersDto) {
    return this.ingestion.enrollLearners(id, dto);
  }

  @Access.admin()
  @ApiZodResponse(200, R.ingestionResponse, 'Grades recorded.')
  @Put(':courseId/grades')
  @ApiZodBody(recordGradesSchema, 'Records current grades; all rows must name enrolled learners or nothing is written.')
  @HttpCode(200)
  grades(@Param('courseId', courseId) id: string, @Body(new ZodValidationPipe(recordGradesSchema)) dto: RecordGradesDto) {
    return this.ingestion.recordGrades(id, dto);
  }

  @Access.courseStaff()
  @ApiZodResponse(200, R.specimenResponse, 'An unsigned SPECIMEN credential and the course template.')
  @Get(':courseId/certificate-preview')
  preview(@Param('courseId', courseId) id: string) {
    return this.documents.specimen(id);
  }

  @Access.courseStaff()
  @ApiFileResponse('application/pdf', 'The SPECIMEN certificate PDF.')
  @Get(':courseId/certificate-preview.pdf')
  async previewPdf(@Param('courseId', courseId) id: string, @Res() res: Response) {
    res.type('application/pdf').send(await this.documents.specimenPdf(id));
  }

  @Access.courseStaff()
  @ApiZodResponse(200, R.certificatePageResponse, 'One page of the course\'s certificates, by username.')
  @Get(':courseId/certificates')
  @ApiQuery({ name: 'learner', required: false, description: 'Only the certificate of this learner (username or email).' })
  @ApiQuery({ name: 'status', required: false, enum: CERTIFICATE_STATUSES, description: 'Only certificates in this status.' })
  @ApiQuery({
    name: 'search',
    required: false,
    description:
      'Learners whose username or email starts with this (case-insensitive). A prefix that more than 1,000 learners share reads at most 20,000 certificates per page: such a page may hold fewer rows than `limit`, even none, with a `nextCursor` to go on. The list ends when `nextCursor` is null.',
  })
  @ApiQuery(LIMIT_DOC)
  @ApiQuery(CURSOR_DOC)
  certificates(
    @Param('courseId', courseId) id: string,
    @Query('learner', new ZodValidationPipe(z.string().trim().min(1).max(255).optional(), 'query.learner')) learner?: string,
    @Query('status', new ZodValidationPipe(z.enum(CERTIFICATE_STATUSES).optional(), 'query.status')) status?: CertificateStatus,
    @Query('search', new ZodValidationPipe(z.string().trim().min(1).max(255).optional(), 'query.search')) search?: string,
    @Query('limit', new ZodValidationPipe(limitQuery, 'query.limit')) limit = PAGE_SIZE.default,
    @Query('cursor', new ZodValidationPipe(learnerCursorQuery, 'query.cursor')) cursor?: string,
  ) {
    return this.courseCertificates.listCertificates(id, { learner, status, search, limit, after: cursor });
  }

  @Access.courseStaff()
  @ApiZodResponse(200, R.invalidationPageResponse, 'One page of the course\'s invalidated certificates (their active invalidations), newest first.')
  @Get(':courseId/invalidations')
  @ApiQuery(LIMIT_DOC)
  @ApiQuery(CURSOR_DOC)
  invalidations(
    @Param('courseId', courseId) id: string,
    @Query('limit', new ZodValidationPipe(limitQuery, 'query.limit')) limit: number,
    @Query('cursor', new ZodValidationPipe(timeIdCursorQuery, 'query.cursor')) cursor?: { at: Date; id: string },
  ) {
    return this.courseCertificates.listInvalidations(id, limit, cursor);
  }
}
