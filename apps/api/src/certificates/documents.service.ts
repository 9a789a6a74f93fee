import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../../shared/config';
import { buildAchievementCredential, type AchievementCredential } from '../../../shared/credentials/achievement-credential';
import { renderBadge } from '../../../shared/documents/baked-badge';
import { renderCertificatePdf, type CertificateTemplate } from '../../../shared/documents/certificate-pdf';
import { downloadRefusal, type Downloader } from '../../../shared/domain/certificate-downloads';
import { effectiveVisibility } from '../../../shared/domain/certificate-sharing';
import { isValidCertificate } from '../../../shared/domain/certificate-validity';
import { certificateFileUrls, verifyPageUrl } from '../../../shared/domain/public-urls';
import { CertificatesRepository, CourseChangesRepository, CoursesRepository } from '../../../shared/repositories';
import { DomainError, ForbiddenError, NotFoundError } from '../common/errors';
import { CONFIG } from '../common/tokens';

export class GoneError extends DomainError {
  constructor(message: string) {
    super('gone', message);
  }
}

const CACHE_ENTRIES = 500;

/** The certificate as documents: the signed credential, its PDF and its baked badge. */
@Injectable()
export class DocumentsService {
  // Rendered documents by certificate and credential: a re-signed credential renders anew.
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly certificates: CertificatesRepository,
    private readonly courses: CoursesRepository,
    private readonly courseChanges: CourseChangesRepository,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The issued certificate, if this downloader may have it now: 404 never issued, 410 revoked, then
   * for learners 403 while certificates are not enabled or before the display behaviour shows them
   * (403, not 404: the certificate exists, its learner can see it listed, and staff get it at this
   * very URL; the message says when it will be theirs). The public (anyone the access guard let
   * through because the learner shares the certificate) gets no more than the learner, and nothing
   * once the learner has made it private meanwhile.
   */
  private async issued(id: string, downloader: Downloader) {
    const row = await this.certificates.findDocumentSource(id);
    if (!row || !row.jws) throw new NotFoundError('issued certificate', id);
    if (!isValidCertificate({ status: row.status, hasCredential: true, activeInvalidation: row.activeInvalidation })) throw new GoneError(`certificate ${id} has been revoked and is no longer available`);
    const refusal = downloadRefusal(row.course, downloader, new Date());
    if (refusal) throw new ForbiddenError(refusal);
    const visibility = effectiveVisibility(row.visibility, this.config.sharing.defaultVisibility);
    if (downloader === 'public' && visibility !== 'public') throw new ForbiddenError('the learner keeps this certificate private: its verification page gives the verdict');
    const credential = JSON.parse(Buffer.from(row.jws.split('.')[1], 'base64url').toString('utf8')) as AchievementCredential;
    return { row, jws: row.jws, credential, visibility, verifyUrl: verifyPageUrl(this.config.http.publicUrl, id) };
  }

  private cached(key: string, render: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    return render().then((doc) => {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, doc);
      return doc;
    });
  }

  async credentialJwt(id: string, downloader: Downloader): Promise<string> {
    return (await this.issued(id, downloader)).jws;
  }

  /**
   * Drawn from the signed credential itself, never from the database fields, so they cannot disagree,
   * in the template the certificate was issued with: a later template change (recorded with its old
   * value) never re-renders an issued certificate; a regeneration (a new issuance) takes the new one.
   */
  async pdf(id: string, downloader: Downloader): Promise<Buffer> {
    const { jws, credential, verifyUrl, row } = await this.issued(id, downloader);
    const atIssuance = await this.courseChanges.templateAtIssuance(id);
    const template = ((atIssuance ? atIssuance.template : row.certificateTemplate) ?? {}) as Partial<CertificateTemplate>;
    const key = `pdf:${id}:${createHash('sha256').update(jws).update(JSON.stringify(template)).digest('base64url')}`;
    return this.cached(key, () => renderCertificatePdf({ credential, jws, verifyUrl, template }));
  }

  async badge(id: string, downloader: Downloader): Promise<Buffer> {
    const { jws, verifyUrl } = await this.issued(id, downloader);
    return this.cached(`png:${id}:${createHash('sha256').update(jws).digest('base64url')}`, () => renderBadge(verifyUrl, jws));
  }

  /**
   * The public link, the LinkedIn link, the download links and who may download from the public
   * link. The pages call it without a downloader, only where the display rules already offer the
   * download to the learner.
   */
  async share(id: string, downloader: Downloader = 'staff') {
    const { credential, verifyUrl, visibility } = await this.issued(id, downloader);
    const issued = new Date(credential.validFrom);
    const linkedIn = new URL('https://www.linkedin.com/profile/add');
    linkedIn.search = new URLSearchParams({
      startTask: 'CERTIFICATION_NAME',
      name: credential.credentialSubject.achievement.name,
      organizationName: credential.issuer.name,
      issueYear: String(issued.getUTCFullYear()),
      issueMonth: String(issued.getUTCMonth() + 1),
      certUrl: verifyUrl,
      certId: id,
    }).toString();
    return { verifyUrl, linkedInUrl: linkedIn.toString(), ...certificateFileUrls(this.config.http.publicUrl, id), visibility };
  }

  /**
   * What a certificate of this course will say, for the course team to check before issuing:
   * the credential content with a specimen learner, unsigned and marked so it can never verify.
   */
  async specimen(courseId: string) {
    const course = await this.courses.findCourse(courseId);
    if (!course) throw new NotFoundError('course', courseId);
    const credential = buildAchievementCredential({
      certificateId: '00000000-0000-4000-8000-000000000000',
      publicUrl: this.config.http.publicUrl,
      issuerName: this.config.signing.issuerName,
      issuerDidWeb: this.config.signing.issuerDidWeb,
      course: { id: course.id, title: course.title, passingGrade: course.passingGrade.toNumber() },
      learner: { id: 'specimen', name: 'SPECIMEN LEARNER' },
      issuedAt: new Date(),
      grade: course.certificateShowsGrade ? 0.9 : undefined,
    });
    return { specimen: true, verifiable: false, note: 'SPECIMEN: not signed, not issued, cannot be verified', credential, template: course.certificateTemplate };
  }

  /** The same, as the PDF the learners will get: watermarked, no QR code, no credential. */
  async specimenPdf(courseId: string): Promise<Buffer> {
    const { credential, template } = await this.specimen(courseId);
    return renderCertificatePdf({ credential, jws: null, verifyUrl: null, specimen: true, template: (template ?? {}) as Partial<CertificateTemplate> });
  }
}
