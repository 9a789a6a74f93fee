import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '../../../../prisma/generated/client';
import type { AppConfig } from '../../../shared/config';
import type { Database } from '../../../shared/database';
import { verifyPageUrl } from '../../../shared/domain/public-urls';
import { ConflictError, NotFoundError } from '../common/errors';
import { CONFIG, DATABASE } from '../common/tokens';
import type { InvalidateCertificateDto, ReinstateCertificateDto } from './certificates.schemas';

@Injectable()
export class CertificatesService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * One certificate with its invalidation history. The learner's view leaves out the course
   * team's internal notes and who did what: staff usernames are not theirs to see.
   */
  async getCertificate(id: string, view: 'staff' | 'learner' = 'staff') {
    const c = await this.db.certificate.findUnique({
      where: { id },
      include: {
        learner: { select: { name: true } },
        course: { select: { title: true } },
        invalidations: { orderBy: { createdAt: 'desc' } },
      },
    });
    if (!c) throw new NotFoundError('certificate', id);
    return {
      id: c.id,
      courseId: c.courseId,
      courseTitle: c.course.title,
      learnerId: c.learnerId,
      learnerName: c.learner.name,
      status: c.status,
      grade: c.grade?.toNumber() ?? null,
      issuedAt: c.issuedAt?.toISOString() ?? null,
      verifyUrl: verifyPageUrl(this.config.http.publicUrl, c.id),
      invalidations: c.invalidations.map((i) => {
        const seen = { id: i.id, publicReason: i.publicReason, invalidatedAt: i.createdAt.toISOString(), active: i.active, reinstatedAt: i.reinstatedAt?.toISOString() ?? null };
        return view === 'staff' ? { ...seen, notes: i.notes, invalidatedBy: i.invalidatedBy, reinstatedBy: i.reinstatedBy } : seen;
      }),
    };
  }

  /** Revokes a certificate; its public link then answers "revoked" with the date and the public reason (never the notes). */
  async invalidateCertificate(id: string, dto: InvalidateCertificateDto & { invalidatedBy: string }) {
    const certificate = await this.db.certificate.findUnique({ where: { id }, select: { status: true } });
    if (!certificate) throw new NotFoundError('certificate', id);
    if (certificate.status !== 'downloadable') throw new ConflictError(`certificate ${id} was never issued (status ${certificate.status})`);
    const created = await this.db.invalidation
      .create({ data: { certificateId: id, notes: dto.notes, publicReason: dto.publicReason ?? null, invalidatedBy: dto.invalidatedBy } })
      .catch((error: unknown) => {
        // The database allows one active invalidation per certificate: of concurrent requests, one wins.
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
          throw new ConflictError(`certificate ${id} is already invalidated`);
        }
        throw error;
      });
    return {
      id: created.id,
      certificateId: id,
      notes: created.notes,
      publicReason: created.publicReason,
      invalidatedBy: created.invalidatedBy,
      invalidatedAt: created.createdAt.toISOString(),
      active: true,
    };
  }

  /** Lifts the active invalidation; the same public link answers "valid" again. */
  async reinstateCertificate(id: string, dto: ReinstateCertificateDto & { reinstatedBy: string }) {
    const exists = await this.db.certificate.findUnique({ where: { id }, select: { id: true } });
    if (!exists) throw new NotFoundError('certificate', id);
    const { count } = await this.db.invalidation.updateMany({
      where: { certificateId: id, active: true },
      data: { active: false, reinstatedBy: dto.reinstatedBy, reinstatedAt: new Date() },
    });
    if (count === 0) throw new ConflictError(`certificate ${id} is not invalidated`);
    return this.getCertificate(id);
  }
}
