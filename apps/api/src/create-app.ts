import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '../../shared/config';
import { AppModule } from './app.module';
import { ErrorFilter } from './common/error.filter';

export const MAX_JSON_BODY = '2mb';
/** Uploaded certificate PDFs and badge PNGs for verification. */
export const MAX_DOCUMENT_BODY = '5mb';

/** Builds the HTTP application; main.ts and the integration tests share it. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config), {
    bodyParser: false,
    logger: config.env === 'test' ? ['error', 'warn'] : ['error', 'warn', 'log'],
  });
  app.useBodyParser('json', { limit: MAX_JSON_BODY });
  app.useBodyParser('text', { type: ['text/csv', 'text/plain', 'application/jwt'], limit: MAX_JSON_BODY });
  app.useBodyParser('raw', { type: ['application/pdf', 'image/png'], limit: MAX_DOCUMENT_BODY });
  app.useGlobalFilters(new ErrorFilter());
  // Idle keep-alive connections outlive the clients' own idle timeouts (load balancers, fetch),
  // so a client never reuses a socket the server is closing at that moment.
  const server = app.getHttpServer() as import('node:http').Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Course certificates')
      .setDescription('Course lifecycles, signed certificates and their public verification.')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
