import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../apps/shared/config';
import { API_NODE_FLAGS } from '../scripts/lib/processes.cjs';

/** What `docker compose` is given when the README's instructions are followed. */
const OPERATOR_ENV: Record<string, string> = { PUBLIC_URL: 'https://certificates.example.org', AUTH_TOKEN_ISSUER: 'https://lms.example.org' };
/** Read by the image's entrypoint (scripts/docker-entrypoint.sh), not by the service itself. */
const ENTRYPOINT_VARIABLES = ['DATABASE_PASSWORD_FILE'];

/** Compose's ${VAR}, ${VAR:-default} and ${VAR:?message}, with the operator's variables. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_match, name: string, kind?: string, rest?: string) => {
    if (env[name]) return env[name];
    if (kind === '?') throw new Error(`${name} is required: ${rest}`);
    return kind === '-' ? (rest ?? '') : '';
  });
}

/** Docker cannot run here; this keeps docker-compose.yml honest against the typed configuration and safe to expose. */
describe('docker-compose.yml', () => {
  const root = path.join(__dirname, '..');
  const text = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
  const compose = parse(text, { merge: true });
  const services = compose.services as Record<string, any>;
  const appServices = ['migrate', 'api', 'worker'];
  const envOf = (name: string, env = OPERATOR_ENV) =>
    Object.fromEntries(Object.entries(services[name].environment as Record<string, string>).map(([key, value]) => [key, interpolate(String(value), env)]));
  const hostPort = (url: string) => new URL(url.includes('://') ? url : `tcp://${url}`);

  it('defines exactly the services the README describes', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'temporal', 'temporal-data', 'worker']);
  });

  it.each(appServices)('gives %s only variables the configuration knows, and values that pass it', (name) => {
    const env = envOf(name);
    for (const key of Object.keys(env).filter((k) => !ENTRYPOINT_VARIABLES.includes(k))) expect(Object.keys(configSchema.shape)).toContain(key);
    const config = loadConfig(env);
    expect(config.env).toBe('production');
    expect(config.http.publicUrl).toBe(OPERATOR_ENV.PUBLIC_URL);
    expect(config.auth.issuer).toBe(OPERATOR_ENV.AUTH_TOKEN_ISSUER);
  });

  it('refuses to start without the public URL and the LMS issuer: no development default', () => {
    for (const name of ['PUBLIC_URL', 'AUTH_TOKEN_ISSUER']) {
      expect(services.api.environment[name]).toMatch(new RegExp(`^\\$\\{${name}:\\?.+\\}$`));
      expect(() => envOf('api', { ...OPERATOR_ENV, [name]: '' })).toThrow(`${name} is required`);
    }
  });

  it('publishes only the API port; PostgreSQL and the Temporal frontend stay on a network with no route out', () => {
    const published = Object.entries(services).flatMap(([name, service]) => (service.ports ?? []).map((port: string) => ({ name, port: String(port) })));
    for (const { name, port } of published) {
      if (name === 'api') continue;
      // Anything else is for operators on this host only (the Temporal UI), never on every interface.
      expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/) });
    }
    const api = loadConfig(envOf('api'));
    expect(services.api.ports).toEqual([`${api.http.port}:${api.http.port}`]);
    expect(api.http.host).toBe('0.0.0.0');
    expect(published.some(({ port }) => port.endsWith(':7233') || port.endsWith(':5432'))).toBe(false);
    expect(services.postgres.ports).toBeUndefined();

    expect(compose.networks.internal.internal).toBe(true);
    expect(services.postgres.networks).toEqual(['internal']);
    for (const name of ['temporal', ...appServices]) expect(services[name].networks).toContain('internal');
  });

  it('keeps passwords out of the environment and takes every secret from ./secrets/, never from .data/', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries((service.environment ?? {}) as Record<string, string>)) {
        if (/PASSWORD|PWD|SECRET/.test(key)) expect({ name, key, value }).toEqual({ name, key, value: expect.stringMatching(/^\/run\/secrets\//) });
      }
    }
    for (const name of appServices) {
      const url = new URL(envOf(name).DATABASE_URL);
      expect(url.password).toBe('');
    }
    const mounted = Object.values(services).flatMap((service) => [...Object.values(service.environment ?? {}), ...(service.volumes ?? [])].map(String));
    expect(mounted.filter((value) => value.includes('.data/'))).toEqual([]);
    for (const [name, secret] of Object.entries(compose.secrets as Record<string, { file: string }>)) {
      expect({ name, file: secret.file }).toEqual({ name, file: expect.stringMatching(/^\.\/secrets\/[\w.-]+$/) });
    }
    // Every file a service reads from /run/secrets is a secret it is given.
    for (const [name, service] of Object.entries(services)) {
      const given = (service.secrets ?? []) as string[];
      for (const value of Object.values((service.environment ?? {}) as Record<string, string>)) {
        const file = /^\/run\/secrets\/(.+)$/.exec(String(value))?.[1];
        if (file) expect({ name, file, given: given.includes(file) }).toEqual({ name, file, given: true });
      }
    }
    const entrypoint = fs.readFileSync(path.join(root, 'scripts/docker-entrypoint.sh'), 'utf8');
    expect(entrypoint).toContain('DATABASE_PASSWORD_FILE');
    expect(entrypoint).toMatch(/export PGPASSWORD/);
    expect(fs.readFileSync(path.join(root, '.gitignore'), 'utf8').split('\n')).toContain('secrets/');
  });

  it('runs Temporal from a supported image (not the deprecated auto-setup) with its history on a volume', () => {
    const images = Object.values(services).map((s) => String(s.image ?? ''));
    expect(images.some((image) => image.includes('auto-setup'))).toBe(false);
    expect(services.temporal.image).toMatch(/^temporalio\/temporal:\d+\.\d+\.\d+$/);
    const dbFile = services.temporal.command[services.temporal.command.indexOf('--db-filename') + 1];
    const volume = (services.temporal.volumes as string[]).find((v) => dbFile.startsWith(`${v.split(':')[1]}/`));
    expect(volume).toBeDefined();
    expect(Object.keys(compose.volumes)).toContain(volume!.split(':')[0]);
  });

  it('points the apps at services that exist', () => {
    const api = loadConfig(envOf('api'));
    const worker = loadConfig(envOf('worker'));
    const database = hostPort(api.database.url);
    expect(Object.keys(services)).toContain(database.hostname);
    expect(services[database.hostname].healthcheck).toBeDefined();
    const dbEnv = services[database.hostname].environment;
    expect(database.pathname).toBe(`/${dbEnv.POSTGRES_DB}`);
    expect(decodeURIComponent(database.username)).toBe(dbEnv.POSTGRES_USER);
    expect(envOf('api').DATABASE_PASSWORD_FILE).toBe(dbEnv.POSTGRES_PASSWORD_FILE);

    const temporal = hostPort(api.temporal.address);
    expect(temporal.hostname).toBe('temporal');
    expect(temporal.port).toBe('7233');
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
    // The API runs with the same heap limit everywhere (scripts/lib/processes.cjs).
    expect(dockerfile).toContain(`CMD ["node", ${API_NODE_FLAGS.map((flag) => `"${flag}"`).join(', ')}, "dist/apps/api/src/main.js"]`);
    expect(services.api.command).toEqual(['node', ...API_NODE_FLAGS, 'dist/apps/api/src/main.js']);
    expect(dockerfile).toContain('ENTRYPOINT ["sh", "/app/scripts/docker-entrypoint.sh"]');
    expect(services.migrate.command).toEqual(expect.arrayContaining(['migrate', 'deploy']));
    expect(fs.existsSync(path.join(root, services.migrate.command[2]))).toBe(true);
  });

  // Where Docker Compose is installed, it must accept the file as the README says to run it.
  const composeAvailable = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0;
  (composeAvailable ? it : it.skip)('is accepted by `docker compose config`', () => {
    const result = spawnSync('docker', ['compose', '-f', path.join(root, 'docker-compose.yml'), 'config', '--quiet'], {
      cwd: root,
      env: { ...process.env, ...OPERATOR_ENV },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
