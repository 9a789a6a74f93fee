import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { buildAchievementCredential } from '../../apps/shared/credentials/achievement-credential';
import { signCredential } from '../../apps/shared/credentials/sign-credential';
import { decideEligibility } from '../../apps/shared/domain/certificate-rules';
import type { CertificateStatus } from '../../prisma/generated/enums';
import type { ActivityDeps } from '../deps';

export interface IssueChunkInput {
  courseId: string;
  /** Learner id after which this chunk starts (keyset pagination); null for the first chunk. */
  after: string | null;
  limit: number;
}

export interface IssueChunkResult {
  /** Where the next chunk starts, or null when every enrollment has been seen. */
  nextCursor: string | null;
  processed: number;
  /** Certificates this call actually created; a retried chunk counts only what it added. */
  issued: number;
  notIssued: number;
}

export function createIssuanceActivities({ db, keys, issuer }: ActivityDeps) {
  return {
    /**
     * Decides and records the certificate of each learner in one chunk of enrollments.
     * Safe to retry: rows are inserted with ON CONFLICT DO NOTHING on (course, learner).
     */
    async issueCertificateChunk(input: IssueChunkInput): Promise<IssueChunkResult> {
      const course = await db.course.findUnique({ where: { id: input.courseId } });
      if (!course) throw ApplicationFailure.nonRetryable(`course ${input.courseId} does not exist`, 'CourseNotFound');
      const enrollments = await db.enrollment.findMany({
        where: { courseId: input.courseId, ...(input.after === null ? {} : { learnerId: { gt: input.after } }) },
        orderBy: { learnerId: 'asc' },
        take: input.limit,
        select: {
          learnerId: true,
          mode: true,
          finalGrade: true,
          learner: { select: { name: true } },
        },
      });
      if (enrollments.length === 0) return { nextCursor: null, processed: 0, issued: 0, notIssued: 0 };

      const existing = await db.certificate.findMany({
        where: { courseId: input.courseId, learnerId: { in: enrollments.map((e) => e.learnerId) } },
        select: { learnerId: true },
      });
      const hasCertificate = new Set(existing.map((c) => c.learnerId));
      const passingGrade = course.passingGrade.toNumber();
      const issuedAt = new Date();

      const rows = await Promise.all(
        enrollments
          .filter((e) => !hasCertificate.has(e.learnerId))
          .map(async (e) => {
            const grade = e.finalGrade?.toNumber() ?? null;
            const decision = decideEligibility({ mode: e.mode, grade, passingGrade });
            const row = {
              id: randomUUID(),
              courseId: input.courseId,
              learnerId: e.learnerId,
              status: decision.status as CertificateStatus,
              grade: e.finalGrade,
              jws: null as string | null,
              keyId: null as string | null,
              issuedAt: null as Date | null,
            };
            if (decision.eligible) {
              const credential = buildAchievementCredential({
                certificateId: row.id,
                publicUrl: issuer.publicUrl,
                issuerName: issuer.name,
                course: { id: course.id, title: course.title, passingGrade },
                learner: { id: e.learnerId, name: e.learner.name },
                issuedAt,
              });
              row.jws = await signCredential(credential, keys.active);
              row.keyId = keys.active.kid;
              row.issuedAt = issuedAt;
            }
            return row;
          }),
      );
      const inserted = rows.length
        ? await db.certificate.createManyAndReturn({ data: rows, skipDuplicates: true, select: { status: true } })
        : [];
      const issued = inserted.filter((c) => c.status === 'downloadable').length;
      const last = enrollments[enrollments.length - 1].learnerId;
      return {
        nextCursor: enrollments.length < input.limit ? null : last,
        processed: enrollments.length,
        issued,
        notIssued: inserted.length - issued,
      };
    },
  };
}
