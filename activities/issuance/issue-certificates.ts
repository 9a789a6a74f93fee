import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Prisma } from '../../prisma/generated/client';
import type { ActivityDeps } from '../deps';
import { loadCourseFacts, loadStandings, type CourseFacts } from './learner-standing';
import { selectionJoins, selectionSql, type Selection } from './selection';
import { writeCertificates, type WrittenCertificate } from './write-certificates';

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

async function requireCourse(deps: ActivityDeps, courseId: string): Promise<CourseFacts> {
  const course = await loadCourseFacts(deps.db, courseId);
  if (!course) throw ApplicationFailure.nonRetryable(`course ${courseId} does not exist`, 'CourseNotFound');
  return course;
}

export function createIssuanceActivities(deps: ActivityDeps) {
  const { db } = deps;
  return {
    async planIssuanceChunks(input: PlanInput): Promise<Plan> {
      const after = input.after === null ? Prisma.empty : Prisma.sql`AND e.learner_id > ${input.after}`;
      const limit = input.chunkSize * input.maxChunks;
      const rows = await db.$queryRaw<Array<{ learnerId: string; n: number; t: number }>>`
        WITH selected AS (
          SELECT e.learner_id FROM enrollments e ${selectionJoins}
           WHERE e.course_id = ${input.courseId} ${after} AND (${selectionSql(input.selection)})
           ORDER BY e.learner_id LIMIT ${limit}
        ), numbered AS (
          SELECT learner_id, row_number() OVER (ORDER BY learner_id)::int AS n, count(*) OVER ()::int AS t FROM selected
        )
        SELECT learner_id AS "learnerId", n, t FROM numbered
         WHERE n % ${input.chunkSize} = 0 OR n = t
         ORDER BY learner_id`;
      const bounds = rows.map((r) => r.learnerId);
      const total = rows.length === 0 ? 0 : rows[0].t;
      return { bounds, exhausted: total < limit };
    },

    /**
     * Issues the certificates of one chunk in batches, heartbeating the last learner done, so a
     * retry (after a crash or a timeout) resumes where the previous attempt stopped.
     */
    async issueCertificateRange(input: RangeInput): Promise<RangeResult> {
      const course = await requireCourse(deps, input.courseId);
      const resumeFrom = Context.current().info.heartbeatDetails as { after: string; result: RangeResult } | undefined;
      let after = resumeFrom?.after ?? input.after;
      const result: RangeResult = resumeFrom?.result ?? { processed: 0, issued: 0, failed: 0 };
      for (;;) {
        const standings = await loadStandings(db, course, input.selection, { after, upTo: input.upTo }, input.batchSize);
        if (standings.length === 0) break;
        const written = await writeCertificates(deps, course, standings, { taskId: input.taskId, resign: input.resign });
        result.processed += written.length;
        result.issued += written.filter((w) => w.status === 'downloadable').length;
        result.failed += written.filter((w) => w.status === 'error').length;
        after = standings[standings.length - 1].learnerId;
        Context.current().heartbeat({ after, result });
        if (standings.length < input.batchSize) break;
      }
      return result;
    },

    /** One learner, now: on-demand requests, the end of a self-paced course, a regrade. */
    async issueLearnerCertificate(input: { courseId: string; learnerId: string; taskId: string | null }): Promise<WrittenCertificate | null> {
      const course = await requireCourse(deps, input.courseId);
      const standings = await loadStandings(db, course, { kind: 'single_learner', learnerId: input.learnerId }, { after: null, upTo: null }, 1);
      if (standings.length === 0) return null;
      const [written] = await writeCertificates(deps, course, standings, { taskId: input.taskId, resign: false });
      return written;
    },
  };
}
