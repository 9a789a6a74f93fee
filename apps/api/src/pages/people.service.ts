import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../../shared/config';
import { CourseCountsRepository, CoursesRepository, EnrollmentsRepository, InvalidationsRepository } from '../../../shared/repositories';
import type { Principal } from '../auth/principal';
import { CoursesService } from '../courses/courses.service';
import { ExceptionsService } from '../exceptions/exceptions.service';
import { GenerationService } from '../generation/generation.service';
import { LearnersService } from '../learners/learners.service';
import { DocumentsService } from '../certificates/documents.service';
import { CONFIG } from '../common/tokens';

/** What each person's pages show, gathered from the same services the JSON API uses. */
@Injectable()
export class PeopleService {
  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly courseRecords: CoursesRepository,
    private readonly enrollments: EnrollmentsRepository,
    private readonly invalidations: InvalidationsRepository,
    private readonly courseCounts: CourseCountsRepository,
    private readonly courses: CoursesService,
    private readonly learners: LearnersService,
    private readonly generation: GenerationService,
    private readonly exceptions: ExceptionsService,
    private readonly documents: DocumentsService,
  ) {}

  /** The signed-in person and their courses: a learner's course cards, or the courses staff run. */
  async me(principal: Principal) {
    const base = { id: principal.id, name: principal.name ?? null, role: principal.kind };
    return { ...base, courses: principal.kind === 'learner' ? await this.courseCards(principal.id) : await this.staffCourses(principal) };
  }

  /** The courses an instructor's token names (that exist here), or every course for an admin. */
  async staffCourses(principal: Principal) {
    const courses = await this.courseRecords.listForStaff(principal.kind === 'instructor' ? [...principal.courses] : null);
    return courses.map((c) => ({ courseId: c.id, title: c.title, endAt: c.endAt.toISOString(), certificatesActive: c.certificatesActive }));
  }

  /** The learner's dashboard: every course with what its certificate card shows. */
  async courseCards(learnerId: string) {
    const enrollments = await this.enrollments.listLearnerEnrollmentsWithCourse(learnerId);
    return Promise.all(
      enrollments.map(async (e) => {
        const { progress } = await this.learners.progressOf(e.course, learnerId);
        const certificateId = progress.display.courseCardDownload ? (progress.certificate?.id ?? null) : null;
        return {
          courseId: e.courseId,
          title: e.course.title,
          endAt: e.course.endAt.toISOString(),
          mode: e.mode,
          message: progress.display.message,
          detail: progress.display.detail,
          actions: progress.display.actions,
          certificate: certificateId ? await this.links(certificateId) : null,
        };
      }),
    );
  }

  async links(certificateId: string) {
    return { id: certificateId, ...(await this.documents.share(certificateId)) };
  }

  async progressPage(courseId: string, learnerId: string) {
    const { course, progress } = await this.learners.courseProgress(courseId, learnerId);
    return { course, progress, links: progress.certificate ? await this.links(progress.certificate.id) : null };
  }

  /**
   * The instructor's Certificates page: counts, and one page of each list from `cursors` (the
   * page's query), never the whole course.
   */
  async dashboard(courseId: string, principal: Principal, cursors: DashboardCursors = {}) {
    const [course, history, exceptions, invalidated, counts] = await Promise.all([
      this.courses.getCourse(courseId),
      this.generation.listTasks(courseId, DASHBOARD_PAGE_SIZE, cursors.history),
      this.exceptions.listExceptions(courseId, DASHBOARD_PAGE_SIZE, cursors.exceptions),
      // Each invalidated certificate's active invalidation: what the page lists (and counts).
      this.invalidations.listActiveForCourse(courseId, DASHBOARD_PAGE_SIZE, cursors.invalidated),
      this.courseCounts.countsOf(courseId),
    ]);
    // The page hides what the API would refuse this person.
    return {
      course,
      tasks: history.tasks,
      exceptions: exceptions.exceptions,
      invalidated: invalidated.invalidations,
      counts: { exceptions: counts.exceptions, invalidated: counts.invalidated },
      next: { history: history.nextCursor, exceptions: exceptions.nextCursor, invalidated: invalidated.nextCursor },
      mayGenerate: this.generation.mayGenerate(principal),
    };
  }
}

/** Rows of each list on the Certificates page. */
export const DASHBOARD_PAGE_SIZE = 50;

/** Where each list of the Certificates page starts: the page's query parameters of the same names. */
export interface DashboardCursors {
  history?: { at: Date; id: string };
  exceptions?: { at: Date; text: string };
  invalidated?: { at: Date; id: string };
}
