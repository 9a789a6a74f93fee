import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CertificateStatus, GenerationKind } from '../apps/shared/domain/enums';

/** Which learners a generation task covers; travels in workflow input, so it never lists learners. */
export interface Selection {
  kind: GenerationKind;
  /** Status groups, for kind regenerate. */
  groups?: CertificateStatus[];
  /** The learner, for kind single_learner. */
  learnerId?: string;
}

/** A generation task's result: counted from the certificate rows it wrote. */
export interface TaskCounts {
  done: number;
  issued: number;
  failed: number;
}

/** One learner's certificate as issuance decided it (the on-demand request's result). */
export interface WrittenCertificate {
  learnerId: string;
  certificateId: string;
  status: CertificateStatus;
  reason: string;
  message: string;
}

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
  /** How often a self-paced course issues to every qualified learner (absent in runs started before it: 1 day). */
  selfPacedIssuanceIntervalMs?: number;
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
