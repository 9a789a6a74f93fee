import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '../../shared/config';
import { loadKeySet } from '../../shared/credentials/signing-keys';
import { createDatabase, type Database } from '../../shared/database';
import { CertificatesController } from './certificates/certificates.controller';
import { CertificatesService } from './certificates/certificates.service';
import { DocumentsService } from './certificates/documents.service';
import { CONFIG, DATABASE, KEY_SET, TEMPORAL_CLIENT } from './common/tokens';
import { CoursesController } from './courses/courses.controller';
import { CoursesService } from './courses/courses.service';
import { ExceptionsController } from './exceptions/exceptions.controller';
import { ExceptionsService } from './exceptions/exceptions.service';
import { GenerationController } from './generation/generation.controller';
import { GenerationService } from './generation/generation.service';
import { HealthController } from './health/health.controller';
import { KeysController } from './keys/keys.controller';
import { StatusListsController } from './status-lists/status-lists.controller';
import { StatusListsService } from './status-lists/status-lists.service';
import { ImportsController } from './imports/imports.controller';
import { ImportsService } from './imports/imports.service';
import { LearnersController } from './learners/learners.controller';
import { LearnersService } from './learners/learners.service';
import { VerificationController } from './verification/verification.controller';
import { VerificationService } from './verification/verification.service';

/** Closes the shared connections when the application stops. */
class ConnectionsShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.db.$disconnect(), this.temporal.connection.close()]);
  }
}

@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        HealthController,
        CoursesController,
        CertificatesController,
        VerificationController,
        GenerationController,
        ExceptionsController,
        LearnersController,
        ImportsController,
        KeysController,
        StatusListsController,
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: DATABASE, useFactory: () => createDatabase(config.database.url, config.database.poolSize) },
        {
          provide: TEMPORAL_CLIENT,
          // Lazy: the API starts (and /health says why) even while Temporal is unreachable.
          useFactory: () =>
            new Client({ connection: Connection.lazy({ address: config.temporal.address }), namespace: config.temporal.namespace }),
        },
        { provide: KEY_SET, useFactory: () => loadKeySet(config.signing) },
        ConnectionsShutdown,
        CoursesService,
        CertificatesService,
        VerificationService,
        GenerationService,
        ExceptionsService,
        LearnersService,
        ImportsService,
        StatusListsService,
        DocumentsService,
      ],
    };
  }
}
