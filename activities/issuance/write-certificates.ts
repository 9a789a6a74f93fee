import { randomUUID } from 'node:crypto';
import { hasActiveInvalidationSql } from '../../apps/shared/certificate-validity.sql';
import type { Database } from '../../apps/shared/database';
import { buildAchievementCredential } from '../../apps/shared/credentials/achievement-credential';
import { signCredential } from '../../apps/shared/credentials/sign-credential';
import type { CertificateStatus } from '../../apps/shared/domain/enums';
import type { ActivityDeps } from '../deps';
import { statusPosition, type StatusPosition } from '../../apps/shared/credentials/status-list';
import { decideFor, type CourseFacts, type LearnerStanding } from './learner-standing';

export interface WriteOptions {
  taskId: string | null;
  /** Re-sign certificates that are already downloadable (instructor regeneration). */
  resign: boolean;
}

export interface WrittenCertificate {
  learnerId: string;
  certificateId: string;
  status: CertificateStatus;
  reason: string;
  message: string;
}

interface Outcome {
  learnerId: string;
  certificateId: string;
  /** The certificate status to record. */
  state: CertificateStatus;
  /** A newly assigned status list position, written with the row. */
  status: StatusPosition | null;
  /** Null keeps the credential already stored (or none). */
  jws: string | null;
  keyId: string | null;
  issuedAt: Date | null;
  grade: number | null;
  errorReason: string | null;
  reason: string;
  message: string;
}

type Deps = Pick<ActivityDeps, 'db' | 'keys' | 'issuer'>;

/** Eligible and not already holding a credential we keep: a credential must be signed. */
function needsSignature(course: CourseFacts, standing: LearnerStanding, resign: boolean): boolean {
  const decision = decideFor(course, standing);
  return decision.eligible && !(standing.certificateStatus === 'downloadable' && standing.hasCredential && !resign);
}

async function decide(
  deps: Deps,
  course: CourseFacts,
  standing: LearnerStanding,
  certificateId: string,
  resign: boolean,
  issuedAt: Date,
  status: StatusPosition | null,
): Promise<Outcome> {
  const decision = decideFor(course, standing);
  const base = { learnerId: standing.learnerId, certificateId, grade: standing.grade, reason: decision.reason, message: decision.message, status };
  const none = { jws: null, keyId: null, issuedAt: null, errorReason: null };
  try {
    if (!decision.eligible) return { ...base, ...none, status: null, state: decision.status };
    if (!needsSignature(course, standing, resign)) return { ...base, ...none, status: null, state: 'downloadable' };
    const credential = buildAchievementCredential({
      certificateId,
      publicUrl: deps.issuer.publicUrl,
      issuerName: deps.issuer.name,
      course: { id: course.id, title: course.title, passingGrade: course.passingGrade },
      learner: { id: standing.learnerId, name: standing.name, email: standing.email },
      issuedAt,
      grade: course.showsGrade ? standing.grade : undefined,
      status: status ?? undefined,
    });
    const jws = await signCredential(credential, deps.keys.active, { format: deps.issuer.format });
    return { ...base, state: 'downloadable', jws, keyId: deps.keys.active.kid, issuedAt, errorReason: null };
  } catch (error) {
    // One learner's failure must not stop the batch: it lands in error, visible and retryable.
    const errorReason = error instanceof Error ? error.message : String(error);
    return { ...base, ...none, status: null, state: 'error', errorReason, message: errorReason };
  }
}

/** Fresh Bitstring Status List positions, one per certificate that has none yet. */
async function allocatePositions(db: Database, count: number): Promise<StatusPosition[]> {
  if (count === 0) return [];
  const rows = await db.$queryRaw<Array<{ n: bigint }>>`SELECT nextval('certificate_status_seq') AS n FROM generate_series(1, ${count})`;
  return rows.map((r) => statusPosition(Number(r.n)));
}

const columns = (outcomes: Outcome[]) => ({
  ids: outcomes.map((o) => o.certificateId),
  learners: outcomes.map((o) => o.learnerId),
  statuses: outcomes.map((o) => o.state),
  lists: outcomes.map((o) => o.status?.list ?? null),
  indexes: outcomes.map((o) => o.status?.index ?? null),
  jws: outcomes.map((o) => o.jws),
  keyIds: outcomes.map((o) => o.keyId),
  issuedAt: outcomes.map((o) => o.issuedAt?.toISOString() ?? null),
  grades: outcomes.map((o) => o.grade),
  errors: outcomes.map((o) => o.errorReason),
});

/** New rows in one statement; returns the learners whose row someone else created meanwhile. */
async function insertNew(db: Database, courseId: string, taskId: string | null, outcomes: Outcome[]): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const c = columns(outcomes);
  const inserted = await db.$queryRaw<Array<{ learnerId: string }>>`
    INSERT INTO certificates (id, course_id, learner_id, status, jws, key_id, issued_at, grade, error_reason, status_list, status_index, task_id, updated_at)
    SELECT o.id, ${courseId}, o.learner_id, o.status::"CertificateStatus", o.jws, o.key_id, o.issued_at AT TIME ZONE 'UTC',
           o.grade, o.error_reason, o.list, o.index, ${taskId}::uuid, now()
      FROM unnest(${c.ids}::uuid[], ${c.learners}::text[], ${c.statuses}::text[], ${c.jws}::text[], ${c.keyIds}::text[],
                  ${c.issuedAt}::timestamptz[], ${c.grades}::numeric[], ${c.errors}::text[], ${c.lists}::int[], ${c.indexes}::int[])
           AS o(id, learner_id, status, jws, key_id, issued_at, grade, error_reason, list, index)
    ON CONFLICT (course_id, learner_id) DO NOTHING
    RETURNING learner_id AS "learnerId"`;
  const done = new Set(inserted.map((r) => r.learnerId));
  return new Set(outcomes.filter((o) => !done.has(o.learnerId)).map((o) => o.learnerId));
}

