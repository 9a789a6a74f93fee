import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Access } from '../auth/access';
import { CurrentPrincipal } from '../auth/current-principal';
import type { Principal } from '../auth/principal';
import { homeOf } from '../auth/session.controller';
import { NotFoundError } from '../common/errors';
import { timeIdCursorQuery, timeTextCursorQuery } from '../common/pagination';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { courseIdParam } from '../courses/courses.schemas';
import { ASSETS } from './assets';
import { renderCourseList, renderDashboard, renderHome, renderLearnerCourses, renderProgress } from './pages';
import { PeopleService } from './people.service';

const courseId = new ZodValidationPipe(courseIdParam, 'path.courseId');
const DASHBOARD_LISTS = ['history', 'exceptions', 'invalidated'] as const;

/** Server-rendered pages for people; they read and change data through the same JSON API. */
@ApiExcludeController()
@Controller()
export class PagesController {
  constructor(private readonly people: PeopleService) {}

  @Access.public()
  @Get()
  home(@Res() res: Response) {
    res.type('html').send(renderHome());
  }

  @Access.signedIn()
  @Get('app')
  async app(@CurrentPrincipal() principal: Principal, @Res() res: Response) {
    const home = homeOf(principal);
    if (home !== '/app') return res.redirect(303, home);
    res.type('html').send(renderCourseList(principal, await this.people.staffCourses(principal)));
  }

  @Access.signedIn()
  @Get('app/learner')
  async learner(@CurrentPrincipal() principal: Principal, @Res() res: Response) {
    const cards = principal.kind === 'learner' ? await this.people.courseCards(principal.id) : [];
    res.type('html').send(renderLearnerCourses(principal, cards));
  }

  /** The learner's own Progress page for one course (seed 002's messages and buttons). */
  @Access.signedIn()
  @Get('app/courses/:courseId/progress')
  async progress(@Param('courseId', courseId) id: string, @CurrentPrincipal() principal: Principal, @Res() res: Response) {
    if (principal.kind !== 'learner') throw new NotFoundError('progress page for', `${principal.kind} ${principal.id} (it is for learners)`);
    res.type('html').send(renderProgress(principal, await this.people.progressPage(id, principal.id)));
  }

  /** The instructor's Certificates page (seed 004). */
  @Access.courseStaff()
  @Get('app/courses/:courseId/certificates')
  async dashboard(
    @Param('courseId', courseId) id: string,
    @Query('history', new ZodValidationPipe(timeIdCursorQuery, 'query.history')) history: { at: Date; id: string } | undefined,
    @Query('exceptions', new ZodValidationPipe(timeTextCursorQuery, 'query.exceptions')) exceptions: { at: Date; text: string } | undefined,
    @Query('invalidated', new ZodValidationPipe(timeIdCursorQuery, 'query.invalidated')) invalidated: { at: Date; id: string } | undefined,
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ) {
    // Each list pages on its own: a next link keeps where the other lists are.
    const at = Object.fromEntries(DASHBOARD_LISTS.flatMap((list) => (typeof query[list] === 'string' ? [[list, query[list]]] : []))) as Partial<Record<(typeof DASHBOARD_LISTS)[number], string>>;
    res.type('html').send(renderDashboard(principal, await this.people.dashboard(id, principal, { history, exceptions, invalidated }), at));
  }

  @Access.public()
  @Get('assets/:file')
  asset(@Param('file', new ZodValidationPipe(z.string().regex(/^[a-z-]+\.(css|js)$/, 'not an asset name'), 'path.file')) file: string, @Res() res: Response) {
    const asset = ASSETS[file];
    if (!asset) throw new NotFoundError('asset', file);
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type(asset.type).send(asset.body);
  }
}
