import { ApiZodResponse } from '../common/openapi';
import * as R from '../common/response-schemas';
import { Access } from '../auth/access';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppConfig } from '../../../shared/config';
import { MALFORMED_STEPS, MAX_TOKEN_LENGTH } from '../../../shared/credentials/verify-credential';
import { certificateIdParam } from '../certificates/certificates.schemas';
import { PayloadTooLargeError, ValidationError } from '../common/errors';
import { CONFIG } from '../common/tokens';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { UnreadableImageError } from '../../../shared/documents/baked-badge';
import { extractCredential } from '../../../shared/documents/extract-credential';
import { renderVerificationPage } from './verification-page';
import { VerificationService, type VerificationResult } from './verification.service';

const presentedSchema = z.object({ credential: z.string().min(1, 'paste the compact JWS') }).strict();

/** The credential in an uploaded document; a PNG that cannot be read is a 400 that says why. */
function readDocument(bytes: Buffer): string | null {
  try {
    return extractCredential(bytes);
  } catch (error) {
    if (error instanceof UnreadableImageError) throw new ValidationError([{ field: 'body', message: error.message }]);
    throw error;
  }
}

/**
 * valid → 200; revoked → 410; superseded (genuine, but a newer credential replaced it) → 409; a
 * well-formed token that fails a check → 422; not a token → 400.
 */
function statusFor(result: VerificationResult): number {
  if (result.verdict === 'valid') return 200;
  if (result.verdict === 'revoked') return 410;
  if (result.verdict === 'superseded') return 409;
  if (result.verdict === 'not_found') return 404;
  return result.failed && MALFORMED_STEPS.has(result.failed) ? 400 : 422;
}

@ApiTags('verification')
@Access.public()
@Controller('verify')
export class VerificationController {
  constructor(
    private readonly verification: VerificationService,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /** Public: the link in the certificate's QR code. HTML for people, JSON when asked for. */
  @ApiZodResponse(200, R.verificationResponse, 'JSON when asked with Accept: application/json, else the HTML page. 410 when revoked, 404 when unknown or not yet shown to its learner by the display behaviour (the record check says when it will be). A valid certificate its learner shares publicly lists its PDF, baked badge and signed credential (`downloads`; links on the page), which anyone may download.')
  @Get(':certificateId')
  async verify(
    @Param('certificateId', new ZodValidationPipe(certificateIdParam, 'path.certificateId')) id: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const result = await this.verification.verifyCertificate(id);
    res.status(result.verdict === 'not_found' ? 404 : 200);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Vary', 'Accept');
    if (req.accepts(['html', 'json']) === 'html') {
      res.type('html').send(renderVerificationPage(result, this.config.signing.issuerName));
    } else {
      res.json(result);
    }
  }

  /**
   * Anyone may present a credential: JSON `{ credential }`, the bare JWS (text/plain,
   * application/jwt), or the certificate PDF / baked badge PNG itself. Every check is listed.
   */
  @ApiZodResponse(200, R.verificationResponse, 'Valid. The same body comes with 410 (revoked), 409 (superseded: a newer credential replaced it, see `current`) and 422 (a check failed); the HTML page when asked with Accept: text/html.')
  @Post()
  @HttpCode(200)
  @ApiBody({ schema: { type: 'object', properties: { credential: { type: 'string', description: 'compact JWS' } } } })
  async verifyPresented(@Body() body: unknown, @Req() req: Request, @Res() res: Response) {
    let token: string;
    if (Buffer.isBuffer(body)) {
      const extracted = readDocument(body);
      if (!extracted) throw new ValidationError([{ field: 'body', message: 'no credential found in the document (expected a certificate PDF or a baked badge PNG)' }]);
      token = extracted;
    } else if (typeof body === 'string') token = body;
    else token = new ZodValidationPipe(presentedSchema).transform(body).credential;
    if (token.length > MAX_TOKEN_LENGTH) throw new PayloadTooLargeError(`a credential is at most ${MAX_TOKEN_LENGTH} characters`);
    if (!token.trim()) throw new ValidationError([{ field: 'body', message: 'paste the compact JWS' }]);
    const result = await this.verification.verifyToken(token);
    res.status(statusFor(result)).setHeader('Cache-Control', 'no-store').setHeader('Vary', 'Accept');
    if (req.accepts(['json', 'html']) === 'html') res.type('html').send(renderVerificationPage(result, this.config.signing.issuerName));
    else res.json(result);
  }
}
