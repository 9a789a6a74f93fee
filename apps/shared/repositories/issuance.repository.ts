import { hasActiveInvalidationSql, isValidCertificateSql } from '../certificate-validity.sql';
import { Prisma } from '../../../prisma/generated/client';
import { bulkRows, bulkTransaction, type Database } from '../database';
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

/**
 * A downloadable certificate that a re-evaluation withdrew (a regrade, a new passing grade, a
 * lesson made required): recorded as an automatic invalidation with its reason.
 */
export interface Withdrawal {
  certificateId: string;
  /** Internal, for the course team: why the certificate was withdrawn. */
  notes: string;
  /** Shown on the public verification page. */
  publicReason: string;
  invalidatedBy: string;
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
    const rows = await bulkRows<{ n: bigint | string }>(this.db, Prisma.sql`SELECT nextval('certificate_status_seq') AS n FROM generate_series(1, ${count}::int)`);
    return rows.map((r) => Number(r.n));
  }

  /**
   * New rows in one statement; returns the learners whose row someone else created meanwhile.
   * Rows go in in learner order: two writers of overlapping learners (a retried chunk beside its
   * stalled first attempt, an on-demand request) then wait on each other instead of deadlocking.
   */
  async insertNew(courseId: string, taskId: string | null, writes: CertificateWrite[]): Promise<Set<string>> {
    if (writes.length === 0) return new Set();
    const c = columns(writes);
    const inserted = await bulkRows<{ learnerId: string }>(this.db, Prisma.sql`
      INSERT INTO certificates (id, course_id, learner_id, status, jws, key_id, issued_at, grade, error_reason, status_list, status_index, task_id, updated_at)
      SELECT o.id, ${courseId}, o.learner_id, o.status::"CertificateStatus", o.jws, o.key_id, o.issued_at AT TIME ZONE 'UTC',
             o.grade, o.error_reason, o.list, o.index, ${taskId}::uuid, now()
        FROM unnest(${c.ids}::uuid[], ${c.learners}::text[], ${c.statuses}::text[], ${c.jws}::text[], ${c.keyIds}::text[],
                    ${c.issuedAt}::timestamptz[], ${c.grades}::numeric[], ${c.errors}::text[], ${c.lists}::int[], ${c.indexes}::int[])
             AS o(id, learner_id, status, jws, key_id, issued_at, grade, error_reason, list, index)
       ORDER BY o.learner_id
      ON CONFLICT (course_id, learner_id) DO NOTHING
      RETURNING learner_id AS "learnerId"`);
    const done = new Set(inserted.map((r) => r.learnerId));
    return new Set(writes.filter((w) => !done.has(w.learnerId)).map((w) => w.learnerId));
  }

  /**
   * Existing rows: the public id stays, a kept credential keeps its signature and issue date;
   * invalidated rows are never touched. Withdrawals are recorded in the same transaction as the
   * status change; a retry finds the invalidation there (one active per certificate) and adds none.
   * The rows are locked first, in id order, so concurrent writers of the same rows never deadlock.
   */
  async updateExisting(courseId: string, taskId: string | null, writes: CertificateWrite[], withdrawals: Withdrawal[] = []): Promise<void> {
    if (writes.length === 0) return;
    const c = columns(writes);
    const update = Prisma.sql`
      WITH locked AS (
        SELECT id FROM certificates
         WHERE id = ANY(${c.ids}::uuid[]) AND course_id = ${courseId}
         ORDER BY id
           FOR UPDATE)
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
             AS o(id, status, jws, key_id, issued_at, grade, error_reason, list, index), locked
       WHERE c.id = o.id AND c.id = locked.id AND c.course_id = ${courseId}
         AND NOT ${hasActiveInvalidationSql('c')}`;
    if (withdrawals.length === 0) {
      await bulkRows(this.db, update);
      return;
    }
    const record = Prisma.sql`
      INSERT INTO invalidations (id, certificate_id, notes, public_reason, invalidated_by, automatic)
      SELECT gen_random_uuid(), w.certificate_id, w.notes, w.public_reason, w.invalidated_by, TRUE
        FROM unnest(${withdrawals.map((w) => w.certificateId)}::uuid[], ${withdrawals.map((w) => w.notes)}::text[],
                    ${withdrawals.map((w) => w.publicReason)}::text[], ${withdrawals.map((w) => w.invalidatedBy)}::text[])
             AS w(certificate_id, notes, public_reason, invalidated_by)
        JOIN certificates c ON c.id = w.certificate_id AND c.course_id = ${courseId}
      ON CONFLICT DO NOTHING`;
    await bulkTransaction(this.db, [update, record]);
  }

  /**
   * Lifts the automatic withdrawals of these certificates (their learners qualify again); the
   * course team's own invalidations are never lifted here. Returns the certificates lifted.
   */
  async liftAutomaticWithdrawals(courseId: string, certificateIds: string[]): Promise<Set<string>> {
    if (certificateIds.length === 0) return new Set();
    // The certificates first, in id order, like updateExisting: a writer that holds one of them
    // and waits on its invalidation never waits on this one.
    const lock = this.db.$queryRaw`
      SELECT 1 FROM certificates WHERE id = ANY(${certificateIds}::uuid[]) AND course_id = ${courseId} ORDER BY id FOR NO KEY UPDATE`;
    const lift = this.db.$queryRaw<Array<{ certificateId: string }>>`
      UPDATE invalidations AS i
         SET active = FALSE, reinstated_by = 'system', reinstated_at = now()
        FROM certificates c
       WHERE c.id = i.certificate_id AND c.course_id = ${courseId}
         AND i.active AND i.automatic AND i.certificate_id = ANY(${certificateIds}::uuid[])
      RETURNING i.certificate_id::text AS "certificateId"`;
    const [, lifted] = await this.db.$transaction([lock, lift]);
    return new Set(lifted.map((r) => r.certificateId));
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

  /*
   * Changes of standing, counted before the course team confirms them. A holder is a learner with a
   * valid certificate (isValidCertificateSql); allowlisted learners keep theirs whatever the grade
   * or the lessons (decideEligibility), so they are never counted as affected.
   */

  /** How many learners hold a valid certificate of the course. */
  async countHolders(courseId: string): Promise<number> {
    const [row] = await this.db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM certificates c WHERE c.course_id = ${courseId} AND ${isValidCertificateSql('c')}`;
    return row.n;
  }

  /** Holders whose grade is below this passing grade (compared at four decimals, like isPassing): they would lose their certificate. */
  async countHoldersBelow(courseId: string, passingGrade: number): Promise<number> {
    const [row] = await this.db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n
        FROM certificates c
        JOIN enrollments e ON e.course_id = c.course_id AND e.learner_id = c.learner_id
        LEFT JOIN certificate_exceptions x ON x.course_id = c.course_id AND x.learner_id = c.learner_id AND x.active
       WHERE c.course_id = ${courseId} AND ${isValidCertificateSql('c')} AND x.learner_id IS NULL
         AND (COALESCE(e.final_grade, e.grade) IS NULL
              OR round(COALESCE(e.final_grade, e.grade) * 10000) < round(${passingGrade}::numeric * 10000))`;
    return row.n;
  }

  /**
   * What an upsert of these lessons changes in the completion rule: how many lessons it makes
   * required (new required ones, or optional ones made required), and how many holders would then
   * miss a required lesson and lose their certificate. Lessons not in the list keep their flag.
   */
  async lessonRuleChange(courseId: string, lessons: Array<{ id: string; required: boolean }>): Promise<{ madeRequired: number; holdersAffected: number }> {
    const ids = lessons.map((l) => l.id);
    const required = lessons.map((l) => l.required);
    const [row] = await this.db.$queryRaw<Array<{ madeRequired: number; holdersAffected: number }>>`
      WITH batch AS (SELECT * FROM unnest(${ids}::text[], ${required}::boolean[]) AS b(id, required)),
           required_after AS (
             SELECT b.id FROM batch b WHERE b.required
             UNION
             SELECT ls.id FROM lessons ls WHERE ls.course_id = ${courseId} AND ls.required AND ls.id <> ALL(${ids}::text[]))
      SELECT (SELECT count(*)::int FROM batch b
                LEFT JOIN lessons ls ON ls.course_id = ${courseId} AND ls.id = b.id
               WHERE b.required AND (ls.id IS NULL OR NOT ls.required)) AS "madeRequired",
             (SELECT count(*)::int
                FROM certificates c
                LEFT JOIN certificate_exceptions x ON x.course_id = c.course_id AND x.learner_id = c.learner_id AND x.active
               WHERE c.course_id = ${courseId} AND ${isValidCertificateSql('c')} AND x.learner_id IS NULL
                 AND EXISTS (SELECT 1 FROM required_after r
                              WHERE NOT EXISTS (SELECT 1 FROM lesson_completions lc
                                                 WHERE lc.course_id = c.course_id AND lc.learner_id = c.learner_id AND lc.lesson_id = r.id))) AS "holdersAffected"`;
    return row;
  }

  /**
   * Flags for re-evaluation the learners a rule change may concern in a course that issues on
   * demand: holders of a valid certificate, and learners whose certificate an earlier change
   * withdrew automatically (they may qualify again). Returns how many were flagged.
   */
  async flagHoldersForReevaluation(courseId: string): Promise<number> {
    return this.db.$executeRaw`
      UPDATE enrollments e SET pending_reevaluation = TRUE
        FROM certificates c
       WHERE c.course_id = e.course_id AND c.learner_id = e.learner_id AND e.course_id = ${courseId}
         AND (${isValidCertificateSql('c')}
              OR EXISTS (SELECT 1 FROM invalidations i WHERE i.certificate_id = c.id AND i.active AND i.automatic))`;
  }

  /** Which of these learners have not verified their identity yet (before an enrollment upsert may verify them). */
  async listUnverifiedLearners(learnerIds: string[]): Promise<string[]> {
    if (learnerIds.length === 0) return [];
    const rows = await this.db.learner.findMany({ where: { id: { in: learnerIds }, idVerified: false }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  /** These learners' certificates are decided on their current standing: a pending regrade is done. */
  async clearPendingReevaluation(courseId: string, learnerIds: string[]): Promise<void> {
    if (learnerIds.length === 0) return;
    // Locked in learner order first, like the certificates, so overlapping writers never deadlock.
    await bulkRows(this.db, Prisma.sql`
      WITH locked AS (
        SELECT learner_id FROM enrollments
         WHERE course_id = ${courseId} AND pending_reevaluation AND learner_id = ANY(${learnerIds}::text[])
         ORDER BY learner_id
           FOR UPDATE)
      UPDATE enrollments e SET pending_reevaluation = FALSE
        FROM locked
       WHERE e.course_id = ${courseId} AND e.learner_id = locked.learner_id`);
  }
}
