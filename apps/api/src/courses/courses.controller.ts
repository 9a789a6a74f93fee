import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import { ApiZodBody } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  courseIdParam,
  createCourseSchema,
  enrollLearnersSchema,
  recordGradesSchema,
  rescheduleCourseSchema,
  type CreateCourseDto,
  type EnrollLearnersDto,
  type RecordGradesDto,
  type RescheduleCourseDto,
} from './courses.schemas';
import { CoursesService } from './courses.service';

const courseId = new ZodValidationPipe(courseIdParam, 'path.courseId');

@ApiTags('courses')
@Controller('courses')
export class CoursesController {
  constructor(private readonly courses: CoursesService) {}

  @Post()
  @ApiZodBody(createCourseSchema, 'Creates the course and starts its lifecycle workflow; repeating the same request is harmless.')
  async create(@Body(new ZodValidationPipe(createCourseSchema)) dto: CreateCourseDto, @Res({ passthrough: true }) res: Response) {
    const { created, course } = await this.courses.createCourse(dto);
    res.status(created ? 201 : 200);
    return course;
  }

  @Get(':courseId')
  get(@Param('courseId', courseId) id: string) {
    return this.courses.getCourse(id);
  }

  @Patch(':courseId')
  @ApiZodBody(rescheduleCourseSchema, 'Moves the course end; the waiting lifecycle workflow picks up the new date.')
  reschedule(@Param('courseId', courseId) id: string, @Body(new ZodValidationPipe(rescheduleCourseSchema)) dto: RescheduleCourseDto) {
    return this.courses.rescheduleCourse(id, dto);
  }

  @Put(':courseId/enrollments')
  @ApiZodBody(enrollLearnersSchema, 'Upserts learners and enrollments (idempotent).')
  @HttpCode(200)
  enroll(@Param('courseId', courseId) id: string, @Body(new ZodValidationPipe(enrollLearnersSchema)) dto: EnrollLearnersDto) {
    return this.courses.enrollLearners(id, dto);
  }

  @Put(':courseId/grades')
  @ApiZodBody(recordGradesSchema, 'Records current grades; all rows must name enrolled learners or nothing is written.')
  @HttpCode(200)
  grades(@Param('courseId', courseId) id: string, @Body(new ZodValidationPipe(recordGradesSchema)) dto: RecordGradesDto) {
    return this.courses.recordGrades(id, dto);
  }

  @Get(':courseId/certificates')
  certificates(@Param('courseId', courseId) id: string) {
    return this.courses.listCertificates(id);
  }
}
