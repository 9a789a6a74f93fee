import { applyDecorators, NotAcceptableException } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { ERROR_RESPONSE_SCHEMA } from '../common/openapi';
import { chooseCredentialMediaType, tokenTyp, type CredentialMediaType } from './credential-media-type';

/**
 * The media type to serve a signed credential as, by the client's Accept header (see
 * credential-media-type.ts); the answer varies by Accept. Refused: 406 naming what is served.
 */
export function negotiateCredentialType(res: Response, jws: string, accept: string | undefined): CredentialMediaType {
  res.vary('Accept');
  const choice = chooseCredentialMediaType(tokenTyp(jws), accept);
  if (!choice.ok) throw new NotAcceptableException(choice.message);
  return choice.mediaType;
}

/** Documents a route that serves a compact JWS as text/plain or application/vc+jwt, and its 406. */
export function ApiCredentialResponse(description: string): MethodDecorator {
  const token = { schema: { type: 'string', description: 'A compact JWS.' } };
  return applyDecorators(
    ApiResponse({
      status: 200,
      description: `${description} An Open Badges 3.0 VC-JWT (typ JWT) is text/plain; a VC-JOSE-COSE token (typ vc+jwt) is application/vc+jwt by default, or text/plain when asked (Accept).`,
      content: { 'text/plain': token, 'application/vc+jwt': token },
    }),
    ApiResponse({ status: 406, description: 'The Accept header allows none of the media types this token is served as.', content: { 'application/json': { schema: ERROR_RESPONSE_SCHEMA } } }),
  );
}
