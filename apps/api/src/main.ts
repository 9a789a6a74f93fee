import { loadConfig } from '../../shared/config';
import { assertSafeForProduction } from '../../shared/production-checks';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = loadConfig();
  assertSafeForProduction(config);
  const app = await createApp(config);
  await app.listen(config.http.port, config.http.host);
  console.log(`api: listening on http://${config.http.host}:${config.http.port} (public URL ${config.http.publicUrl})`);
}

main().catch((error: unknown) => {
  console.error('api: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
