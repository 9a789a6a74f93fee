import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface IssuanceTuning {
  /** Learners per chunk activity. */
  chunkSize: number;
  /** Learners per database batch inside a chunk (one heartbeat each). */
  batchSize: number;
  /** Chunk activities in flight at once. */
  maxInFlight: number;
  /** Chunks per workflow run before continue-as-new, so history stays bounded whatever N is. */
  chunksPerRun: number;
  /** A chunk whose worker stops heartbeating for this long is retried elsewhere. */
  heartbeatTimeoutMs: number;
}

export interface CourseLifecycleInput {
  courseId: string;
  /** Time between course end and grade finalization, so late grades can settle. */
  gradeFinalizationDelayMs: number;
  tuning: IssuanceTuning;
  /** Carried across continue-as-new. */
  ended?: boolean;
  pendingTaskIds?: string[];
}

export type LifecyclePhase = 'waiting_for_course_end' | 'finalizing_grades' | 'issuing' | 'active';

export interface LifecycleState {
  courseId: string;
  phase: LifecyclePhase;
  /** When grades will be finalized, as Temporal's clock sees it. */
  finalizesAt: string | null;
  /** The generation task running now, and those waiting for it. */
  currentTaskId: string | null;
  queuedTaskIds: string[];
  tasksCompleted: number;
}

/** The course's end date changed: the workflow re-reads its schedule. */
export const scheduleChangedSignal = defineSignal('scheduleChanged');
/** An instructor (or a regrade) asked for a generation task; the task row already exists. */
export const generationRequestedSignal = defineSignal<[{ taskId: string }]>('generationRequested');
export const lifecycleStateQuery = defineQuery<LifecycleState>('lifecycleState');

export function generationWorkflowId(taskId: string): string {
  return `generation:${taskId}`;
}

export function learnerRequestWorkflowId(courseId: string, learnerId: string): string {
  return `certificate-request:${courseId}:${learnerId}`;
}

export function courseMessageWorkflowId(messageId: string): string {
  return `course-message:${messageId}`;
}
