import { ConfigError, loadConfig, parseDurationMs } from './config';

describe('loadConfig', () => {
  it('has defaults that work on a developer machine', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000, publicUrl: 'http://localhost:3000', trustProxy: false });
    expect(config.database.url).toBe('postgresql://postgres@127.0.0.1:5432/certificates');
    expect(config.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'course-certificates' });
    expect(config.lifecycle).toEqual({
      gradeFinalizationDelayMs: 0,
      selfPacedIssuanceIntervalMs: 86_400_000,
      issuance: { chunkSize: 1000, batchSize: 500, maxInFlight: 3, chunksPerRun: 50, heartbeatTimeoutMs: 30_000 },
    });
  });

  it('reads every variable and trims a trailing slash from PUBLIC_URL', () => {
    const config = loadConfig({ PORT: '8080', PUBLIC_URL: 'https://certs.example.org/', GRADE_FINALIZATION_DELAY: '15m', ISSUANCE_CHUNK_SIZE: '250', SELF_PACED_ISSUANCE_INTERVAL: '6h' });
    expect(config.http.port).toBe(8080);
    expect(config.http.publicUrl).toBe('https://certs.example.org');
    expect(config.lifecycle.gradeFinalizationDelayMs).toBe(900_000);
    expect(config.lifecycle.selfPacedIssuanceIntervalMs).toBe(21_600_000);
    expect(config.lifecycle.issuance.chunkSize).toBe(250);
  });

  it('records which security-relevant settings were given and which are development defaults', () => {
    expect(loadConfig({}).sources).toEqual({ publicUrl: 'default', signingKey: 'default', tokenKey: 'default' });
    expect(loadConfig({ PUBLIC_URL: 'https://certs.example.org', SIGNING_KEY_FILE: '/run/secrets/signing-key', AUTH_TOKEN_KEY_FILE: '/run/secrets/lms.pem' }).sources).toEqual({
      publicUrl: 'PUBLIC_URL',
      signingKey: 'SIGNING_KEY_FILE',
      tokenKey: 'AUTH_TOKEN_KEY_FILE',
    });
    // An explicitly named development file is still recorded as named; the production check judges the path.
    expect(loadConfig({ SIGNING_KEY_FILE: '.data/signing-key.json' }).sources.signingKey).toBe('SIGNING_KEY_FILE');
    // The inline key wins over the file, as it does when the keys are loaded.
    expect(loadConfig({ SIGNING_KEY: '{}', SIGNING_KEY_FILE: 'k.json', AUTH_TOKEN_KEY: '{}', AUTH_TOKEN_KEY_FILE: 'l.json' }).sources).toMatchObject({
      signingKey: 'SIGNING_KEY',
      tokenKey: 'AUTH_TOKEN_KEY',
    });
  });

  it('lets course teams generate unless the administrator turns it off (seed 000)', () => {
    expect(loadConfig({}).permissions.courseTeamsMayGenerate).toBe(true);
    expect(loadConfig({ COURSE_TEAMS_MAY_GENERATE: 'false' }).permissions.courseTeamsMayGenerate).toBe(false);
    expect(() => loadConfig({ COURSE_TEAMS_MAY_GENERATE: 'no' })).toThrow(/COURSE_TEAMS_MAY_GENERATE: /);
  });

  it('shares certificates publicly unless the issuer makes private the default', () => {
    expect(loadConfig({}).sharing.defaultVisibility).toBe('public');
    expect(loadConfig({ CERTIFICATE_VISIBILITY_DEFAULT: 'private' }).sharing.defaultVisibility).toBe('private');
    expect(() => loadConfig({ CERTIFICATE_VISIBILITY_DEFAULT: 'hidden' })).toThrow(/CERTIFICATE_VISIBILITY_DEFAULT: expected public or private/);
  });

  it('names each invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', GRADE_FINALIZATION_DELAY: 'soon' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', GRADE_FINALIZATION_DELAY: 'soon' });
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^PORT: /m);
      expect(problems).toMatch(/^DATABASE_URL: expected a postgresql:\/\/ connection URL/m);
      expect(problems).toMatch(/^GRADE_FINALIZATION_DELAY: expected a duration/m);
    }
  });

  it('refuses a self-paced issuance interval under a second', () => {
    expect(() => loadConfig({ SELF_PACED_ISSUANCE_INTERVAL: '500ms' })).toThrow(/SELF_PACED_ISSUANCE_INTERVAL: at least 1s/);
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['250', 250],
    ['250ms', 250],
    ['3s', 3000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
  ])('%s → %d ms', (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it('refuses anything else', () => expect(() => parseDurationMs('1 week')).toThrow('not a duration'));
});
