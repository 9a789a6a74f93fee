import { ApiZodResponse } from '../common/openapi';
import * as R from '../common/response-schemas';
import { Access } from '../auth/access';
import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import type { AppConfig } from '../../../shared/config';
import { credentialIssuerId } from '../../../shared/credentials/issuer';
import { keyUrl, publicJwks, type KeySet } from '../../../shared/credentials/signing-keys';
import { NotFoundError } from '../common/errors';
import { CONFIG, KEY_SET } from '../common/tokens';
import { ZodValidationPipe } from '../common/zod-validation.pipe';

const CACHE = 'public, max-age=300';

/** Our public keys and issuer profile: what any verifier needs, without trusting our database. */
@ApiTags('keys')
@Access.public()
@Controller()
export class KeysController {
  constructor(
    @Inject(KEY_SET) private readonly keys: KeySet,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  private withUrls() {
    return publicJwks(this.keys).keys.map((jwk) => ({ ...jwk, kid: keyUrl(this.config.http.publicUrl, jwk.kid!) }));
  }

  @ApiZodResponse(200, R.jwksResponse, 'Our public keys.')
  @Get('.well-known/jwks.json')
  jwks(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', CACHE);
    return { keys: this.withUrls() };
  }

  /** The kid of every credential: the bare public JWK. */
  @ApiZodResponse(200, R.jwkResponse, 'One public key (the kid of credentials).')
  @Get('keys/:thumbprint')
  key(@Param('thumbprint', new ZodValidationPipe(z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a key thumbprint'), 'path.thumbprint')) thumbprint: string, @Res({ passthrough: true }) res: Response) {
    const key = this.withUrls().find((k) => k.kid === keyUrl(this.config.http.publicUrl, thumbprint));
    if (!key) throw new NotFoundError('key', thumbprint);
    res.setHeader('Cache-Control', CACHE);
    return key;
  }

  /** The issuer Profile, served at its id. */
  @ApiZodResponse(200, R.issuerResponse, 'The issuer Profile.')
  @Get('issuer')
  issuer(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', CACHE);
    return {
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
      // The id credentials name as issuer: our did:web DID when ISSUER_DID_WEB is on.
      id: credentialIssuerId({ publicUrl: this.config.http.publicUrl, didWeb: this.config.signing.issuerDidWeb }),
      type: ['Profile'],
      name: this.config.signing.issuerName,
      url: this.config.http.publicUrl,
    };
  }
}
