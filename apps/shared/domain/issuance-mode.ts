/**
 * How a course's certificates are issued: on demand (each learner asks, or reaches the end of a
 * self-paced course) or in bulk (everyone at once after the course ends). The lifecycle workflow,
 * the learner's request and the Progress page all ask this one function.
 */
import type { Pacing } from './enums';

export type IssuanceMode = 'on_demand' | 'bulk';

/** Self-paced courses, and instructor-paced ones with learner-generated certificates, issue on demand. */
export function issuanceMode(course: { pacing: Pacing; learnerGeneratedEnabled: boolean }): IssuanceMode {
  return course.pacing === 'self' || course.learnerGeneratedEnabled ? 'on_demand' : 'bulk';
}

/**
 * Self-paced courses are also issued by the course itself "at specific intervals" (seed 000) to
 * every learner who qualifies, whether or not learners may request: the interval is the course's
 * own issuance, not a learner's request.
 */
export function issuesAtIntervals(course: { pacing: Pacing }): boolean {
  return course.pacing === 'self';
}
