import { Inject, Module, type DynamicModule, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '../../shared/config';
import { loadKeySet } from '../../shared/credentials/signing-keys';
import { createDatabase, type Database } from '../../shared/database';
import { REPOSITORY_CLASSES } from '../../shared/repositories';
import { DatabaseHealth } from '../../shared/repositories/database-health';
import { Transactions } from '../../shared/repositories/transactions';
import { VerificationRepository } from '../../shared/repositories/verification.repository';
import { CertificatesController } from './certificates/certificates.controller';
import { CertificatesService } from './certificates/certificates.service';
import { DocumentsService } from './certificates/documents.service';
import { AUTHENTICATOR, CONFIG, DATABASE, KEY_SET, TEMPORAL_CLIENT } from './common/tokens';
import { AccessGuard } from './auth/access.guard';
import { Authenticator } from './auth/authenticator';
import { assertEveryRouteDeclaresAccess } from './auth/routes';
import { SessionController } from './auth/session.controller';
import { SessionStore } from './auth/sessions';
import { MeController } from './pages/me.controller';
import { MessagesController } from './messages/messages.controller';
import { MessagesService } from './messages/messages.service';
import { PagesController } from './pages/pages.controller';
import { PeopleService } from './pages/people.service';
import { CoursesController } from './courses/courses.controller';
import { CoursesService } from './courses/courses.service';
import { CourseCertificatesService } from './courses/course-certificates.service';
import { IngestionService } from './courses/ingestion.service';
import { ReevaluationService } from './courses/reevaluation.service';
import { ExceptionsController } from './exceptions/exceptions.controller';
import { ExceptionsService } from './exceptions/exceptions.service';
import { GenerationController } from './generation/generation.controller';
import { GenerationService } from './generation/generation.service';
import { HealthController } from './health/health.controller';
import { KeysController } from './keys/keys.controller';
import { DidDocumentController } from './keys/did-document.controller';
import { StatusListsController } from './status-lists/status-lists.controller';
import { StatusListsService } from './status-lists/status-lists.service';
import { ImportsController } from './imports/imports.controller';
import { ImportsService } from './imports/imports.service';
import { LearnersController } from './learners/learners.controller';
import { LearnersService } from './learners/learners.service';
import { VerificationController } from './verification/verification.controller';
import { VerificationService } from './verification/verification.service';
import { rateLimitModule, RateLimitGuard } from './throttling/rate-limit.guard';
import { WalletIssuanceController, WalletMetadataController, WalletOffersController } from './wallet/wallet.controller';
import { WalletService } from './wallet/wallet.service';

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

/** Every controller of the API; the access matrix test walks their routes. */
export const CONTROLLERS: Type[] = [
  HealthController,
  SessionController,
  MeController,
  PagesController,
  CoursesController,
  CertificatesController,
  VerificationController,
  GenerationController,
  ExceptionsController,
  LearnersController,
  ImportsController,
  MessagesController,
  KeysController,
  DidDocumentController,
  StatusListsController,
  WalletOffersController,
  WalletMetadataController,
  WalletIssuanceController,
];

@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    assertEveryRouteDeclaresAccess(CONTROLLERS);
    return {
      module: AppModule,
      imports: [rateLimitModule(config, CONTROLLERS)],
      controllers: CONTROLLERS,
      providers: [
        SessionStore,
        {
          provide: AUTHENTICATOR,
          useFactory: (sessions: SessionStore) => Authenticator.create(config.auth, { sessions, signInTokenMaxAgeMs: config.sessions.signInTokenMaxAgeMs }),
          inject: [SessionStore],
        },
        { provide: APP_GUARD, useClass: AccessGuard },
        // After the AccessGuard (guards run in this order): per-person limits count the authenticated caller.
        { provide: APP_GUARD, useClass: RateLimitGuard },
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
        // Repositories own every query; services get them by class.
        ...REPOSITORY_CLASSES.map((repository) => ({ provide: repository, useFactory: (db: Database) => new repository(db), inject: [DATABASE] })),
        // Verification reads through a pg pool of its own (VerificationService closes it on shutdown).
        { provide: VerificationRepository, useFactory: () => new VerificationRepository(config.database.url, config.database.poolSize) },
        { provide: DatabaseHealth, useFactory: (db: Database) => new DatabaseHealth(db), inject: [DATABASE] },
        { provide: Transactions, useFactory: (db: Database) => new Transactions(db), inject: [DATABASE] },
        CoursesService,
        IngestionService,
        ReevaluationService,
        CourseCertificatesService,
        CertificatesService,
        VerificationService,
        GenerationService,
        ExceptionsService,
        LearnersService,
        MessagesService,
        ImportsService,
        StatusListsService,
        DocumentsService,
        PeopleService,
        WalletService,
      ],
    };
  }
}
