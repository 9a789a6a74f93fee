import type { Database } from '../../apps/shared/database';
import { buildAchievementCredential } from '../../apps/shared/credentials/achievement-credential';
import { signCredential } from '../../apps/shared/credentials/sign-credential';
import type { ActivityDeps } from '../deps';
import { decideFor, type CourseFacts, type LearnerStanding } from './learner-standing';

export interface WriteOptions {
  taskId: string | null;
  /** Re-sign certificates that are already downloadable (instructor regeneration). */
  resign: boolean;
}

export interface WrittenCertificate {
  learnerId: string;
  certificateId: string;
  status: string;
  reason: string;
  message: string;
}

interface Outcome {
  learnerId: string;
  status: string;
  jws: string | null;
  keyId: string | null;
  issuedAt: Date | null;
  errorReason: string | null;
}

/**
 * Decides and records the certificates of a batch of learners. Safe to run twice, and safe to
 * run concurrently with another writer for the same learner:
 * 1. every learner gets a row (and so a public id) with ON CONFLICT DO NOTHING;
 * 2. credentials are signed for the id that is in the database, whoever created it;
 * 3. one UPDATE writes the outcomes. Invalidated certificates are left as they are.
 */
export async function writeCertificates(
  { db, keys, issuer }: Pick<ActivityDeps, 'db' | 'keys' | 'issuer'>,
  course: CourseFacts,
  standings: LearnerStanding[],
  options: WriteOptions,
): Promise<WrittenCertificate[]> {
  if (standings.length === 0) return [];
  const learnerIds = standings.map((s) => s.learnerId);
  await db.$executeRaw`
    INSERT INTO certificates (id, course_id, learner_id, status, task_id, updated_at)
    SELECT gen_random_uuid(), ${course.id}, learner_id, 'generating', ${options.taskId}::uuid, now()
      FROM unnest(${learnerIds}::text[]) AS learner_id
    ON CONFLICT (course_id, learner_id) DO NOTHING`;
  const ids = await db.$queryRaw<Array<{ learnerId: string; id: string }>>`
    SELECT learner_id AS "learnerId", id::text AS id FROM certificates
     WHERE course_id = ${course.id} AND learner_id = ANY(${learnerIds}::text[])`;
  const idOf = new Map(ids.map((r) => [r.learnerId, r.id]));

  const issuedAt = new Date();
  const written: WrittenCertificate[] = [];
  const outcomes: Outcome[] = [];
  await Promise.all(
    standings.map(async (standing) => {
      const certificateId = idOf.get(standing.learnerId)!;
      const decision = decideFor(course, standing);
      if (standing.invalidated) {
        written.push({ learnerId: standing.learnerId, certificateId, status: standing.certificateStatus ?? 'unavailable', reason: decision.reason, message: decision.message });
        return;
      }
      const keep = decision.eligible && standing.certificateStatus === 'downloadable' && standing.hasCredential && !options.resign;
      let outcome: Outcome;
      try {
        if (keep) {
          outcome = { learnerId: standing.learnerId, status: 'downloadable', jws: null, keyId: null, issuedAt: null, errorReason: null };
        } else if (decision.eligible) {
          const credential = buildAchievementCredential({
            certificateId,
            publicUrl: issuer.publicUrl,
            issuerName: issuer.name,
            course: { id: course.id, title: course.title, passingGrade: course.passingGrade },
            learner: { id: standing.learnerId, name: standing.name },
            issuedAt,
          });
          const jws = await signCredential(credential, keys.active);
          outcome = { learnerId: standing.learnerId, status: 'downloadable', jws, keyId: keys.active.kid, issuedAt, errorReason: null };
        } else {
          outcome = { learnerId: standing.learnerId, status: decision.status, jws: null, keyId: null, issuedAt: null, errorReason: null };
        }
      } catch (error) {
        // One learner's failure must not stop the batch: it lands in error, visible and retryable.
        const reason = error instanceof Error ? error.message : String(error);
        outcome = { learnerId: standing.learnerId, status: 'error', jws: null, keyId: null, issuedAt: null, errorReason: reason };
      }
      outcomes.push(outcome);
      written.push({ learnerId: standing.learnerId, certificateId, status: outcome.status, reason: decision.reason, message: outcome.errorReason ?? decision.message });
    }),
  );
  if (outcomes.length) await applyOutcomes(db, course.id, standings, outcomes, options.taskId);
  return written;
}

async function applyOutcomes(db: Database, courseId: string, standings: LearnerStanding[], outcomes: Outcome[], taskId: string | null): Promise<void> {
  const gradeOf = new Map(standings.map((s) => [s.learnerId, s.grade]));
  // A kept credential (jws null here) keeps its signature and issue date; a not-passing learner
  // keeps the old signature for the record, but the status says it no longer stands.
  await db.$executeRaw`
    UPDATE certificates AS c
       SET status = o.status::"CertificateStatus",
           jws = CASE WHEN o.jws IS NOT NULL THEN o.jws ELSE c.jws END,
           key_id = CASE WHEN o.jws IS NOT NULL THEN o.key_id ELSE c.key_id END,
           issued_at = CASE WHEN o.jws IS NOT NULL THEN o.issued_at AT TIME ZONE 'UTC' ELSE c.issued_at END,
           grade = o.grade,
           error_reason = o.error_reason,
           task_id = COALESCE(${taskId}::uuid, c.task_id),
           updated_at = now()
      FROM unnest(
             ${outcomes.map((o) => o.learnerId)}::text[],
             ${outcomes.map((o) => o.status)}::text[],
             ${outcomes.map((o) => o.jws)}::text[],
             ${outcomes.map((o) => o.keyId)}::text[],
             ${outcomes.map((o) => o.issuedAt?.toISOString() ?? null)}::timestamptz[],
             ${outcomes.map((o) => gradeOf.get(o.learnerId) ?? null)}::numeric[],
             ${outcomes.map((o) => o.errorReason)}::text[]
           ) AS o(learner_id, status, jws, key_id, issued_at, grade, error_reason)
     WHERE c.course_id = ${courseId} AND c.learner_id = o.learner_id
       AND NOT EXISTS (SELECT 1 FROM invalidations i WHERE i.certificate_id = c.id AND i.active)`;
  await db.$executeRaw`
    UPDATE enrollments SET pending_reevaluation = FALSE
     WHERE course_id = ${courseId} AND pending_reevaluation AND learner_id = ANY(${outcomes.map((o) => o.learnerId)}::text[])`;
}

