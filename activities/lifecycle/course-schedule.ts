import { ApplicationFailure } from '@temporalio/common';
import type { Pacing } from '../../apps/shared/domain/enums';
import { certificatesVisibleFrom } from '../../apps/shared/domain/certificate-visibility';
import { issuanceMode, issuesAtIntervals } from '../../apps/shared/domain/issuance-mode';
import { createRepositories } from '../../apps/shared/repositories';
import type { ActivityDeps } from '../deps';

export interface CourseSchedule {
  courseId: string;
  pacing: Pacing;
  /** ISO timestamp; workflows compare it with Temporal's clock. */
  endAt: string;
  /**
   * Issue everyone right after grade finalization: certificates active, issued in bulk
   * (instructor-paced, not learner-generated), and the course opted in. Otherwise the instructor
   * decides when to generate (seed 002: "Certificates need to be generated manually").
   */
  bulkIssuance: boolean;
}

/** What the lifecycle's timers wait for while the course runs. */
export interface CourseTiming {
  /** ISO timestamp of the course end: interval issuance stops after its last run there. */
  endAt: string;
  /** Issue to every qualified learner at intervals (self-paced, certificates active). */
  intervalIssuance: boolean;
  /** When issued certificates become visible (ISO), so their mails go out then; null: as soon as issued. */
  visibleFrom: string | null;
}

/** Who the generation history names for the self-paced course's interval runs. */
export const INTERVAL_REQUESTER = 'system (interval)';

export function createCourseScheduleActivities({ db }: ActivityDeps) {
  const { courses, generationTasks } = createRepositories(db);
  return {
    async getCourseSchedule(courseId: string): Promise<CourseSchedule> {
      const course = await courses.findCourse(courseId);
      if (!course) throw ApplicationFailure.nonRetryable(`course ${courseId} does not exist`, 'CourseNotFound');
      return {
        courseId,
        pacing: course.pacing,
        endAt: course.endAt.toISOString(),
        bulkIssuance: course.certificatesActive && issuanceMode(course) === 'bulk' && course.autoGenerateCertificates,
      };
    },

    async getCourseTiming(courseId: string): Promise<CourseTiming> {
      const course = await courses.findCourse(courseId);
      if (!course) throw ApplicationFailure.nonRetryable(`course ${courseId} does not exist`, 'CourseNotFound');
      const visibleFrom = certificatesVisibleFrom(course);
      return {
        endAt: course.endAt.toISOString(),
        intervalIssuance: course.certificatesActive && issuesAtIntervals(course),
        visibleFrom: visibleFrom ? visibleFrom.toISOString() : null,
      };
    },

    /** A self-paced course's interval run, recorded in the generation history like any other task. */
    async createIntervalGenerationTask(courseId: string): Promise<string> {
      const task = await generationTasks.createTask({ courseId, kind: 'all_learners', requestedBy: INTERVAL_REQUESTER });
      return task.id;
    },

    /** Snapshots every current grade as the final grade; certificates are decided on the snapshot. */
    async finalizeGrades(courseId: string): Promise<{ learners: number }> {
      return { learners: await courses.finalizeGrades(courseId) };
    },
  };
}
