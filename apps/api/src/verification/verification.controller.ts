import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { certificateIdParam } from '../certificates/certificates.schemas';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { VerificationService } from './verification.service';

@ApiTags('verification')
@Controller('verify')
export class VerificationController {
  constructor(private readonly verification: VerificationService) {}

  /** Public: the link printed in the certificate's QR code. */
  @Get(':certificateId')
  async verify(
    @Param('certificateId', new ZodValidationPipe(certificateIdParam, 'path.certificateId')) id: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.verification.verifyCertificate(id);
    res.status(result.verdict === 'not_found' ? 404 : 200);
    res.setHeader('Cache-Control', 'no-store');
    return result;
  }
}
