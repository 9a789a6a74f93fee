import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '../../shared/config';
import { AppModule } from './app.module';
import { ErrorFilter } from './common/error.filter';

export const MAX_JSON_BODY = '2mb';

/** Builds the HTTP application; main.ts and the integration tests share it. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config), {
    bodyParser: false,
    logger: config.env === 'test' ? ['error', 'warn'] : ['error', 'warn', 'log'],
  });
  app.useBodyParser('json', { limit: MAX_JSON_BODY });
  app.useGlobalFilters(new ErrorFilter());
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  return app;
}
