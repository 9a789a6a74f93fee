import { ApplicationFailure } from '@temporalio/common';
import type { Pacing } from '../../apps/shared/domain/enums';
import type { ActivityDeps } from '../deps';

export interface CourseSchedule {
  courseId: string;
  pacing: Pacing;
  /** ISO timestamp; workflows compare it with Temporal's clock. */
  endAt: string;
  /** Instructor-paced, certificates active, not learner-generated: issue everyone at course end. */
  bulkIssuance: boolean;
}

export function createCourseScheduleActivities({ db }: ActivityDeps) {
  return {
    async getCourseSchedule(courseId: string): Promise<CourseSchedule> {
      const course = await db.course.findUnique({ where: { id: courseId } });
      if (!course) throw ApplicationFailure.nonRetryable(`course ${courseId} does not exist`, 'CourseNotFound');
      return {
        courseId,
        pacing: course.pacing,
        endAt: course.endAt.toISOString(),
        bulkIssuance: course.pacing === 'instructor' && course.certificatesActive && !course.learnerGeneratedEnabled,
      };
    },

    /** Snapshots every current grade as the final grade; certificates are decided on the snapshot. */
    async finalizeGrades(courseId: string): Promise<{ learners: number }> {
      const [updated] = await db.$transaction([
        db.$executeRaw`UPDATE enrollments SET final_grade = grade, updated_at = now() WHERE course_id = ${courseId}`,
        db.course.update({ where: { id: courseId }, data: { gradesFinalizedAt: new Date() } }),
      ]);
      return { learners: updated };
    },
  };
}
