import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { Access } from '../auth/access';
import { certificateIdParam } from '../certificates/certificates.schemas';
import { ApiZodBody, ApiZodResponse } from '../common/openapi';
import * as R from '../common/response-schemas';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { WalletErrorFilter, WalletProtocolError } from './wallet-errors';
import { createWalletOfferSchema, credentialRequestSchema, tokenRequestSchema, type CreateWalletOfferDto } from './wallet.schemas';
import { WalletService } from './wallet.service';

/** Parses a wallet's request against a schema; a bad one is the spec's error, never our usual body. */
function parse<S extends z.ZodType>(schema: S, value: unknown, error: string): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new WalletProtocolError(400, error, `${issue.path.map(String).join('.') || 'body'}: ${issue.message}`.slice(0, 300));
}

/** The learner's "Add to wallet": a single-use offer of their certificate. */
@ApiTags('wallet')
@Controller('certificates')
export class WalletOffersController {
  constructor(private readonly wallet: WalletService) {}

  @Access.certificateOwner()
  @Post(':certificateId/wallet-offers')
  @ApiZodBody(createWalletOfferSchema, '`txCode` (default true): whether the wallet must also ask for the 6-digit transaction code shown beside the QR code.')
  @ApiZodResponse(
    201,
    R.walletOfferResponse,
    'Only the learner it was issued to, when they may download it (403 with the reason otherwise, 410 once revoked). The OpenID4VCI credential offer (pre-authorized code, single use, valid WALLET_OFFER_TTL), its openid-credential-offer:// link, a QR code of that link (PNG data URL) and the transaction code (unless `txCode: false`), which is not in the link.',
  )
  createOffer(
    @Param('certificateId', new ZodValidationPipe(certificateIdParam, 'path.certificateId')) id: string,
    @Body(new ZodValidationPipe(createWalletOfferSchema)) dto: CreateWalletOfferDto,
  ) {
    return this.wallet.createOffer(id, dto);
  }
}

/** What a wallet reads first (OpenID4VCI 1.0 §12.2, RFC 8414). */
@ApiTags('wallet')
@Access.public()
@UseFilters(WalletErrorFilter)
@Controller('.well-known')
export class WalletMetadataController {
  constructor(private readonly wallet: WalletService) {}

  @Get('openid-credential-issuer')
  @ApiZodResponse(200, R.credentialIssuerMetadataResponse, 'Credential Issuer Metadata (OpenID4VCI 1.0 §12.2): endpoints and the one credential configuration, OpenBadgeCredential_jwt_vc_json.')
  credentialIssuer(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'public, max-age=300');
    return this.wallet.credentialIssuerMetadata();
  }

  @Get('oauth-authorization-server')
  @ApiZodResponse(200, R.authorizationServerMetadataResponse, 'Authorization Server Metadata (RFC 8414): the token endpoint and the pre-authorized code grant, anonymous access.')
  authorizationServer(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'public, max-age=300');
    return this.wallet.authorizationServerMetadata();
  }
}

/** The endpoints a wallet calls; every error is `{ error, error_description }` as the specs say. */
@ApiTags('wallet')
@Access.public()
@UseFilters(WalletErrorFilter)
@Controller('oid4vci')
export class WalletIssuanceController {
  constructor(private readonly wallet: WalletService) {}

  /** application/x-www-form-urlencoded (RFC 6749 §4.1.3). */
  @Post('token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Token endpoint (OpenID4VCI 1.0 §6): a pre-authorized code, once, for an access token' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiZodBody(tokenRequestSchema, 'grant_type urn:ietf:params:oauth:grant-type:pre-authorized_code, the offer\'s pre-authorized_code, and tx_code exactly when the offer asked for one.')
  @ApiZodResponse(200, R.walletTokenResponse, 'An access token for the credential endpoint, valid 5 minutes. Cache-Control: no-store.')
  @ApiZodResponse(
    400,
    R.oauthErrorResponse,
    'invalid_grant: unknown, expired or used code, or a wrong tx_code (5 wrong codes spend the offer); invalid_request: a missing field, or a tx_code sent when the offer asked for none (or none sent when it asked for one); unsupported_grant_type.',
  )
  @ApiZodResponse(500, R.oauthErrorResponse, 'server_error: unexpected.')
  token(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    if (!req.is('application/x-www-form-urlencoded')) throw new WalletProtocolError(400, 'invalid_request', 'the token request must be application/x-www-form-urlencoded');
    return this.wallet.token(parse(tokenRequestSchema, req.body, 'invalid_request'));
  }

  @Post('nonce')
  @HttpCode(200)
  @ApiOperation({ summary: 'Nonce endpoint (OpenID4VCI 1.0 §7): a fresh c_nonce for the proof; no request body' })
  @ApiZodResponse(200, R.walletNonceResponse, 'A single-use c_nonce, valid 5 minutes. Cache-Control: no-store.')
  @ApiZodResponse(400, R.oauthErrorResponse, 'Not answered in practice: the request has no parameters.')
  @ApiZodResponse(500, R.oauthErrorResponse, 'server_error: unexpected.')
  nonce(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    return this.wallet.nonce();
  }

  /** Bearer access token from the token endpoint; a JWT proof of the holder's key. */
  @Post('credential')
  @HttpCode(200)
  @ApiOperation({ summary: 'Credential endpoint (OpenID4VCI 1.0 §8): the certificate as a credential bound to the wallet\'s key; Authorization: Bearer <access token from /oid4vci/token>' })
  @ApiZodBody(credentialRequestSchema, 'credential_configuration_id OpenBadgeCredential_jwt_vc_json and one JWT proof (typ openid4vci-proof+jwt, aud the credential issuer, nonce a c_nonce from /oid4vci/nonce) in proofs.jwt.')
  @ApiZodResponse(200, R.walletCredentialResponse, 'The copy: its own urn:uuid id, the subject the DID of the proof key, the certificate\'s credentialStatus. Cache-Control: no-store.')
  @ApiZodResponse(
    400,
    R.oauthErrorResponse,
    'invalid_credential_request, unknown_credential_configuration, invalid_proof, invalid_nonce (unknown, expired or used c_nonce: fetch another), credential_request_denied (the certificate was revoked or is no longer downloadable).',
  )
  @ApiZodResponse(401, R.oauthErrorResponse, 'invalid_token: no access token, or an unknown or expired one (WWW-Authenticate: Bearer).')
  @ApiZodResponse(500, R.oauthErrorResponse, 'server_error: unexpected.')
  async credential(@Req() req: Request, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    const certificateId = await this.wallet.authorize(req.get('authorization'));
    if (!req.is('application/json')) throw new WalletProtocolError(400, 'invalid_credential_request', 'the credential request must be application/json');
    return this.wallet.credential(certificateId, parse(credentialRequestSchema, body, 'invalid_credential_request'));
  }
}
