import { Prisma } from '../../../prisma/generated/client';
import type { Course, DisplayBehavior, GenerationTask, Pacing } from '../../../prisma/generated/client';
import type { Database } from '../database';
import type { CourseChangeKind } from './course-changes.repository';

/** A course row as Prisma reads it (passingGrade is a Decimal). */
export type CourseRecord = Course;

/** Course settings as the API writes them; a null template clears the JSON column. */
export interface CourseSettings {
  title?: string;
  pacing?: Pacing;
  endAt?: Date;
  passingGrade?: number;
  certificatesActive?: boolean;
  displayBehavior?: DisplayBehavior;
  certificateAvailableAt?: Date | null;
  learnerGeneratedEnabled?: boolean;
  autoGenerateCertificates?: boolean;
  honorEligible?: boolean;
  idVerificationRequired?: boolean;
  certificateShowsGrade?: boolean;
  certificateMailCc?: string | null;
  certificateTemplate?: Prisma.InputJsonObject | null;
}

export interface NewCourse extends CourseSettings {
  id: string;
  title: string;
  pacing: Pacing;
  startAt: Date;
  endAt: Date;
  passingGrade: number;
}

export interface LessonInput {
  id: string;
  title: string;
  required: boolean;
  position: number;
}

/** Courses, their settings and lessons. */
export class CoursesRepository {
  constructor(private readonly db: Database) {}

  async findCourse(courseId: string): Promise<CourseRecord | null> {
    return this.db.course.findUnique({ where: { id: courseId } });
  }

  async courseExists(courseId: string): Promise<boolean> {
    const found = await this.db.course.findUnique({ where: { id: courseId }, select: { id: true } });
    return found !== null;
  }

  /** Creates the course unless a concurrent request already did (then the row is left as it is). */
  async createCourse(course: NewCourse): Promise<CourseRecord> {
    const { id, ...settings } = course;
    return this.db.course.upsert({ where: { id }, create: { id, ...withJsonNulls(settings) }, update: {} });
  }

  async updateCourse(courseId: string, changes: CourseSettings): Promise<CourseRecord> {
    return this.db.course.update({ where: { id: courseId }, data: withJsonNulls(changes) });
  }

