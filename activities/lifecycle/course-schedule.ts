import { ApplicationFailure } from '@temporalio/common';
import type { Pacing } from '../../apps/shared/domain/enums';
import { issuanceMode } from '../../apps/shared/domain/issuance-mode';
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

export function createCourseScheduleActivities({ db }: ActivityDeps) {
  const { courses } = createRepositories(db);
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

    /** Snapshots every current grade as the final grade; certificates are decided on the snapshot. */
    async finalizeGrades(courseId: string): Promise<{ learners: number }> {
      return { learners: await courses.finalizeGrades(courseId) };
    },
  };
}
