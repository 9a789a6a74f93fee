import * as R from '../common/response-schemas';
import { actorOf, CurrentPrincipal } from '../auth/current-principal';
import type { Principal } from '../auth/principal';
import type { Downloader } from '../../../shared/domain/certificate-downloads';
import { Access } from '../auth/access';
import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import { ApiFileResponse, ApiZodBody, ApiZodResponse } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  certificateIdParam,
  invalidateCertificateSchema,
  reinstateCertificateSchema,
  type InvalidateCertificateDto,
  type ReinstateCertificateDto,
} from './certificates.schemas';
import { CertificatesService } from './certificates.service';
import { DocumentsService } from './documents.service';

const certificateId = new ZodValidationPipe(certificateIdParam, 'path.certificateId');

/** The access guard let through the certificate's learner or the course's staff: which one is it. */
const downloaderOf = (principal: Principal | null): Downloader => (principal?.kind === 'learner' ? 'learner' : 'staff');
const LEARNER_GATE = ' Its learner gets 403 with the reason while certificates are not enabled or before the display behaviour shows them; course staff may always download.';

@ApiTags('certificates')
@Controller('certificates')
export class CertificatesController {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly documents: DocumentsService,
  ) {}

  @Access.certificate({ owner: true })
  @ApiFileResponse('application/vc+jwt', `The signed credential (compact JWS).${LEARNER_GATE}`)
  @Get(':certificateId/credential.jwt')
  async credential(@Param('certificateId', certificateId) id: string, @CurrentPrincipal() principal: Principal | null, @Res() res: Response) {
    const jws = await this.documents.credentialJwt(id, downloaderOf(principal));
    res.type('application/vc+jwt').setHeader('Content-Disposition', `attachment; filename="certificate-${id}.jwt"`).send(jws);
  }

  @Access.certificate({ owner: true })
  @ApiFileResponse('application/pdf', `The certificate PDF with its QR code and the credential attached.${LEARNER_GATE}`)
  @Get(':certificateId/certificate.pdf')
  async pdf(@Param('certificateId', certificateId) id: string, @CurrentPrincipal() principal: Principal | null, @Res() res: Response) {
    const pdf = await this.documents.pdf(id, downloaderOf(principal));
    res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="certificate-${id}.pdf"`).send(pdf);
  }

  @Access.certificate({ owner: true })
  @ApiFileResponse('image/png', `The baked Open Badges 3.0 PNG.${LEARNER_GATE}`)
  @Get(':certificateId/badge.png')
  async badge(@Param('certificateId', certificateId) id: string, @CurrentPrincipal() principal: Principal | null, @Res() res: Response) {
    const png = await this.documents.badge(id, downloaderOf(principal));
    res.type('image/png').setHeader('Content-Disposition', `inline; filename="badge-${id}.png"`).send(png);
  }

  /** The stable public link and an "Add to LinkedIn profile" link. */
  @Access.certificate({ owner: true })
  @ApiZodResponse(200, R.shareResponse, `Public link, LinkedIn link and download links.${LEARNER_GATE}`)
  @Get(':certificateId/share')
  share(@Param('certificateId', certificateId) id: string, @CurrentPrincipal() principal: Principal | null) {
    return this.documents.share(id, downloaderOf(principal));
  }

  @Access.certificate({ owner: true })
  @ApiZodResponse(200, R.certificateResponse, 'The certificate and its invalidation history (notes and who did what: course staff only).')
  @Get(':certificateId')
  get(@Param('certificateId', certificateId) id: string, @CurrentPrincipal() principal: Principal | null) {
    return this.certificates.getCertificate(id, downloaderOf(principal));
  }

  @Access.certificate({ owner: false })
  @ApiZodResponse(201, R.invalidationCreatedResponse, 'The invalidation.')
  @Post(':certificateId/invalidations')
  @ApiZodBody(invalidateCertificateSchema, 'Revokes the certificate; its public link then answers revoked with `publicReason` (or a generic sentence). `notes` stay internal.')
  invalidate(
    @Param('certificateId', certificateId) id: string,
    @Body(new ZodValidationPipe(invalidateCertificateSchema)) dto: InvalidateCertificateDto,
    @CurrentPrincipal() principal: Principal | null,
  ) {
    return this.certificates.invalidateCertificate(id, { ...dto, invalidatedBy: actorOf(principal, dto.invalidatedBy, 'body.invalidatedBy') });
  }

  @Access.certificate({ owner: false })
  @ApiZodResponse(200, R.certificateResponse, 'The certificate, valid again.')
  @Post(':certificateId/reinstatement')
  @ApiZodBody(reinstateCertificateSchema, 'Lifts the active invalidation.')
  @HttpCode(200)
  reinstate(
    @Param('certificateId', certificateId) id: string,
    @Body(new ZodValidationPipe(reinstateCertificateSchema)) dto: ReinstateCertificateDto,
    @CurrentPrincipal() principal: Principal | null,
  ) {
    return this.certificates.reinstateCertificate(id, { ...dto, reinstatedBy: actorOf(principal, dto.reinstatedBy, 'body.reinstatedBy') });
  }
}
