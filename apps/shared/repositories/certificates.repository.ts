import { Prisma, type CertificateStatus } from '../../../prisma/generated/client';
import { activeInvalidationWhere, hasActiveInvalidationSql } from '../certificate-validity.sql';
import type { Database } from '../database';
import type { DownloadCourse } from '../domain/certificate-downloads';
import type { CertificateVisibility } from '../domain/enums';
import { encodeCursor, pageOf } from '../page-cursor';

/** A search matching more learners than this (in any course) walks the course instead of looking them up. */
const SEARCH_CANDIDATES = 1000;
/** Certificates a broad search reads for one page, at most. */
const SEARCH_WINDOW = 20_000;

/** Reading certificates: lists, documents, a learner's certificates and their history. */
export class CertificatesRepository {
  constructor(private readonly db: Database) {}

  /**
   * One page of a course's certificates in username order, with the learner's name: optionally one
   * learner (username or email, exact), one status, or learners whose username or email starts with
   * `search` (case-insensitive). `after` is the previous page's last username: keyset paging stays
   * exact while rows are added.
   *
   * The learners are found first, by their own indexes, and the certificates looked up by key: a
   * plan that walks the course's certificates and tests each learner costs the whole course when
   * the planner misjudges how many learners match (it does, after bulk loads). A search so broad
   * that more than SEARCH_CANDIDATES learners match walks the course instead, reading at most
   * SEARCH_WINDOW certificates per page: such a page may hold fewer rows than asked, and its
   * cursor goes on from the last certificate read.
   */
  async listForCourse(courseId: string, options: CertificateListOptions): Promise<{ certificates: CourseCertificateRow[]; nextCursor: string | null }> {
    const { learner, status, search, limit, after } = options;
    const prefix = search ? `${search.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
    // Tested on each row of the page too, so a learner named exactly must also match the search.
    const matching = prefix ? Prisma.sql`AND (lower(l.id) LIKE ${prefix} OR lower(l.email) LIKE ${prefix})` : Prisma.empty;
    let learners: Prisma.Sql = Prisma.empty;
    let windowEnd: string | null = null;
    if (learner) {
      const ids = await this.learnerIds(Prisma.sql`SELECT id FROM learners WHERE id = ${learner} UNION SELECT id FROM learners WHERE lower(email) = ${learner.toLowerCase()}`);
      if (ids.length === 0) return { certificates: [], nextCursor: null };
      learners = Prisma.sql`AND c.learner_id = ANY(${ids}::text[])`;
    } else if (prefix) {
      const ids = await this.learnerIds(Prisma.sql`
        (SELECT id FROM learners WHERE lower(id) LIKE ${prefix} LIMIT ${SEARCH_CANDIDATES + 1})
        UNION (SELECT id FROM learners WHERE lower(email) LIKE ${prefix} LIMIT ${SEARCH_CANDIDATES + 1})`);
      if (ids.length === 0) return { certificates: [], nextCursor: null };
      if (ids.length <= SEARCH_CANDIDATES) learners = Prisma.sql`AND c.learner_id = ANY(${ids}::text[])`;
      else windowEnd = await this.windowEnd(courseId, status, after);
    }
    const rows = await this.db.$queryRaw<CourseCertificateRow[]>`
      SELECT c.id, c.learner_id AS "learnerId", l.name AS "learnerName", c.status::text AS status,
             c.grade::float8 AS grade, c.issued_at AS "issuedAt", (c.jws IS NOT NULL) AS "hasCredential",
             ${hasActiveInvalidationSql('c')} AS "activeInvalidation"
        FROM certificates c
        -- By key for each certificate of the page: a join may read the learners from their first row.
        JOIN LATERAL (SELECT l0.id, l0.name, l0.email FROM learners l0 WHERE l0.id = c.learner_id OFFSET 0) l ON TRUE
       WHERE c.course_id = ${courseId}
         ${learners}
         ${status ? Prisma.sql`AND c.status = ${status}::"CertificateStatus"` : Prisma.empty}
         ${after !== undefined ? Prisma.sql`AND c.learner_id > ${after}` : Prisma.empty}
         ${windowEnd ? Prisma.sql`AND c.learner_id <= ${windowEnd}` : Prisma.empty}
         ${matching}
       ORDER BY c.learner_id
       LIMIT ${limit + 1}`;
    const page = pageOf(rows, limit, (r) => [r.learnerId]);
    // A broad search's window ran out before the page filled: go on after it.
    if (windowEnd && page.nextCursor === null) return { certificates: page.items, nextCursor: encodeCursor([windowEnd]) };
    return { certificates: page.items, nextCursor: page.nextCursor };
  }

  private async learnerIds(query: Prisma.Sql): Promise<string[]> {
    return (await this.db.$queryRaw<Array<{ id: string }>>(query)).map((r) => r.id);
  }

  /** The learner of the SEARCH_WINDOW-th certificate after `after` (in the status); null when fewer remain. */
  private async windowEnd(courseId: string, status: CertificateStatus | undefined, after: string | undefined): Promise<string | null> {
    const [row] = await this.db.$queryRaw<Array<{ learnerId: string }>>`
      SELECT learner_id AS "learnerId" FROM certificates
       WHERE course_id = ${courseId}
         ${status ? Prisma.sql`AND status = ${status}::"CertificateStatus"` : Prisma.empty}
         ${after !== undefined ? Prisma.sql`AND learner_id > ${after}` : Prisma.empty}
       ORDER BY learner_id
      OFFSET ${SEARCH_WINDOW - 1} LIMIT 1`;
    return row?.learnerId ?? null;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.certificate.findUnique({ where: { id }, select: { id: true } })) !== null;
  }

  async findStatus(id: string): Promise<CertificateStatus | null> {
    const row = await this.db.certificate.findUnique({ where: { id }, select: { status: true } });
    return row?.status ?? null;
  }

  /** Whose certificate it is and in which course: what access to it depends on. */
  async findOwnership(id: string): Promise<{ courseId: string; learnerId: string } | null> {
    return this.db.certificate.findUnique({ where: { id }, select: { courseId: true, learnerId: true } });
  }

  /** What decides whether anyone with the link may download the certificate (certificate-sharing.ts). */
  async findSharing(id: string): Promise<{ visibility: CertificateVisibility | null; course: DownloadCourse } | null> {
    const row = await this.db.certificate.findUnique({
      where: { id },
      select: { visibility: true, course: { select: { certificatesActive: true, displayBehavior: true, endAt: true, certificateAvailableAt: true } } },
    });
    return row && { visibility: row.visibility, course: row.course };
  }

  /** Records the learner's choice; false when there is no such certificate. */
  async setVisibility(id: string, visibility: CertificateVisibility): Promise<boolean> {
    const { count } = await this.db.certificate.updateMany({ where: { id }, data: { visibility } });
    return count === 1;
  }

  async findWithHistory(id: string): Promise<CertificateWithHistory | null> {
    const c = await this.db.certificate.findUnique({
      where: { id },
      include: {
        learner: { select: { name: true } },
        course: { select: { title: true } },
        invalidations: { orderBy: { createdAt: 'desc' } },
      },
    });
    if (!c) return null;
    return {
      id: c.id,
      courseId: c.courseId,
      courseTitle: c.course.title,
      learnerId: c.learnerId,
      learnerName: c.learner.name,
      status: c.status,
      grade: c.grade?.toNumber() ?? null,
      issuedAt: c.issuedAt,
      visibility: c.visibility,
      invalidations: c.invalidations.map((i) => ({
        id: i.id,
        notes: i.notes,
        publicReason: i.publicReason,
        invalidatedBy: i.invalidatedBy,
        invalidatedAt: i.createdAt,
        active: i.active,
        reinstatedBy: i.reinstatedBy,
        reinstatedAt: i.reinstatedAt,
      })),
    };
  }

  async findDocumentSource(id: string): Promise<CertificateDocumentSource | null> {
    const row = await this.db.certificate.findUnique({
      where: { id },
      include: {
        course: { select: { title: true, certificateTemplate: true, certificatesActive: true, displayBehavior: true, endAt: true, certificateAvailableAt: true } },
        invalidations: { where: activeInvalidationWhere, take: 1 },
      },
    });
    if (!row) return null;
    const { course } = row;
    return {
      status: row.status,
      jws: row.jws,
      visibility: row.visibility,
      courseTitle: course.title,
      certificateTemplate: course.certificateTemplate,
      activeInvalidation: row.invalidations.length > 0,
      course: { certificatesActive: course.certificatesActive, displayBehavior: course.displayBehavior, endAt: course.endAt, certificateAvailableAt: course.certificateAvailableAt },
    };
  }

  /** The learner's certificate in a course, whatever its status. */
  async findForLearner(courseId: string, learnerId: string): Promise<{ status: CertificateStatus; issuedAt: Date | null } | null> {
    return this.db.certificate.findUnique({ where: { courseId_learnerId: { courseId, learnerId } }, select: { status: true, issuedAt: true } });
  }

  /** When each of these learners was issued a certificate of the course (issued ones only). */
  async listIssuedToLearners(courseId: string, learnerIds: string[]): Promise<Array<{ learnerId: string; issuedAt: Date | null }>> {
    return this.db.certificate.findMany({
      where: { courseId, learnerId: { in: learnerIds }, status: 'downloadable' },
      select: { learnerId: true, issuedAt: true },
    });
  }
}

export interface CertificateListOptions {
  learner?: string;
  status?: CertificateStatus;
  search?: string;
  limit: number;
  /** The last username of the previous page. */
  after?: string;
}

/** One row of a course's certificate list. */
export interface CourseCertificateRow {
  id: string;
  learnerId: string;
  learnerName: string;
  status: CertificateStatus;
  grade: number | null;
  issuedAt: Date | null;
  hasCredential: boolean;
  activeInvalidation: boolean;
}

/** One invalidation of a certificate, as its history lists it. */
export interface InvalidationHistoryEntry {
  id: string;
  /** Internal: for the course team only. */
  notes: string;
  publicReason: string | null;
  invalidatedBy: string;
  invalidatedAt: Date;
  /** Whether this is the certificate's active invalidation (activeInvalidationWhere). */
  active: boolean;
  reinstatedBy: string | null;
  reinstatedAt: Date | null;
}

/** A certificate with its learner, its course and every invalidation, newest first. */
export interface CertificateWithHistory {
  id: string;
  courseId: string;
  courseTitle: string;
  learnerId: string;
  learnerName: string;
  status: CertificateStatus;
  grade: number | null;
  issuedAt: Date | null;
  /** The learner's choice; null: the issuer's default. */
  visibility: CertificateVisibility | null;
  invalidations: InvalidationHistoryEntry[];
}

/** What the documents of a certificate are made from. */
export interface CertificateDocumentSource {
  status: CertificateStatus;
  /** The signed credential; null until issued. */
  jws: string | null;
  /** The learner's choice; null: the issuer's default. */
  visibility: CertificateVisibility | null;
  courseTitle: string;
  certificateTemplate: Prisma.JsonValue | null;
  activeInvalidation: boolean;
  /** What decides whether a learner may download it now (certificate-downloads.ts). */
  course: DownloadCourse;
}
