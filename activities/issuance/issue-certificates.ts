import { Context } from '@temporalio/activity';
import { ApplicationFailure, type CancelledFailure } from '@temporalio/common';
import type { CourseFacts } from '../../apps/shared/domain/learner-standing';
import { createRepositories, type StandingsRepository } from '../../apps/shared/repositories';
import type { Selection, WrittenCertificate } from '../../workflows/definitions';
import type { ActivityDeps } from '../deps';
import { writeCertificates } from './write-certificates';

export interface PlanInput {
  courseId: string;
  selection: Selection;
  /** Plan chunks after this learner id; null from the start. */
  after: string | null;
  chunkSize: number;
  maxChunks: number;
}

/** Chunk upper bounds, so that each chunk (previous bound, bound] holds chunkSize selected learners. */
export interface Plan {
  bounds: string[];
  /** True when the bounds reach the last selected learner. */
  exhausted: boolean;
}

export interface RangeInput {
  courseId: string;
  taskId: string;
  selection: Selection;
  after: string | null;
  upTo: string;
  resign: boolean;
  batchSize: number;
}

export interface RangeResult {
  processed: number;
  issued: number;
  failed: number;
}

async function requireCourse(standings: StandingsRepository, courseId: string): Promise<CourseFacts> {
  const course = await standings.findCourseFacts(courseId);
  if (!course) throw ApplicationFailure.nonRetryable(`course ${courseId} does not exist`, 'CourseNotFound');
  return course;
}

export function createIssuanceActivities(deps: ActivityDeps) {
  const { standings, issuance, generationTasks } = createRepositories(deps.db);
  const writer = { issuance, keys: deps.keys, issuer: deps.issuer };
  // A withdrawal is recorded as made by whoever asked for the task ('system' without one).
  const requesterOf = async (taskId: string | null): Promise<string | null> => (taskId ? ((await generationTasks.findTask(taskId))?.requestedBy ?? null) : null);
  return {
    async planIssuanceChunks(input: PlanInput): Promise<Plan> {
      return standings.selectionChunkBounds(input);
    },

    /**
     * Issues the certificates of one chunk in batches, heartbeating the last learner done, so a
     * retry (after a crash or a timeout) resumes where the previous attempt stopped. A cancel
     * (the task's, a worker shutdown) stops it after the batch under way: each batch is written
     * whole, so nothing is left half-written and a retry resumes after the last batch.
     */
    async issueCertificateRange(input: RangeInput): Promise<RangeResult> {
      const course = await requireCourse(standings, input.courseId);
      const resumeFrom = Context.current().info.heartbeatDetails as { after: string; result: RangeResult } | undefined;
      let after = resumeFrom?.after ?? input.after;
      const result: RangeResult = resumeFrom?.result ?? { processed: 0, issued: 0, failed: 0 };
      const requestedBy = await requesterOf(input.taskId);
      for (;;) {
        const batch = await standings.listStandings(course, input.selection, { after, upTo: input.upTo }, input.batchSize);
        if (batch.length === 0) break;
        const written = await writeCertificates(writer, course, batch, { taskId: input.taskId, resign: input.resign, requestedBy });
        result.processed += written.length;
        result.issued += written.filter((w) => w.status === 'downloadable').length;
        result.failed += written.filter((w) => w.status === 'error').length;
        after = batch[batch.length - 1].learnerId;
        const context = Context.current();
        context.heartbeat({ after, result });
        if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason as CancelledFailure;
        if (batch.length < input.batchSize) break;
      }
      return result;
    },

    /** One learner, now: on-demand requests, the end of a self-paced course, a regrade. */
    async issueLearnerCertificate(input: { courseId: string; learnerId: string; taskId: string | null }): Promise<WrittenCertificate | null> {
      const course = await requireCourse(standings, input.courseId);
      const standing = await standings.findStanding(course, input.learnerId);
      if (!standing) return null;
      const [written] = await writeCertificates(writer, course, [standing], { taskId: input.taskId, resign: false, requestedBy: await requesterOf(input.taskId) });
      return written;
    },
  };
}
