import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface CourseLifecycleInput {
  courseId: string;
  /** Time between course end and grade finalization, so late grades can settle. */
  gradeFinalizationDelayMs: number;
  /** Learners per issuance activity. */
  chunkSize: number;
}

export type LifecyclePhase = 'waiting_for_course_end' | 'finalizing_grades' | 'issuing' | 'completed';

export interface LifecycleState {
  courseId: string;
  phase: LifecyclePhase;
  /** When grades will be finalized, as Temporal's clock sees it. */
  finalizesAt: string | null;
  processed: number;
  issued: number;
  notIssued: number;
}

/** The course's end date changed: the workflow re-reads its schedule. */
export const scheduleChangedSignal = defineSignal('scheduleChanged');
export const lifecycleStateQuery = defineQuery<LifecycleState>('lifecycleState');
