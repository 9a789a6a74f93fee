import { Pool, types } from 'pg';
import { activeInvalidationOf } from '../certificate-validity.sql';
import type { VisibilityInput } from '../domain/certificate-visibility';
import type { CertificateStatus, CertificateVisibility } from '../domain/enums';

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
  /** The learner's sharing choice (null: the issuer's default) and whether the course's certificates are enabled. */
  visibility: CertificateVisibility | null;
  certificatesActive: boolean;
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

const SELECT_RECORDS = `SELECT c.id::text AS id, c.course_id AS "courseId", c.status::text AS status, c.jws, c.updated_at AS "updatedAt", c.issued_at AS "issuedAt",
             c.status_list AS "statusList", c.status_index AS "statusIndex",
             l.name AS "learnerName", co.title AS "courseTitle", c.visibility::text AS visibility, co.certificates_active AS "certificatesActive",
             co.display_behavior::text AS "displayBehavior", co.end_at AS "endAt", co.certificate_available_at AS "certificateAvailableAt",
             i.created_at AS "revokedAt", i.public_reason AS "revocationReason"
        FROM certificates c
        JOIN learners l ON l.id = c.learner_id
        JOIN courses co ON co.id = c.course_id
        LEFT JOIN LATERAL (SELECT created_at, public_reason FROM invalidations i WHERE ${ACTIVE_INVALIDATION} ORDER BY created_at DESC LIMIT 1) i ON TRUE`;

/** The form PostgreSQL gives back (id::text): such ids can share one query and be matched to their rows. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Ids per query: a few pages of index lookups, still one round trip. */
const MAX_BATCH = 256;

interface Waiting {
  id: string;
  resolve: (record: VerificationRecord | null) => void;
  reject: (error: unknown) => void;
}

/**
 * The verification hot path (every scan of a QR code). It reads through a small pg pool of its
 * own, not Prisma: measured with npm run bench:verify, Prisma's per-query overhead cost a third of
 * the throughput. Scans that arrive while the pool's connections are all busy are read together, in
 * one query, as soon as a connection is free: each still reads the record as it is after its
 * request arrived, with fewer round trips. Close it on shutdown.
 */
export class VerificationRepository {
  private readonly pool: Pool;
  private readonly connections: number;
  private waiting: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(databaseUrl: string, poolSize: number) {
    this.connections = Math.min(MAX_CONNECTIONS, poolSize);
    this.pool = new Pool({ connectionString: databaseUrl, max: this.connections });
  }

  findRecord(id: string): Promise<VerificationRecord | null> {
    // Any other spelling PostgreSQL may accept (or refuse) is read on its own, exactly as asked.
    if (!CANONICAL_UUID.test(id)) return this.findOne(id);
    return new Promise((resolve, reject) => {
      this.waiting.push({ id, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Lets the scans read in the same turn of the event loop join the query.
        setImmediate(() => {
          this.scheduled = false;
          this.drain();
        });
      }
    });
  }

  private drain(): void {
    while (this.waiting.length && this.inFlight < this.connections) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      this.inFlight++;
      this.findMany(batch.map((w) => w.id))
        .then(
          (byId) => batch.forEach((w) => w.resolve(byId.get(w.id) ?? null)),
          (error: unknown) => batch.forEach((w) => w.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }

  private async findMany(ids: string[]): Promise<Map<string, VerificationRecord>> {
    const { rows } = await this.pool.query<VerificationRecord>({
      // Prepared once per connection: every batch runs the same statement, so PostgreSQL plans it once.
      name: 'verification-records',
      types: utcTimestamps,
      text: `${SELECT_RECORDS}\n       WHERE c.id = ANY($1::uuid[])`,
      values: [[...new Set(ids)]],
    });
    return new Map(rows.map((row) => [row.id, row]));
  }

  private async findOne(id: string): Promise<VerificationRecord | null> {
    const { rows } = await this.pool.query<VerificationRecord>({ types: utcTimestamps, text: `${SELECT_RECORDS}\n       WHERE c.id = $1::uuid`, values: [id] });
    return rows[0] ?? null;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
