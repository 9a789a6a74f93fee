import { Prisma } from '../../../prisma/generated/client';
import type { Database } from '../database';

/** What a recorded change touched: certificate settings, activation, or the certificate template. */
export type CourseChangeKind = 'settings' | 'activation' | 'template';

/** Each field the change set, with its value before and after (as JSON: dates as ISO text, grades as numbers). */
export type ChangedFields = Record<string, { old: unknown; new: unknown }>;

export interface CourseChangeRecord {
  id: number;
  courseId: string;
  what: CourseChangeKind;
  changedBy: string;
  changedAt: Date;
  fields: ChangedFields;
}

export interface CourseChangesPage {
  changes: CourseChangeRecord[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The record of a course's settings, activation and template changes. Rows are written by
 * CoursesRepository.changeCourse, in the transaction of the change; this repository reads them.
 */
export class CourseChangesRepository {
  constructor(private readonly db: Database) {}

  /** Newest first, `limit` at a time; `cursor` is the previous page's nextCursor. */
  async listForCourse(courseId: string, limit: number, cursor?: number): Promise<CourseChangesPage> {
    const rows = await this.db.courseChange.findMany({
      where: { courseId, ...(cursor !== undefined ? { id: { lt: cursor } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      changes: page.map((row) => ({ ...row, what: row.what as CourseChangeKind, fields: row.fields as ChangedFields })),
      nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
    };
  }

  /**
   * The template an issued certificate was issued with, so that a later template change never
   * re-renders it: the old value of the first template change after its issuance. `undefined`
   * when the template has not changed since (the course's current template applies) or the
   * certificate was never issued.
   */
  async templateAtIssuance(certificateId: string): Promise<{ template: Prisma.JsonValue | null } | undefined> {
    const certificate = await this.db.certificate.findUnique({ where: { id: certificateId }, select: { courseId: true, issuedAt: true } });
    if (!certificate?.issuedAt) return undefined;
    const change = await this.db.courseChange.findFirst({
      where: { courseId: certificate.courseId, what: 'template', changedAt: { gt: certificate.issuedAt } },
      orderBy: [{ changedAt: 'asc' }, { id: 'asc' }],
      select: { fields: true },
    });
    if (!change) return undefined;
    const fields = change.fields as ChangedFields;
    return { template: (fields.certificateTemplate?.old ?? null) as Prisma.JsonValue | null };
  }
}
