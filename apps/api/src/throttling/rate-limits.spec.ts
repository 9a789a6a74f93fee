import { loadConfig } from '../../../shared/config';
import { CONTROLLERS } from '../app.module';
import { describeLimit, limitedRoutes, SIGN_IN_ROUTES, WORKFLOW_ROUTES } from './rate-limits';

describe('rate limit configuration', () => {
  it('reads count/window limits and refuses what cannot be a limit', () => {
    const config = loadConfig({ RATE_LIMIT_PUBLIC: '50/10s', RATE_LIMIT_WORKFLOWS: '5/1h' });
    expect(config.rateLimits.public).toEqual({ limit: 50, windowMs: 10_000 });
    expect(config.rateLimits.workflows).toEqual({ limit: 5, windowMs: 3_600_000 });
    expect(config.rateLimits.signIn).toEqual({ limit: 20, windowMs: 60_000 });
    expect(config.rateLimits.farewellMinIntervalMs).toBe(86_400_000);
    for (const bad of ['300', '0/1m', '10/0', 'many/1m', '10/500ms']) {
      expect(() => loadConfig({ RATE_LIMIT_PUBLIC: bad })).toThrow(/RATE_LIMIT_PUBLIC/);
    }
  });

  it('trusts no proxy by default, a number of hops or addresses when told, and never "true"', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8' }).http.trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: give the number of proxies/);
    for (const bad of ['proxy.example', '10.0.0.0/33', '10.0.0.1/8/1']) expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
  });

  it('says limits the way people read them', () => {
    expect(describeLimit({ limit: 300, windowMs: 60_000 })).toBe('300 per minute');
    expect(describeLimit({ limit: 3, windowMs: 10_000 })).toBe('3 per 10 seconds');
    expect(describeLimit({ limit: 1, windowMs: 86_400_000 })).toBe('1 per day');
  });
});

describe('which routes are limited', () => {
  const routes = limitedRoutes(CONTROLLERS);
  const limitOf = (key: string) => routes.find((r) => `${r.method} ${r.path}` === key)?.limit ?? null;

  it('counts every public route per address, sign-in on its own, and the listed work-starting routes per person', () => {
    expect(limitOf('POST /verify')).toBe('public');
    expect(limitOf('GET /status/:list')).toBe('public');
    for (const key of SIGN_IN_ROUTES) expect(limitOf(key)).toBe('sign-in');
    for (const key of WORKFLOW_ROUTES) expect(limitOf(key)).toBe('workflows');
    expect(limitOf('GET /courses/:courseId')).toBeNull();
  });

  it('refuses to start when a listed route no longer exists', () => {
    expect(() => limitedRoutes(CONTROLLERS, { signIn: SIGN_IN_ROUTES, workflows: [...WORKFLOW_ROUTES, 'POST /gone'] })).toThrow(
      'rate limits name routes the API does not serve: POST /gone',
    );
  });
});
