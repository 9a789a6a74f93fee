import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../apps/shared/config';

/** Docker cannot run here; this keeps docker-compose.yml honest against the typed configuration. */
describe('docker-compose.yml', () => {
  const root = path.join(__dirname, '..');
  const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  const services = compose.services as Record<string, any>;
  const appServices = ['migrate', 'api', 'worker'];
  const hostPort = (url: string) => new URL(url.includes('://') ? url : `tcp://${url}`);

  it('defines exactly the services the README describes', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'temporal', 'temporal-ui', 'worker']);
  });

  it.each(appServices)('gives %s only variables the configuration knows, and valid values', (name) => {
    const env = services[name].environment as Record<string, string>;
    for (const key of Object.keys(env)) expect(Object.keys(configSchema.shape)).toContain(key);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('points the apps at services that exist, on the ports they publish', () => {
    const api = loadConfig(services.api.environment);
    const worker = loadConfig(services.worker.environment);
    expect(services.api.ports).toContain(`${api.http.port}:${api.http.port}`);
    expect(api.http.host).toBe('0.0.0.0');

    const database = hostPort(api.database.url);
    expect(Object.keys(services)).toContain(database.hostname);
    expect(services[database.hostname].healthcheck).toBeDefined();
    const dbEnv = services[database.hostname].environment;
    expect(database.pathname).toBe(`/${dbEnv.POSTGRES_DB}`);
    expect(decodeURIComponent(database.password)).toBe(dbEnv.POSTGRES_PASSWORD);

    const temporal = hostPort(api.temporal.address);
    expect(temporal.hostname).toBe('temporal');
    expect(services.temporal.ports).toContain(`${temporal.port}:${temporal.port}`);
    expect(services['temporal-ui'].environment.TEMPORAL_ADDRESS).toBe(api.temporal.address);

    expect(worker.temporal).toEqual(api.temporal);
    expect(worker.database.url).toBe(api.database.url);
  });

  it('starts the apps after the migrations, from entry points that exist', () => {
    expect(services.api.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(services.worker.depends_on.migrate.condition).toBe('service_completed_successfully');
    for (const name of ['api', 'worker']) {
      const entry = services[name].command.find((part: string) => part.startsWith('dist/'));
      const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(fs.existsSync(path.join(root, source))).toBe(true);
    }
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('CMD ["node", "dist/apps/api/src/main.js"]');
    expect(services.migrate.command).toEqual(expect.arrayContaining(['migrate', 'deploy']));
    expect(fs.existsSync(path.join(root, services.migrate.command[2]))).toBe(true);
  });
});
