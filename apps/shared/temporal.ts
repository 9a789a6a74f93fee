import type { CourseLifecycleInput } from '../../workflows/definitions';
import type { AppConfig } from './config';

/** One lifecycle workflow per course; the id makes "start" idempotent and every run findable. */
export function courseWorkflowId(courseId: string): string {
  return `course:${courseId}`;
}

export function lifecycleInput(config: AppConfig, courseId: string): CourseLifecycleInput {
  return {
    courseId,
    gradeFinalizationDelayMs: config.lifecycle.gradeFinalizationDelayMs,
    selfPacedIssuanceIntervalMs: config.lifecycle.selfPacedIssuanceIntervalMs,
    tuning: config.lifecycle.issuance,
  };
}
