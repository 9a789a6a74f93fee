import { Pool, types } from 'pg';
import { activeInvalidationOf } from '../certificate-validity.sql';
import type { VisibilityInput } from '../domain/certificate-visibility';
import type { CertificateStatus } from '../domain/enums';

/** Everything verification needs to know about a certificate, read in one query. */
export interface VerificationRecord extends VisibilityInput {
  id: string;
  courseId: string;
  status: CertificateStatus;
  jws: string | null;
  updatedAt: Date;
  issuedAt: Date | null;
  statusList: number | null;
  statusIndex: number | null;
  learnerName: string;
  courseTitle: string;
  /** The active invalidation's date and public reason, if any. */
  revokedAt: Date | null;
  revocationReason: string | null;
}

/** Verification reads one row per request: a few connections are plenty, and the app's pool stays free. */
const MAX_CONNECTIONS = 4;

// timestamp(3) columns hold UTC; read them as such whatever the process's time zone.
const utcTimestamps = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.TIMESTAMP ? (text: string) => new Date(`${text.replace(' ', 'T')}Z`) : types.getTypeParser(oid, format as 'text'),
};

// Parameter-free, so its text goes into the pg pool's query as it is.
const ACTIVE_INVALIDATION = activeInvalidationOf('c', 'i').text;

/**
 * The verification hot path (every scan of a QR code). It reads through a small pg pool of its
 * own, not Prisma: measured with npm run bench:verify, Prisma's per-query overhead cost a third of
 * the throughput. Close it on shutdown.
 */
export class VerificationRepository {
  private readonly pool: Pool;

  constructor(databaseUrl: string, poolSize: number) {
    this.pool = new Pool({ connectionString: databaseUrl, max: Math.min(MAX_CONNECTIONS, poolSize) });
  }

  async findRecord(id: string): Promise<VerificationRecord | null> {
    const { rows } = await this.pool.query<VerificationRecord>({
      types: utcTimestamps,
      text: `SELECT c.id::text AS id, c.course_id AS "courseId", c.status::text AS status, c.jws, c.updated_at AS "updatedAt", c.issued_at AS "issuedAt",
             c.status_list AS "statusList", c.status_index AS "statusIndex",
             l.name AS "learnerName", co.title AS "courseTitle",
             co.display_behavior::text AS "displayBehavior", co.end_at AS "endAt", co.certificate_available_at AS "certificateAvailableAt",
             i.created_at AS "revokedAt", i.public_reason AS "revocationReason"
        FROM certificates c
        JOIN learners l ON l.id = c.learner_id
        JOIN courses co ON co.id = c.course_id
        LEFT JOIN LATERAL (SELECT created_at, public_reason FROM invalidations i WHERE ${ACTIVE_INVALIDATION} ORDER BY created_at DESC LIMIT 1) i ON TRUE
       WHERE c.id = $1::uuid`,
      values: [id],
    });
    return rows[0] ?? null;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
