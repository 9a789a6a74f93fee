import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { json, urlencoded, type NextFunction, type Request, type Response } from 'express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '../../shared/config';
import { AppModule, CONTROLLERS } from './app.module';
import { ErrorFilter } from './common/error.filter';
import { bodyTooLarge, isCsvRequest, MAX_CSV_BYTES, STREAMED_CSV_ROUTE } from './common/csv';
import { checkJsonShape } from './common/json-shape';
import { ERROR_RESPONSE_SCHEMA } from './common/openapi';
import { describeRateLimits } from './throttling/rate-limits';
import { securityHeaders } from './common/security-headers';
import { walletBodyErrors } from './wallet/wallet-errors';

export const MAX_JSON_BODY = '2mb';
/** CSV files: a 100,000-line import of long names and addresses fits. */
export const MAX_CSV_BODY = MAX_CSV_BYTES;
/** Bare tokens (credentials) presented as text. */
export const MAX_TEXT_BODY = '2mb';
/** The sign-in form: a token and a path. */
export const MAX_FORM_BODY = '64kb';
/** Uploaded certificate PDFs and badge PNGs for verification. */
export const MAX_DOCUMENT_BODY = '5mb';
/** Wallet token and credential requests: a code, or a proof JWT of a few hundred bytes. */
export const MAX_WALLET_BODY = '64kb';

/** Builds the HTTP application; main.ts and the integration tests share it. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config), {
    bodyParser: false,
    logger: config.env === 'test' ? ['error', 'warn'] : ['error', 'warn', 'log'],
  });
  // First, so every answer carries the headers, even a refused body or an unknown route.
  app.use(securityHeaders(config));
  // Wallets (OpenID4VCI): small JSON and form bodies, refused in the spec's error shape.
  app.use('/oid4vci', json({ limit: MAX_WALLET_BODY, verify: checkJsonShape }), urlencoded({ extended: false, limit: MAX_WALLET_BODY }), walletBodyErrors);
  app.useBodyParser('json', { limit: MAX_JSON_BODY, verify: checkJsonShape });
  // The import routes read their CSV from the connection themselves, slice by slice (common/csv.ts).
  app.useBodyParser('text', { type: (request) => isCsvRequest(request) && !STREAMED_CSV_ROUTE.test(request.url ?? ''), limit: MAX_CSV_BODY });
  app.useBodyParser('text', { type: ['text/plain', 'application/jwt'], limit: MAX_TEXT_BODY });
  app.useBodyParser('raw', { type: ['application/pdf', 'image/png'], limit: MAX_DOCUMENT_BODY });
  // Form bodies only where a plain HTML form posts (sign-in); every other route keeps refusing them.
  app.use('/session', urlencoded({ extended: false, limit: MAX_FORM_BODY }));
  app.use(nameBodyLimit);
  app.useGlobalFilters(new ErrorFilter());
  // Idle keep-alive connections outlive the clients' own idle timeouts (load balancers, fetch),
  // so a client never reuses a socket the server is closing at that moment.
  const server = app.getHttpServer() as import('node:http').Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  // Which address a request comes from (per-address rate limits, logs): the socket's, unless proxies are trusted.
  app.set('trust proxy', config.http.trustProxy);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Course certificates')
      .setDescription('Course lifecycles, signed certificates and their public verification.')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JWT the LMS signs: claims sub, role (admin | instructor | learner), courses (instructors), exp, aud.' }, 'lms-token')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: "The LMS server's API key; acts as a platform administrator." }, 'api-key')
      .build(),
  );
  describeCommonErrors(document);
  describeRateLimits(document, CONTROLLERS, config.rateLimits);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/** A body over its parser's limit answers 413 naming that limit, so the sender knows what would fit. */
function nameBodyLimit(error: unknown, _request: Request, _response: Response, next: NextFunction): void {
  const tooLarge = error as { type?: string; limit?: number } | null;
  if (tooLarge?.type !== 'entity.too.large' || typeof tooLarge.limit !== 'number') return next(error);
  next(bodyTooLarge(tooLarge.limit));
}

const COMMON_ERRORS: Record<string, string> = {
  '400': 'The request is malformed or a field is invalid; `fields` names each one.',
  '404': 'The course, learner, certificate or task does not exist.',
  '500': 'Unexpected; logged under `errorId`.',
};

/** Every operation documents the error shape it may answer with, not only its success. */
function describeCommonErrors(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      for (const [status, description] of Object.entries(COMMON_ERRORS)) {
        operation.responses[status] ??= { description, content: { 'application/json': { schema: ERROR_RESPONSE_SCHEMA } } };
      }
    }
  }
}