  /**
   * Applies a settings, activation or template change and records it (who, and each field's old and
   * new value) in the same transaction. The course row is locked first, so that of two concurrent
   * changes each records the value the other left.
   */
  async changeCourse(courseId: string, changes: CourseSettings, record: { what: CourseChangeKind; changedBy: string }): Promise<CourseRecord> {
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM courses WHERE id = ${courseId} FOR UPDATE`;
      const before = await tx.course.findUniqueOrThrow({ where: { id: courseId } });
      const after = await tx.course.update({ where: { id: courseId }, data: withJsonNulls(changes) });
      await tx.courseChange.create({ data: { courseId, what: record.what, changedBy: record.changedBy, fields: changedFields(before, after, Object.keys(changes)) } });
      return after;
    });
  }

  /** Whether a change of standing must re-evaluate certificates: null when the course is gone. */
  async findReevaluationState(courseId: string): Promise<{ gradesFinalizedAt: Date | null; certificatesActive: boolean } | null> {
    return this.db.course.findUnique({ where: { id: courseId }, select: { gradesFinalizedAt: true, certificatesActive: true } });
  }

  /** When the course's grades were finalized (null while they are live); throws if the course is gone. */
  async gradesFinalizedAt(courseId: string): Promise<Date | null> {
    const course = await this.db.course.findUniqueOrThrow({ where: { id: courseId }, select: { gradesFinalizedAt: true } });
    return course.gradesFinalizedAt;
  }

  /** The course's most recently requested generation task. */
  async latestTask(courseId: string): Promise<GenerationTask | null> {
    return this.db.generationTask.findFirst({ where: { courseId }, orderBy: { requestedAt: 'desc' } });
  }

  /** Upserts the batch in one transaction. */
  async upsertLessons(courseId: string, lessons: LessonInput[]): Promise<void> {
    if (lessons.length === 0) return;
    // One statement for the batch (ids unique, at most 2,000): one JSON parameter, rows in id order so
    // concurrent batches of the same course lock their lessons in the same order (no deadlock).
    const sorted = [...lessons].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const rows = JSON.stringify(sorted.map((l) => ({ id: l.id, title: l.title, required: l.required, position: l.position })));
    await this.db.$executeRaw`
      INSERT INTO lessons (course_id, id, title, required, position)
      SELECT ${courseId}, r.id, r.title, r.required, r.position
        FROM jsonb_to_recordset(${rows}::jsonb) AS r(id text, title text, required boolean, position integer)
      ON CONFLICT (course_id, id) DO UPDATE SET title = EXCLUDED.title, required = EXCLUDED.required, position = EXCLUDED.position`;
  }

  /** How many required and optional lessons the course has. */
  async countLessons(courseId: string): Promise<{ required: number; optional: number }> {
    const groups = await this.db.lesson.groupBy({ by: ['required'], where: { courseId }, _count: { _all: true } });
    const count = (required: boolean) => groups.find((g) => g.required === required)?._count._all ?? 0;
    return { required: count(true), optional: count(false) };
  }

  /** Which of these lesson ids are lessons of the course. */
  async findLessonIds(courseId: string, lessonIds: string[]): Promise<string[]> {
    const lessons = await this.db.lesson.findMany({ where: { courseId, id: { in: lessonIds } }, select: { id: true } });
    return lessons.map((l) => l.id);
  }

  /** Snapshots every current grade as the final grade, in one transaction; returns how many enrollments. */
  async finalizeGrades(courseId: string): Promise<number> {
    const [updated] = await this.db.$transaction([
      this.db.$executeRaw`UPDATE enrollments SET final_grade = grade, updated_at = now() WHERE course_id = ${courseId}`,
      this.db.course.update({ where: { id: courseId }, data: { gradesFinalizedAt: new Date() } }),
    ]);
    return updated;
  }

  /** The bulk issuance ran: instructor-paced display behaviours now show certificates. */
  async markCertificatesGenerated(courseId: string): Promise<void> {
    await this.db.course.update({ where: { id: courseId }, data: { certificatesGeneratedAt: new Date() } });
  }

  /** The courses staff run, newest first, at most 200: those `courseIds` names (that exist here), or every course when null (an admin). */
  async listForStaff(courseIds: string[] | null): Promise<Array<{ id: string; title: string; endAt: Date; certificatesActive: boolean }>> {
    return this.db.course.findMany({
      where: courseIds === null ? {} : { id: { in: courseIds } },
      orderBy: { createdAt: 'desc' },
      take: 200,
      select: { id: true, title: true, endAt: true, certificatesActive: true },
    });
  }
}

/** The named fields' values before and after, as JSON (dates as ISO text, decimals as numbers). */
function changedFields(before: CourseRecord, after: CourseRecord, names: string[]): Prisma.InputJsonObject {
  const json = (value: unknown): Prisma.InputJsonValue | null => {
    if (value instanceof Date) return value.toISOString();
    if (Prisma.Decimal.isDecimal(value)) return (value as Prisma.Decimal).toNumber();
    return (value ?? null) as Prisma.InputJsonValue | null;
  };
  const row = (record: CourseRecord) => record as unknown as Record<string, unknown>;
  return Object.fromEntries(names.map((name) => [name, { old: json(row(before)[name]), new: json(row(after)[name]) }]));
}

/** Prisma writes SQL NULL into a JSON column only when told so explicitly. */
function withJsonNulls<T extends { certificateTemplate?: object | null }>(data: T) {
  return { ...data, certificateTemplate: data.certificateTemplate === null ? Prisma.DbNull : data.certificateTemplate };
}
