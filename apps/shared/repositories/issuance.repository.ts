import { hasActiveInvalidationSql } from '../certificate-validity.sql';
import type { Database } from '../database';
import type { CertificateStatus } from '../domain/enums';

/** A certificate row as issuance records it. */
export interface CertificateWrite {
  learnerId: string;
  certificateId: string;
  status: CertificateStatus;
  /** A newly assigned status list position, written with the row; null keeps the stored one. */
  position: { list: number; index: number } | null;
  /** Null keeps the credential already stored (or none). */
  jws: string | null;
  keyId: string | null;
  issuedAt: Date | null;
  grade: number | null;
  errorReason: string | null;
}

/** A learner's certificate row as it is now, for re-deciding a learner another writer got to first. */
export interface StoredCertificate {
  certificateId: string;
  learnerId: string;
  status: CertificateStatus;
  hasCredential: boolean;
  statusList: number | null;
  statusIndex: number | null;
}

const columns = (writes: CertificateWrite[]) => ({
  ids: writes.map((w) => w.certificateId),
  learners: writes.map((w) => w.learnerId),
  statuses: writes.map((w) => w.status),
  lists: writes.map((w) => w.position?.list ?? null),
  indexes: writes.map((w) => w.position?.index ?? null),
  jws: writes.map((w) => w.jws),
  keyIds: writes.map((w) => w.keyId),
  issuedAt: writes.map((w) => w.issuedAt?.toISOString() ?? null),
  grades: writes.map((w) => w.grade),
  errors: writes.map((w) => w.errorReason),
});

/** Writing certificates: status-list indexes, inserts and re-signing. */
export class IssuanceRepository {
  constructor(private readonly db: Database) {}

  /** The next `count` values of the status list sequence (each certificate's position for life). */
  async nextStatusSequence(count: number): Promise<number[]> {
    if (count === 0) return [];
    const rows = await this.db.$queryRaw<Array<{ n: bigint }>>`SELECT nextval('certificate_status_seq') AS n FROM generate_series(1, ${count})`;
    return rows.map((r) => Number(r.n));
  }

  /** New rows in one statement; returns the learners whose row someone else created meanwhile. */
  async insertNew(courseId: string, taskId: string | null, writes: CertificateWrite[]): Promise<Set<string>> {
    if (writes.length === 0) return new Set();
    const c = columns(writes);
    const inserted = await this.db.$queryRaw<Array<{ learnerId: string }>>`
      INSERT INTO certificates (id, course_id, learner_id, status, jws, key_id, issued_at, grade, error_reason, status_list, status_index, task_id, updated_at)
      SELECT o.id, ${courseId}, o.learner_id, o.status::"CertificateStatus", o.jws, o.key_id, o.issued_at AT TIME ZONE 'UTC',
             o.grade, o.error_reason, o.list, o.index, ${taskId}::uuid, now()
        FROM unnest(${c.ids}::uuid[], ${c.learners}::text[], ${c.statuses}::text[], ${c.jws}::text[], ${c.keyIds}::text[],
                    ${c.issuedAt}::timestamptz[], ${c.grades}::numeric[], ${c.errors}::text[], ${c.lists}::int[], ${c.indexes}::int[])
             AS o(id, learner_id, status, jws, key_id, issued_at, grade, error_reason, list, index)
      ON CONFLICT (course_id, learner_id) DO NOTHING
      RETURNING learner_id AS "learnerId"`;
    const done = new Set(inserted.map((r) => r.learnerId));
    return new Set(writes.filter((w) => !done.has(w.learnerId)).map((w) => w.learnerId));
  }

  /** Existing rows: the public id stays, a kept credential keeps its signature and issue date; invalidated rows are never touched. */
  async updateExisting(courseId: string, taskId: string | null, writes: CertificateWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const c = columns(writes);
    await this.db.$executeRaw`
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

  async findStoredCertificates(courseId: string, learnerIds: string[]): Promise<StoredCertificate[]> {
    const rows = await this.db.certificate.findMany({
      where: { courseId, learnerId: { in: learnerIds } },
      select: { id: true, learnerId: true, status: true, jws: true, statusList: true, statusIndex: true },
    });
    return rows.map((row) => ({
      certificateId: row.id,
      learnerId: row.learnerId,
      status: row.status,
      hasCredential: row.jws !== null,
      statusList: row.statusList,
      statusIndex: row.statusIndex,
    }));
  }

  /** These learners' certificates are decided on their current standing: a pending regrade is done. */
  async clearPendingReevaluation(courseId: string, learnerIds: string[]): Promise<void> {
    if (learnerIds.length === 0) return;
    await this.db.$executeRaw`
      UPDATE enrollments SET pending_reevaluation = FALSE
       WHERE course_id = ${courseId} AND pending_reevaluation AND learner_id = ANY(${learnerIds}::text[])`;
  }
}
