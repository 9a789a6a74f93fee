/**
 * How a course's certificates are issued: on demand (each learner as they qualify: by request,
 * by reaching the end of a self-paced course, or by the self-paced course's interval runs) or in
 * bulk (the instructor generates for everyone). The lifecycle workflow, the learner's request and
 * the Progress page all ask these functions.
 */
import type { Pacing } from './enums';

export type IssuanceMode = 'on_demand' | 'bulk';

/** Self-paced courses, and instructor-paced ones with learner-generated certificates, issue on demand. */
export function issuanceMode(course: { pacing: Pacing; learnerGeneratedEnabled: boolean }): IssuanceMode {
  return course.pacing === 'self' || course.learnerGeneratedEnabled ? 'on_demand' : 'bulk';
}

/**
 * Whether learners may request their certificate (the Request button, and the LMS's "Finish"
 * request), in every pacing. Seed 000: "To prevent learners from requesting certificates, select
 * Disable Student-Generated Certificates"; seed 002 lets instructor-paced courses enable it too.
 */
export function learnersMayRequest(course: { learnerGeneratedEnabled: boolean }): boolean {
  return course.learnerGeneratedEnabled;
}

/**
 * The learner-generated setting of a new course that does not say: on for self-paced courses
 * (seed 001: "In self paced courses, it is more convenient to configure the course to enable
 * learners to self generate their certificates"), off for instructor-paced ones (seed 002: "By
 * default, the instructor will decide when to generate the course certificates").
 */
export function learnerGeneratedByDefault(pacing: Pacing): boolean {
  return pacing === 'self';
}

/**
 * Self-paced courses are also issued by the course itself "at specific intervals" (seed 000) to
 * every learner who qualifies, whether or not learners may request: the interval is the course's
 * own issuance, not a learner's request.
 */
export function issuesAtIntervals(course: { pacing: Pacing }): boolean {
  return course.pacing === 'self';
}
