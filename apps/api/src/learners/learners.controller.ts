import { ApiZodResponse } from '../common/openapi';
import * as R from '../common/response-schemas';
import { Access } from '../auth/access';
import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { courseIdParam } from '../courses/courses.schemas';
import { learnerIdParam } from '../exceptions/exceptions.schemas';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { LearnersService } from './learners.service';

const courseId = new ZodValidationPipe(courseIdParam, 'path.courseId');
const learnerId = new ZodValidationPipe(learnerIdParam, 'path.learnerId');

@ApiTags('learners')
@Controller('courses/:courseId/learners/:learnerId')
export class LearnersController {
  constructor(private readonly learners: LearnersService) {}

  /** "Request Certificate" on the Progress page, and the automatic request when a learner finishes. */
  @Access.learnerOrStaff()
  @ApiZodResponse(200, R.learnerRequestResponse, 'The certificate, or the reason there is none.')
  @Post('certificate')
  @HttpCode(200)
  request(@Param('courseId', courseId) course: string, @Param('learnerId', learnerId) learner: string) {
    return this.learners.requestCertificate(course, learner);
  }

  /**
   * The LMS's call when the learner clicks "Finish" at the end of a self-paced course (seed 002:
   * "we automatically request the generation of the certificate"): the same request, the same
   * workflow and answer; 409 when learners may not request (learner-generated certificates disabled).
   */
  @Access.learnerOrStaff()
  @ApiZodResponse(200, R.learnerRequestResponse, 'The certificate, or the reason there is none.')
  @Post('finish')
  @HttpCode(200)
  finish(@Param('courseId', courseId) course: string, @Param('learnerId', learnerId) learner: string) {
    return this.learners.requestCertificate(course, learner);
  }

  @Access.learnerOrStaff()
  @ApiZodResponse(200, R.progressResponse, "What the learner's Progress page shows, and why.")
  @Get('progress')
  progress(@Param('courseId', courseId) course: string, @Param('learnerId', learnerId) learner: string) {
    return this.learners.progress(course, learner);
  }
}
