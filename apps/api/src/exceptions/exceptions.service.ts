import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../../../shared/database';
import { decideEligibility } from '../../../shared/domain/certificate-rules';
import { parseCsv } from '../common/csv';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { DATABASE } from '../common/tokens';
import type { GrantExceptionDto } from './exceptions.schemas';

export interface ImportLineResult {
  line: number;
  learner: string;
  result: 'added' | 'already_listed' | 'rejected';
  message: string;
}

const MAX_IMPORT_LINES = 10_000;

@Injectable()
export class ExceptionsService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async listExceptions(courseId: string) {
    const course = await this.db.course.findUnique({ where: { id: courseId }, select: { id: true } });
    if (!course) throw new NotFoundError('course', courseId);
    const rows = await this.db.certificateException.findMany({
      where: { courseId, active: true },
      orderBy: { grantedAt: 'asc' },
      include: { enrollment: { include: { learner: true } } },
    });
    const certificates = await this.db.certificate.findMany({
      where: { courseId, learnerId: { in: rows.map((r) => r.learnerId) }, status: 'downloadable' },
      select: { learnerId: true, issuedAt: true },
    });
    const generated = new Map(certificates.map((c) => [c.learnerId, c.issuedAt]));
    return rows.map((r) => ({
      learnerId: r.learnerId,
      name: r.enrollment.learner.name,
      email: r.enrollment.learner.email,
      grantedAt: r.grantedAt.toISOString(),
      grantedBy: r.grantedBy,
      certificateGeneratedAt: generated.get(r.learnerId)?.toISOString() ?? null,
      notes: r.notes,
    }));
  }

  async grantException(courseId: string, dto: GrantExceptionDto & { grantedBy: string }) {
    const outcome = await this.grant(courseId, dto.learner, dto.notes, dto.grantedBy);
    if (outcome.result === 'rejected') {
      if (outcome.notFound) throw new NotFoundError(`learner enrolled in ${courseId}:`, dto.learner);
      throw new ValidationError([{ field: 'body.learner', message: outcome.message }]);
    }
    if (outcome.result === 'already_listed') throw new ConflictError(outcome.message);
    const { learner, granted } = outcome;
    const certificate = await this.db.certificate.findUnique({
      where: { courseId_learnerId: { courseId, learnerId: learner.id } },
      select: { status: true, issuedAt: true },
    });
    return {
      learnerId: learner.id,
      name: learner.name,
      email: learner.email,
      grantedAt: granted.grantedAt.toISOString(),
      grantedBy: granted.grantedBy,
      certificateGeneratedAt: certificate?.status === 'downloadable' ? (certificate.issuedAt?.toISOString() ?? null) : null,
      notes: granted.notes,
    };
  }

  private async grant(courseId: string, learner: string, notes: string, grantedBy: string) {
    const enrollment = await this.db.enrollment.findFirst({
      where: { courseId, learner: learner.includes('@') ? { email: learner } : { id: learner } },
      include: { learner: true, course: { select: { passingGrade: true, honorEligible: true } } },
    });
    if (!enrollment) return { result: 'rejected' as const, notFound: true, message: `${learner} is not enrolled in this course` };
    // What the rules would decide with the exception: it lifts grade and lessons, never the track.
    const withException = decideEligibility({
      mode: enrollment.mode,
      grade: (enrollment.finalGrade ?? enrollment.grade)?.toNumber() ?? null,
      passingGrade: enrollment.course.passingGrade.toNumber(),
      honorEligible: enrollment.course.honorEligible,
      allowlisted: true,
    });
    if (!withException.eligible && withException.reason === 'mode_not_eligible') {
      return { result: 'rejected' as const, notFound: false, message: `${learner}: ${withException.message}` };
    }
    // One statement: of concurrent grants for the same learner, the first adds (or re-adds) the
    // row; the others wait for it, then find it active and change nothing.
    const [granted] = await this.db.$queryRaw<Array<{ notes: string; grantedBy: string; grantedAt: Date }>>`
      INSERT INTO certificate_exceptions AS x (course_id, learner_id, notes, granted_by, granted_at, active)
      VALUES (${courseId}, ${enrollment.learnerId}, ${notes}, ${grantedBy}, ${new Date().toISOString()}::timestamptz AT TIME ZONE 'UTC', true)
      ON CONFLICT (course_id, learner_id) DO UPDATE
         SET notes = EXCLUDED.notes, granted_by = EXCLUDED.granted_by, granted_at = EXCLUDED.granted_at,
             active = true, removed_by = NULL, removed_at = NULL
       WHERE NOT x.active
      RETURNING notes, granted_by AS "grantedBy", granted_at AS "grantedAt"`;
    if (!granted) return { result: 'already_listed' as const, message: `${learner} is already on the exception list` };
    return { result: 'added' as const, learner: enrollment.learner, granted, message: 'added to the exception list' };
  }

  /**
   * Keeps the good lines and reports each bad one by line number; nothing on a bad line is
   * written. A first line `learner,notes` (or username/email) is read as a header.
   */
  async importExceptions(courseId: string, csv: string, grantedBy: string): Promise<{ added: number; results: ImportLineResult[] }> {
    const course = await this.db.course.findUnique({ where: { id: courseId }, select: { id: true } });
    if (!course) throw new NotFoundError('course', courseId);
    if (typeof csv !== 'string' || csv.trim() === '') throw new ValidationError([{ field: 'body', message: 'send the CSV as text/csv with one learner per line' }]);
    const records = parseCsv(csv);
    if (records.length > MAX_IMPORT_LINES) throw new ValidationError([{ field: 'body', message: `at most ${MAX_IMPORT_LINES} lines per upload` }]);
    const header = records[0] && /^(learner|username|email|user)$/i.test(records[0].fields[0] ?? '');
    const results: ImportLineResult[] = [];
    const seen = new Set<string>();
    for (const record of header ? records.slice(1) : records) {
      const [learner = '', notes = '', ...extra] = record.fields;
      const reject = (message: string) => results.push({ line: record.line, learner, result: 'rejected', message });
      if (extra.some((f) => f !== '')) reject('expected two columns: learner (username or email), notes');
      else if (!learner) reject('the learner column is empty');
      else if (learner.length > 255 || notes.length > 2000) reject('value too long');
      else if (seen.has(learner.toLowerCase())) reject('this learner appears on an earlier line');
      else {
        seen.add(learner.toLowerCase());
        const outcome = await this.grant(courseId, learner, notes, grantedBy);
        results.push({ line: record.line, learner, result: outcome.result, message: outcome.message });
      }
    }
    return { added: results.filter((r) => r.result === 'added').length, results };
  }

  /**
   * Takes a learner off the list. A certificate that stood only on the exception is invalidated;
   * one the learner earned on their own stays valid.
   */
  async removeException(courseId: string, learnerId: string, removedBy: string) {
    return this.db.$transaction(async (tx) => {
      // Of concurrent removals only one finds the exception active; its row stays locked until
      // commit, so a concurrent grant waits and then re-adds it.
      const { count } = await tx.certificateException.updateMany({
        where: { courseId, learnerId, active: true },
        data: { active: false, removedBy, removedAt: new Date() },
      });
      if (count === 0) throw new NotFoundError(`exception in ${courseId} for learner`, learnerId);
      const certificate = await tx.certificate.findUnique({ where: { courseId_learnerId: { courseId, learnerId } } });
      let invalidated = false;
      if (certificate?.status === 'downloadable') {
        const enrollment = await tx.enrollment.findUniqueOrThrow({ where: { courseId_learnerId: { courseId, learnerId } }, include: { course: true } });
        const required = await tx.lesson.count({ where: { courseId, required: true } });
        const completed = await tx.lessonCompletion.count({ where: { courseId, learnerId, lesson: { required: true } } });
        const onMerit = decideEligibility({
          mode: enrollment.mode,
          grade: (enrollment.finalGrade ?? enrollment.grade)?.toNumber() ?? null,
          passingGrade: enrollment.course.passingGrade.toNumber(),
          honorEligible: enrollment.course.honorEligible,
          requiredLessons: { total: required, completed },
        });
        if (!onMerit.eligible) {
          // A certificate already invalidated (by the course team, even at this very moment) keeps
          // that one: the database allows one active invalidation per certificate.
          invalidated = (await tx.$executeRaw`
            INSERT INTO invalidations (id, certificate_id, notes, invalidated_by, created_at)
            VALUES (${randomUUID()}::uuid, ${certificate.id}::uuid, ${`Certificate exception removed: ${onMerit.message}`}, ${removedBy},
                    ${new Date().toISOString()}::timestamptz AT TIME ZONE 'UTC')
            ON CONFLICT (certificate_id) WHERE active DO NOTHING`) === 1;
        }
      }
      return { courseId, learnerId, removed: true, certificateInvalidated: invalidated };
    });
  }
}
