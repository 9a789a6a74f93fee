import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { loadConfig, type AppConfig } from '../../shared/config';
import { loadKeySet } from '../../shared/credentials/signing-keys';
import { createDatabase } from '../../shared/database';
import { assertSafeForProduction } from '../../shared/production-checks';
import { createWorker } from './worker';
import { createMailer } from '../../shared/mail/mailer';

const SDK_LOG_LEVEL: Record<AppConfig['logLevel'], LogLevel> = {
  error: 'ERROR',
  warn: 'WARN',
  log: 'INFO',
  debug: 'DEBUG',
  verbose: 'TRACE',
};

async function main(): Promise<void> {
  const config = loadConfig();
  assertSafeForProduction(config);
  Runtime.install({ logger: new DefaultLogger(SDK_LOG_LEVEL[config.logLevel]) });
  const db = createDatabase(config.database.url, config.database.poolSize);
  const keys = await loadKeySet(config.signing);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const mailer = createMailer(config.mail);
  console.log(mailer ? `worker: mail goes out through ${new URL(config.mail.smtpUrl!).host}` : 'worker: SMTP_URL is not set, so no mail is sent');
  const worker = await createWorker({
    config,
    connection,
    deps: { db, keys, mailer, issuer: { publicUrl: config.http.publicUrl, name: config.signing.issuerName, format: config.signing.format, didWeb: config.signing.issuerDidWeb } },
    workflowBundlePath: config.temporal.workflowBundlePath,
  });
  console.log(`worker: polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
  // Worker.run() resolves after SIGINT/SIGTERM, once in-flight tasks are finished or handed back.
  await worker.run();
  await connection.close();
  mailer?.close();
  await db.$disconnect();
}

main().catch((error: unknown) => {
  console.error('worker: failed to start or crashed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
