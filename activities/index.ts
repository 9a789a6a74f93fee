import type { ActivityDeps } from './deps';
import { createGenerationTaskActivities } from './generation/generation-tasks';
import { createIssuanceActivities } from './issuance/issue-certificates';
import { createCourseScheduleActivities } from './lifecycle/course-schedule';
import { createMailActivities } from './mail/send-mails';

export type { ActivityDeps } from './deps';

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCourseScheduleActivities(deps),
    ...createIssuanceActivities(deps),
    ...createGenerationTaskActivities(deps),
    ...createMailActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