/** Existing rows: the public id stays, a kept credential keeps its signature and issue date. */
async function updateExisting(db: Database, courseId: string, taskId: string | null, outcomes: Outcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const c = columns(outcomes);
  await db.$executeRaw`
    UPDATE certificates AS c
       SET status = o.status::"CertificateStatus",
           jws = COALESCE(o.jws, c.jws),
           key_id = CASE WHEN o.jws IS NOT NULL THEN o.key_id ELSE c.key_id END,
           issued_at = CASE WHEN o.jws IS NOT NULL THEN o.issued_at AT TIME ZONE 'UTC' ELSE c.issued_at END,
           grade = o.grade,
           error_reason = o.error_reason,
           status_list = COALESCE(o.list, c.status_list),
           status_index = COALESCE(o.index, c.status_index),
           task_id = COALESCE(${taskId}::uuid, c.task_id),
           updated_at = now()
      FROM unnest(${c.ids}::uuid[], ${c.statuses}::text[], ${c.jws}::text[], ${c.keyIds}::text[],
                  ${c.issuedAt}::timestamptz[], ${c.grades}::numeric[], ${c.errors}::text[], ${c.lists}::int[], ${c.indexes}::int[])
           AS o(id, status, jws, key_id, issued_at, grade, error_reason, list, index)
     WHERE c.id = o.id AND c.course_id = ${courseId}
       AND NOT ${hasActiveInvalidationSql('c')}`;
}

/**
 * Decides and records the certificates of a batch of learners. Idempotent, and safe beside
 * another writer for the same learner (an on-demand request during a bulk run): a credential is
 * always signed for the public id stored in the database, and a learner who got a row meanwhile
 * is re-decided against that row. Invalidated certificates are never touched.
 */
export async function writeCertificates(deps: Deps, course: CourseFacts, standings: LearnerStanding[], options: WriteOptions): Promise<WrittenCertificate[]> {
  const { db } = deps;
  const issuedAt = new Date();
  const live = standings.filter((s) => !s.invalidated);
  // A certificate keeps its status list position for life; new ones get the next free position.
  const needing = live.filter((s) => s.statusIndex === null && needsSignature(course, s, options.resign));
  const freshPositions = await allocatePositions(db, needing.length);
  const positionOf = new Map<string, StatusPosition>(needing.map((s, i) => [s.learnerId, freshPositions[i]]));
  const position = (s: LearnerStanding): StatusPosition | null =>
    s.statusIndex !== null && s.statusList !== null ? { list: s.statusList, index: s.statusIndex } : (positionOf.get(s.learnerId) ?? null);
  const outcomes = await Promise.all(
    live.map((s) => decide(deps, course, s, s.certificateId ?? randomUUID(), options.resign, issuedAt, position(s))),
  );
  const fresh = outcomes.filter((o, i) => live[i].certificateId === null);
  const existing = outcomes.filter((o, i) => live[i].certificateId !== null);
  const lost = await insertNew(db, course.id, options.taskId, fresh);
  if (lost.size) {
    const rows = await db.certificate.findMany({
      where: { courseId: course.id, learnerId: { in: [...lost] } },
      select: { id: true, learnerId: true, status: true, jws: true, statusList: true, statusIndex: true },
    });
    for (const row of rows) {
      const standing = live.find((s) => s.learnerId === row.learnerId)!;
      const current = { ...standing, certificateId: row.id, certificateStatus: row.status, hasCredential: row.jws !== null, statusList: row.statusList, statusIndex: row.statusIndex };
      const redo = await decide(deps, course, current, row.id, options.resign, issuedAt, position(current) ?? positionOf.get(row.learnerId) ?? null);
      const index = outcomes.findIndex((o) => o.learnerId === row.learnerId);
      outcomes[index] = redo;
      existing.push(redo);
    }
  }
  await updateExisting(db, course.id, options.taskId, existing);
  if (live.length) {
    await db.$executeRaw`
      UPDATE enrollments SET pending_reevaluation = FALSE
       WHERE course_id = ${course.id} AND pending_reevaluation AND learner_id = ANY(${live.map((s) => s.learnerId)}::text[])`;
  }
  const written = outcomes.map((o) => ({ learnerId: o.learnerId, certificateId: o.certificateId, status: o.state, reason: o.reason, message: o.message }));
  for (const s of standings.filter((x) => x.invalidated)) {
    written.push({ learnerId: s.learnerId, certificateId: s.certificateId!, status: s.certificateStatus ?? 'unavailable', reason: 'invalidated', message: 'This certificate has been invalidated by the course team.' });
  }
  return written;
}
