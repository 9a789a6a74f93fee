import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../../shared/config';
import { isValidCertificate } from '../../../shared/domain/certificate-validity';
import { verifyPageUrl } from '../../../shared/domain/public-urls';
import { CertificatesRepository, CoursesRepository } from '../../../shared/repositories';
import { NotFoundError } from '../common/errors';
import { CONFIG } from '../common/tokens';

/** A course's certificates as its staff see them. */
@Injectable()
export class CourseCertificatesService {
  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly courses: CoursesRepository,
    private readonly certificates: CertificatesRepository,
  ) {}

  /** All certificates of the course, or those of one learner given by username or email. */
  async listCertificates(courseId: string, learner?: string) {
    if (!(await this.courses.courseExists(courseId))) throw new NotFoundError('course', courseId);
    const certificates = await this.certificates.listForCourse(courseId, learner);
    return certificates.map((c) => ({
      id: c.id,
      learnerId: c.learnerId,
      learnerName: c.learnerName,
      status: c.status,
      grade: c.grade,
      issuedAt: c.issuedAt?.toISOString() ?? null,
      invalidated: c.activeInvalidation,
      valid: isValidCertificate({ status: c.status, hasCredential: c.hasCredential, activeInvalidation: c.activeInvalidation }),
      verifyUrl: c.status === 'downloadable' ? verifyPageUrl(this.config.http.publicUrl, c.id) : null,
    }));
  }
}
