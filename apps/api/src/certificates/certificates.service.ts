import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../../shared/config';
import { effectiveVisibility } from '../../../shared/domain/certificate-sharing';
import type { CertificateVisibility } from '../../../shared/domain/enums';
import { verifyPageUrl } from '../../../shared/domain/public-urls';
import { CertificatesRepository, InvalidationsRepository } from '../../../shared/repositories';
import { ConflictError, NotFoundError } from '../common/errors';
import { CONFIG } from '../common/tokens';
import type { InvalidateCertificateDto, ReinstateCertificateDto, SetVisibilityDto } from './certificates.schemas';

@Injectable()
export class CertificatesService {
  constructor(
    private readonly certificates: CertificatesRepository,
    private readonly invalidations: InvalidationsRepository,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * One certificate with its invalidation history. The learner's view leaves out the course
   * team's internal notes and who did what: staff usernames are not theirs to see.
   */
  async getCertificate(id: string, view: 'staff' | 'learner' = 'staff') {
    const c = await this.certificates.findWithHistory(id);
    if (!c) throw new NotFoundError('certificate', id);
    return {
      id: c.id,
      courseId: c.courseId,
      courseTitle: c.courseTitle,
      learnerId: c.learnerId,
      learnerName: c.learnerName,
      status: c.status,
      grade: c.grade,
      issuedAt: c.issuedAt?.toISOString() ?? null,
      verifyUrl: verifyPageUrl(this.config.http.publicUrl, c.id),
      visibility: effectiveVisibility(c.visibility, this.config.sharing.defaultVisibility),
      invalidations: c.invalidations.map((i) => {
        const seen = { id: i.id, publicReason: i.publicReason, invalidatedAt: i.invalidatedAt.toISOString(), active: i.active, reinstatedAt: i.reinstatedAt?.toISOString() ?? null };
        return view === 'staff' ? { ...seen, notes: i.notes, invalidatedBy: i.invalidatedBy, reinstatedBy: i.reinstatedBy } : seen;
      }),
    };
  }

  /** Who may download the certificate's files from its public link, and whether its learner chose it. */
  async getVisibility(id: string) {
    const sharing = await this.certificates.findSharing(id);
    if (!sharing) throw new NotFoundError('certificate', id);
    return this.visibilityOf(id, sharing.visibility);
  }

  /**
   * The learner's choice, kept across regenerations (the row is rewritten in place). Any certificate
   * of theirs, issued or not yet: the choice applies once it is issued and shown to them.
   */
  async setVisibility(id: string, dto: SetVisibilityDto) {
    if (!(await this.certificates.setVisibility(id, dto.visibility))) throw new NotFoundError('certificate', id);
    return this.visibilityOf(id, dto.visibility);
  }

  private visibilityOf(certificateId: string, learnerChoice: CertificateVisibility | null) {
    const issuerDefault = this.config.sharing.defaultVisibility;
    return { certificateId, visibility: effectiveVisibility(learnerChoice, issuerDefault), learnerChoice, issuerDefault };
  }

  /** Revokes a certificate; its public link then answers "revoked" with the date and the public reason (never the notes). */
  async invalidateCertificate(id: string, dto: InvalidateCertificateDto & { invalidatedBy: string }) {
    const status = await this.certificates.findStatus(id);
    if (!status) throw new NotFoundError('certificate', id);
    if (status !== 'downloadable') throw new ConflictError(`certificate ${id} was never issued (status ${status})`);
    const created = await this.invalidations.invalidate({ certificateId: id, notes: dto.notes, publicReason: dto.publicReason ?? null, invalidatedBy: dto.invalidatedBy });
    // The database allows one active invalidation per certificate: of concurrent requests, one wins.
    if (!created) throw new ConflictError(`certificate ${id} is already invalidated`);
    return {
      id: created.id,
      certificateId: id,
      notes: created.notes,
      publicReason: created.publicReason,
      invalidatedBy: created.invalidatedBy,
      invalidatedAt: created.invalidatedAt.toISOString(),
      active: true,
    };
  }

  /** Lifts the active invalidation; the same public link answers "valid" again. */
  async reinstateCertificate(id: string, dto: ReinstateCertificateDto & { reinstatedBy: string }) {
    if (!(await this.certificates.exists(id))) throw new NotFoundError('certificate', id);
    if (!(await this.invalidations.reinstate(id, dto.reinstatedBy))) throw new ConflictError(`certificate ${id} is not invalidated`);
    return this.getCertificate(id);
  }
}
