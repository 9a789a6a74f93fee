import * as R from '../common/response-schemas';
import { actorOf, CurrentPrincipal } from '../auth/current-principal';
import type { Principal } from '../auth/principal';
import type { Downloader } from '../../../shared/domain/certificate-downloads';
import { Access } from '../auth/access';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import { ApiFileResponse, ApiZodBody, ApiZodResponse } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  certificateIdParam,
  invalidateCertificateSchema,
  reinstateCertificateSchema,
  setVisibilitySchema,
  type InvalidateCertificateDto,
  type ReinstateCertificateDto,
  type SetVisibilityDto,
} from './certificates.schemas';
import { CertificatesService } from './certificates.service';
import { ApiCredentialResponse, negotiateCredentialType } from './credential-response';
import { DocumentsService } from './documents.service';

const certificateId = new ZodValidationPipe(certificateIdParam, 'path.certificateId');

/**
 * The access guard let through the certificate's learner, the course's staff, or (no principal)
 * anyone, because its learner shares it publicly: which one is it.
 */
const downloaderOf = (principal: Principal | null): Downloader => (principal === null ? 'public' : principal.kind === 'learner' ? 'learner' : 'staff');
const LEARNER_GATE = ' Its learner gets 403 with the reason while certificates are not enabled or before the display behaviour shows them; course staff may always download.';
const SHARED = ' Anyone, signed in or not, may download it while its learner shares it publicly (visibility public) and could download it themselves; otherwise 401/403.';

@ApiTags('certificates')
@Controller('certificates')
export class CertificatesController {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly documents: DocumentsService,
  ) {}

  @Access.certificate({ owner: true, shared: true })
  @ApiCredentialResponse(`The signed credential (compact JWS).${LEARNER_GATE}${SHARED}`)
  @Get(':certificateId/credential.jwt')
  async credential(@Param('certificateId', certificateId) id: string, @CurrentPrincipal() principal: Principal | null, @Headers('accept') accept: string | undefined, @Res() res: Response) {
    const jws = await this.documents.credentialJwt(id, downloaderOf(principal));
    res.type(negotiateCredentialType(res, jws, accept)).setHeader('Content-Disposition', `attachment; filename="certificate-${id}.jwt"`).send(jws);
  }

  @Access.certificate({ owner: true, shared: true })
  @ApiFileResponse('application/pdf', `The certificate PDF with its QR code and the credential attached.${LEARNER_GATE}${SHARED}`)
  @Get(':certificateId/certificate.pdf')
  async pdf(@Param('certificateId', certificateId) id: string, @CurrentPrincipal() principal: Principal | null, @Res() res: Response) {
    const pdf = await this.documents.pdf(id, downloaderOf(principal));
    res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="certificate-${id}.pdf"`).send(pdf);
  }

  @Access.certificate({ owner: true, shared: true })
  @ApiFileResponse('image/png', `The baked Open Badges 3.0 PNG.${LEARNER_GATE}${SHARED}`)
  @Get(':certificateId/badge.png')
  async badge(@Param('certificateId', certificateId) id: string, @CurrentPrincipal() principal: Principal | null, @Res() res: Response) {
    const png = await this.documents.badge(id, downloaderOf(principal));
    res.type('image/png').setHeader('Content-Disposition', `inline; filename="badge-${id}.png"`).send(png);
  }

  /** The stable public link and an "Add to LinkedIn profile" link. */
  @Access.certificate({ owner: true })
  @ApiZodResponse(200, R.shareResponse, `Public link, LinkedIn link, download links and the visibility in force.${LEARNER_GATE}`)
  @Get(':certificateId/share')
  share(@Param('certificateId', certificateId) id: string, @CurrentPrincipal() principal: Principal | null) {
    return this.documents.share(id, downloaderOf(principal));
  }

  /** Course staff may read the learner's choice; only the learner changes it. */
  @Access.certificate({ owner: true })
  @ApiZodResponse(200, R.visibilityResponse, "Who may download the certificate's files from its public link: the learner's choice, else the issuer's default.")
  @Get(':certificateId/visibility')
  getVisibility(@Param('certificateId', certificateId) id: string) {
    return this.certificates.getVisibility(id);
  }

  @Access.certificateOwner()
  @ApiZodResponse(200, R.visibilityResponse, 'The visibility, now in force. It stays across regenerations of the certificate.')
  @Put(':certificateId/visibility')
  @ApiZodBody(
    setVisibilitySchema,
    "The learner's choice: `public` lets anyone with the certificate's link download its PDF, baked badge and signed credential; `private` leaves the verification page's verdict only. Only the learner decides: course staff and administrators get 403.",
  )
  setVisibility(@Param('certificateId', certificateId) id: string, @Body(new ZodValidationPipe(setVisibilitySchema)) dto: SetVisibilityDto) {
    return this.certificates.setVisibility(id, dto);
  }

  @Access.certificate({ owner: true })
  @ApiZodResponse(200, R.certificateResponse, 'The certificate and its invalidation history (notes and who did what: course staff only).')
  @Get(':certificateId')
  get(@Param('certificateId', certificateId) id: string, @CurrentPrincipal() principal: Principal | null) {
    return this.certificates.getCertificate(id, principal?.kind === 'learner' ? 'learner' : 'staff');
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
