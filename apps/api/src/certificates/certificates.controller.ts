import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
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

@Controller('certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get(':certificateId')
  get(@Param('certificateId', certificateId) id: string) {
    return this.certificates.getCertificate(id);
  }

  @Post(':certificateId/invalidations')
  invalidate(
    @Param('certificateId', certificateId) id: string,
    @Body(new ZodValidationPipe(invalidateCertificateSchema)) dto: InvalidateCertificateDto,
  ) {
    return this.certificates.invalidateCertificate(id, dto);
  }

  @Post(':certificateId/reinstatement')
  @HttpCode(200)
  reinstate(
    @Param('certificateId', certificateId) id: string,
    @Body(new ZodValidationPipe(reinstateCertificateSchema)) dto: ReinstateCertificateDto,
  ) {
    return this.certificates.reinstateCertificate(id, dto);
  }
}
