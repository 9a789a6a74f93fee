import type { ActivityDeps } from './deps';
import { createIssuanceActivities } from './issuance/issue-certificate-chunk';
import { createCourseScheduleActivities } from './lifecycle/course-schedule';

export type { ActivityDeps } from './deps';

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCourseScheduleActivities(deps),
    ...createIssuanceActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
