import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../../shared/config';
import { isValidCertificate } from '../../../shared/domain/certificate-validity';
import { verifyPageUrl } from '../../../shared/domain/public-urls';
import { CertificatesRepository, CoursesRepository, InvalidationsRepository } from '../../../shared/repositories';
import type { CertificateListOptions } from '../../../shared/repositories/certificates.repository';
import { NotFoundError } from '../common/errors';
import { CONFIG } from '../common/tokens';

/** A course's certificates as its staff see them. */
@Injectable()
export class CourseCertificatesService {
  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly courses: CoursesRepository,
    private readonly certificates: CertificatesRepository,
    private readonly invalidations: InvalidationsRepository,
  ) {}

  /** One page of the course's certificates: all, one learner (username or email), one status, or a username/email prefix search. */
  async listCertificates(courseId: string, query: CertificateListOptions) {
    if (!(await this.courses.courseExists(courseId))) throw new NotFoundError('course', courseId);
    const page = await this.certificates.listForCourse(courseId, query);
    return {
      certificates: page.certificates.map((c) => ({
        id: c.id,
        learnerId: c.learnerId,
        learnerName: c.learnerName,
        status: c.status,
        grade: c.grade,
        issuedAt: c.issuedAt?.toISOString() ?? null,
        invalidated: c.activeInvalidation,
        valid: isValidCertificate({ status: c.status, hasCredential: c.hasCredential, activeInvalidation: c.activeInvalidation }),
        verifyUrl: c.status === 'downloadable' ? verifyPageUrl(this.config.http.publicUrl, c.id) : null,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** One page of the course's invalidated certificates (their active invalidations), newest first. */
  async listInvalidations(courseId: string, limit: number, after?: { at: Date; id: string }) {
    if (!(await this.courses.courseExists(courseId))) throw new NotFoundError('course', courseId);
    const page = await this.invalidations.listActiveForCourse(courseId, limit, after);
    return {
      invalidations: page.invalidations.map((i) => ({
        id: i.id,
        certificateId: i.certificateId,
        learner: i.learner,
        notes: i.notes,
        publicReason: i.publicReason,
        invalidatedBy: i.invalidatedBy,
        invalidatedAt: i.invalidatedAt.toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }
}
