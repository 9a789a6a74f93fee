import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiZodBody } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  certificateIdParam,
  invalidateCertificateSchema,
  reinstateCertificateSchema,
  type InvalidateCertificateDto,
  type ReinstateCertificateDto,
} from './certificates.schemas';
import { CertificatesService } from './certificates.service';

const certificateId = new ZodValidationPipe(certificateIdParam, 'path.certificateId');

@ApiTags('certificates')
@Controller('certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get(':certificateId')
  get(@Param('certificateId', certificateId) id: string) {
    return this.certificates.getCertificate(id);
  }

  @Post(':certificateId/invalidations')
  @ApiZodBody(invalidateCertificateSchema, 'Revokes the certificate; its public link then answers revoked.')
  invalidate(
    @Param('certificateId', certificateId) id: string,
    @Body(new ZodValidationPipe(invalidateCertificateSchema)) dto: InvalidateCertificateDto,
  ) {
    return this.certificates.invalidateCertificate(id, dto);
  }

  @Post(':certificateId/reinstatement')
  @ApiZodBody(reinstateCertificateSchema, 'Lifts the active invalidation.')
  @HttpCode(200)
  reinstate(
    @Param('certificateId', certificateId) id: string,
    @Body(new ZodValidationPipe(reinstateCertificateSchema)) dto: ReinstateCertificateDto,
  ) {
    return this.certificates.reinstateCertificate(id, dto);
  }
}
