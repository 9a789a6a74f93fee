import { Controller, Get, Inject, NotAcceptableException, Req, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppConfig } from '../../../shared/config';
import { didDocumentPath, didWeb } from '../../../shared/credentials/issuer';
import { publicJwks, type KeySet } from '../../../shared/credentials/signing-keys';
import { Access } from '../auth/access';
import { NotFoundError } from '../common/errors';
import * as R from '../common/response-schemas';
import { CONFIG, KEY_SET } from '../common/tokens';

const CACHE = 'public, max-age=300';
const MEDIA_TYPES = ['application/did+json', 'application/json'];
/**
 * JsonWebKey2020 (with its jws-2020 context) rather than the newer JsonWebKey: it is the JWK
 * verification method type that did-resolver's consumers (did-jwt, Veramo) accept for ES256 and EdDSA.
 */
const CONTEXTS = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'];

const documented = z.toJSONSchema(R.didDocumentResponse, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
delete documented.$schema;
const DocumentedDidDocument = () =>
  ApiResponse({
    status: 200,
    description: 'Our did:web DID document (only when ISSUER_DID_WEB is on; 404 otherwise). Served at /.well-known/did.json, or at /did.json when PUBLIC_URL has a path.',
    content: Object.fromEntries(MEDIA_TYPES.map((type) => [type, { schema: documented }])),
  });

/**
 * Our did:web DID document (ISSUER_DID_WEB): every published key, active and retired, as a
 * verification method of the DID, so did:web resolvers find the key a credential's kid names.
 */
@ApiTags('keys')
@Access.public()
@Controller()
export class DidDocumentController {
  constructor(
    @Inject(KEY_SET) private readonly keys: KeySet,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  @DocumentedDidDocument()
  @Get('.well-known/did.json')
  atWellKnown(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.document(req, res);
  }

  @DocumentedDidDocument()
  @Get('did.json')
  underPath(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.document(req, res);
  }

  private document(req: Request, res: Response) {
    const publicUrl = this.config.http.publicUrl;
    // did:web puts the document of a DID without a path under /.well-known, and of one with a path at <path>/did.json.
    if (!this.config.signing.issuerDidWeb || req.path !== didDocumentPath(publicUrl)) throw new NotFoundError('DID document', req.path);
    const type = req.accepts(MEDIA_TYPES);
    if (!type) throw new NotAcceptableException(`the DID document is served as ${MEDIA_TYPES.join(' or ')}`);
    const did = didWeb(publicUrl);
    const methods = publicJwks(this.keys).keys.map(({ kty, crv, x, y, kid, alg }) => ({
      id: `${did}#${kid}`,
      type: 'JsonWebKey2020',
      controller: did,
      publicKeyJwk: y === undefined ? { kty, crv, x, kid, alg } : { kty, crv, x, y, kid, alg },
    }));
    res.setHeader('Cache-Control', CACHE);
    res.setHeader('Vary', 'Accept');
    res.type(type);
    return { '@context': CONTEXTS, id: did, verificationMethod: methods, assertionMethod: methods.map((m) => m.id) };
  }
}
