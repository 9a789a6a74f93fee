import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { decideEligibility } from '../../../shared/domain/certificate-rules';
import { CertificatesRepository, CoursesRepository, ExceptionsRepository, PlannerStatisticsRepository } from '../../../shared/repositories';
import { isCsvRequest, readCsvBody, type CsvRecord } from '../common/csv';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
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
  constructor(
    private readonly exceptions: ExceptionsRepository,
    private readonly courses: CoursesRepository,
    private readonly certificates: CertificatesRepository,
    private readonly statistics: PlannerStatisticsRepository,
  ) {}

  /** One page of the exception list, in the order learners were added. */
  async listExceptions(courseId: string, limit: number, after?: { at: Date; text: string }) {
    if (!(await this.courses.courseExists(courseId))) throw new NotFoundError('course', courseId);
    const { exceptions: rows, nextCursor } = await this.exceptions.listActive(courseId, limit, after);
    const certificates = await this.certificates.listIssuedToLearners(courseId, rows.map((r) => r.learnerId));
    const generated = new Map(certificates.map((c) => [c.learnerId, c.issuedAt]));
    const exceptions = rows.map((r) => ({
      learnerId: r.learnerId,
      name: r.name,
      email: r.email,
      grantedAt: r.grantedAt.toISOString(),
      grantedBy: r.grantedBy,
      certificateGeneratedAt: generated.get(r.learnerId)?.toISOString() ?? null,
      notes: r.notes,
    }));
    return { exceptions, nextCursor };
  }

  async grantException(courseId: string, dto: GrantExceptionDto & { grantedBy: string }) {
    const outcome = await this.grant(courseId, dto.learner, dto.notes, dto.grantedBy);
    if (outcome.result === 'rejected') {
      if (outcome.notFound) throw new NotFoundError(`learner enrolled in ${courseId}:`, dto.learner);
      throw new ValidationError([{ field: 'body.learner', message: outcome.message }]);
    }
    if (outcome.result === 'already_listed') throw new ConflictError(outcome.message);
    const { learner, granted } = outcome;
    const certificate = await this.certificates.findForLearner(courseId, learner.id);
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
    const enrollment = await this.exceptions.findCandidate(courseId, learner);
    if (!enrollment) return { result: 'rejected' as const, notFound: true, message: `${learner} is not enrolled in this course` };
    // What the rules would decide with the exception: it lifts grade and lessons, never the track.
    const withException = decideEligibility({
      mode: enrollment.mode,
      grade: enrollment.grade,
      passingGrade: enrollment.passingGrade,
      honorEligible: enrollment.honorEligible,
      allowlisted: true,
    });
    if (!withException.eligible && withException.reason === 'mode_not_eligible') {
      return { result: 'rejected' as const, notFound: false, message: `${learner}: ${withException.message}` };
    }
    // Concurrent grants for the same learner: the first adds (or re-adds) the row, the others find it listed.
    const granted = await this.exceptions.addException({ courseId, learnerId: enrollment.learner.id, notes, grantedBy });
    if (!granted) return { result: 'already_listed' as const, message: `${learner} is already on the exception list` };
    return { result: 'added' as const, learner: enrollment.learner, granted, message: 'added to the exception list' };
  }

  /**
   * Keeps the good lines and reports each bad one by line number; nothing on a bad line is
   * written. A first line `learner,notes` (or username/email) is read as a header. Decided for the
   * whole file at once: one query finds every learner, the rules run in memory, one statement
   * adds the list; each line's result is what adding the lines one by one, in order, would give.
   */
  async importExceptions(courseId: string, request: IncomingMessage, grantedBy: string): Promise<{ added: number; results: ImportLineResult[] }> {
    if (!(await this.courses.courseExists(courseId))) throw new NotFoundError('course', courseId);
    const sendCsv = new ValidationError([{ field: 'body', message: 'send the CSV as text/csv with one learner per line' }]);
    if (!isCsvRequest(request)) throw sendCsv;
    // Read from the connection: at most 10,000 lines are kept, whatever the body holds after them.
    const records: CsvRecord[] = [];
    for await (const batch of readCsvBody(request, { maxRecords: MAX_IMPORT_LINES })) records.push(...batch);
    if (records.length === 0) throw sendCsv;
    const header = records[0] && /^(learner|username|email|user)$/i.test(records[0].fields[0] ?? '');
    const results: ImportLineResult[] = [];
    const pending: Array<{ result: ImportLineResult; notes: string }> = [];
    const seen = new Set<string>();
    for (const record of header ? records.slice(1) : records) {
      const [learner = '', notes = '', ...extra] = record.fields;
      const result: ImportLineResult = { line: record.line, learner, result: 'rejected', message: '' };
      results.push(result);
      if (extra.some((f) => f !== '')) result.message = 'expected two columns: learner (username or email), notes';
      else if (!learner) result.message = 'the learner column is empty';
      else if (learner.length > 255 || notes.length > 2000) result.message = 'value too long';
      else if (seen.has(learner.toLowerCase())) result.message = 'this learner appears on an earlier line';
      else {
        seen.add(learner.toLowerCase());
        pending.push({ result, notes });
      }
    }

    const candidates = await this.exceptions.findCandidates(courseId, pending.map((p) => p.result.learner));
    const byId = new Map(candidates.map((c) => [c.learner.id, c]));
    const byEmail = new Map(candidates.map((c) => [c.learner.email, c]));
    // A learner named twice (once by username, once by email): the first line grants, the later one finds them listed.
    const claimed = new Map<string, ImportLineResult>();
    const grants: Array<{ learnerId: string; notes: string }> = [];
    for (const { result, notes } of pending) {
      const { learner } = result;
      const candidate = learner.includes('@') ? byEmail.get(learner) : byId.get(learner);
      if (!candidate) {
        result.message = `${learner} is not enrolled in this course`;
        continue;
      }
      // What the rules would decide with the exception: it lifts grade and lessons, never the track.
      const withException = decideEligibility({ ...candidate, allowlisted: true });
      if (!withException.eligible && withException.reason === 'mode_not_eligible') {
        result.message = `${learner}: ${withException.message}`;
      } else if (claimed.has(candidate.learner.id)) {
        Object.assign(result, { result: 'already_listed', message: `${learner} is already on the exception list` });
      } else {
        claimed.set(candidate.learner.id, result);
        grants.push({ learnerId: candidate.learner.id, notes });
      }
    }
    const added = new Set(await this.exceptions.addExceptions(courseId, grants, grantedBy));
    for (const [learnerId, result] of claimed) {
      Object.assign(
        result,
        added.has(learnerId)
          ? { result: 'added', message: 'added to the exception list' }
          : { result: 'already_listed', message: `${result.learner} is already on the exception list` },
      );
    }
    if (added.size) void this.statistics.refreshSoon(['certificate_exceptions']);
    return { added: added.size, results };
  }

  /**
   * Takes a learner off the list. A certificate that stood only on the exception is invalidated;
   * one the learner earned on their own stays valid.
   */
  async removeException(courseId: string, learnerId: string, removedBy: string) {
    const removal = await this.exceptions.removeException({ courseId, learnerId, removedBy }, (standing) => {
      const onMerit = decideEligibility(standing);
      return onMerit.eligible ? null : `Certificate exception removed: ${onMerit.message}`;
    });
    if (!removal) throw new NotFoundError(`exception in ${courseId} for learner`, learnerId);
    return { courseId, learnerId, removed: true, certificateInvalidated: removal.certificateInvalidated };
  }
}
