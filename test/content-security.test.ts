import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshots } from './helpers/browser';
import { bearer, lmsToken, type TokenClaims } from './helpers/auth';
import { httpClient, useService, uniqueCourseId, waitFor } from './helpers/service';

interface Watched {
  page: Page;
  /** CSP violations the page reported (securitypolicyviolation events) and CSP errors on its console. */
  violations: () => Promise<string[]>;
}

/**
 * Every page under the strict Content-Security-Policy, in headless Chromium: nothing is blocked
 * and the pages' own scripts still run. Signed in with a bearer header on every request.
 */
describe('pages under the Content-Security-Policy', () => {
  const ctx = useService();
  const shots = screenshots();
  let browser: Browser;
  const course = uniqueCourseId('Csp');
  const learner = `csp-${course.slice(-8)}`;

  beforeAll(async () => {
    browser = await launchChromium();
    const far = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await ctx.api.post('/courses', { id: course, title: 'Content Security', pacing: 'instructor', endAt: far, certificatesActive: true, passingGrade: 0.5 });
    await ctx.api.put(`/courses/${course}/enrollments`, { enrollments: [{ learnerId: learner, email: `${learner}@example.org`, name: 'Ada Lovelace', mode: 'verified' }] });
    await ctx.api.put(`/courses/${course}/grades`, { grades: [{ learnerId: learner, grade: 0.9 }] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(path: string, claims?: TokenClaims, status = 200): Promise<Watched> {
    const context = await browser.newContext({ extraHTTPHeaders: claims ? bearer(await lmsToken(claims)) : {} });
    const page = await context.newPage();
    // Kept here, not in the page, so reports survive the page reloading itself.
    const reported: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) reported.push(message.text());
    });
    await page.exposeFunction('reportCspViolation', (text: string) => reported.push(text));
    // Injected by the browser's debugging protocol, which the page's CSP does not govern.
    await page.addInitScript(`
      document.addEventListener('securitypolicyviolation', function (event) {
        window.reportCspViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' (' + event.sourceFile + ':' + event.lineNumber + ')');
      });`);
    const response = await page.goto(`${ctx.service.baseUrl}${path}`);
    expect(response?.status()).toBe(status);
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    return { page, violations: async () => [...reported] };
  }

  it('the instructor Certificates page: its scripts run (generation from the page) and nothing is blocked', async () => {
    const { page, violations } = await open(`/app/courses/${encodeURIComponent(course)}/certificates`, { role: 'instructor', sub: 'prof.csp', courses: [course] });
    expect(await page.evaluate('typeof window.certificatesApi + " " + typeof window.certificatesForms')).toBe('function object');
    // The stylesheet applies: the header bar is dark, not the browser's default transparent.
    expect(await page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")).toBe('rgb(15, 23, 42)');

    await page.getByRole('button', { name: 'Generate certificates', exact: true }).click();
    const progress = page.locator('#generation-text');
    await waitFor('the page to show the generation finished', async () => ((await progress.innerText()).startsWith('100%') ? true : null), 60_000);
    expect(await page.locator('#generation-panel').isVisible()).toBe(true);
    // The page then reloads itself; the history it renders shows the finished task.
    await waitFor('the reloaded history', async () => ((await page.locator('.badge.succeeded').count()) > 0 ? true : null), 20_000);
    await shots.take(page, 'csp-instructor-dashboard');
    expect(await violations()).toEqual([]);
  }, 90_000);

  it('the learner Progress page: its script runs and nothing is blocked', async () => {
    const { page, violations } = await open(`/app/courses/${encodeURIComponent(course)}/progress`, { role: 'learner', sub: learner });
    expect(await page.locator('h1').innerText()).toBe('Content Security');
    expect(await page.evaluate('typeof window.certificatesApi')).toBe('function');
    expect(await violations()).toEqual([]);
  });

  it('the verification page: styled from /assets/verify.css, the verdict in its colour, nothing blocked', async () => {
    const certificates = await waitFor('an issued certificate', async () => {
      const rows = (await ctx.api.get(`/courses/${course}/certificates?learner=${learner}`)).body.certificates as Array<{ id: string; status: string }>;
      return rows.find((row) => row.status === 'downloadable');
    });
    const { page, violations } = await open(`/verify/${certificates.id}`);
    expect(await page.locator('.verdict h1').innerText()).toBe('VALID');
    expect(await page.evaluate("getComputedStyle(document.querySelector('.verdict')).backgroundColor")).toBe('rgb(10, 125, 56)');
    await shots.take(page, 'csp-verification-valid');
    expect(await violations()).toEqual([]);
  });

  it('an HTML error page (a page opened without signing in): styled, nothing blocked', async () => {
    const { page, violations } = await open(`/app/courses/${encodeURIComponent(course)}/certificates`, undefined, 401);
    expect(await page.locator('h1').innerText()).toBe('Please sign in');
    expect(await page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")).toBe('rgb(15, 23, 42)');
    expect(await violations()).toEqual([]);
  });

  it('/docs: Swagger UI renders every operation under its own policy, which still allows no inline script', async () => {
    const { page, violations } = await open('/docs');
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    expect(await page.locator('.swagger-ui .info .title').innerText()).toContain('Course certificates');
    expect(await violations()).toEqual([]);
  });

  it('an inline script injected into a page is blocked and reported (the checks above can fail)', async () => {
    for (const path of ['/', '/docs']) {
      const { page, violations } = await open(path);
      await page.evaluate("var script = document.createElement('script'); script.textContent = 'window.injected = true'; document.body.appendChild(script)");
      await waitFor('the violation report', async () => ((await violations()).length > 0 ? true : null), 5_000);
      expect(await page.evaluate('window.injected')).toBeUndefined();
      expect((await violations()).join('\n')).toMatch(/script-src/);
    }
  });
});

describe('security headers on every answer', () => {
  const ctx = useService({}, { worker: false });

  it.each([
    ['a page', '/', { accept: 'text/html' }],
    ['JSON', '/health', {}],
    ['an asset', '/assets/app.js', {}],
    ['an unknown route (JSON)', '/no-such-route', {}],
    ['an unknown route (HTML error page)', '/no-such-route', { accept: 'text/html' }],
    ['a refused caller', '/courses/course-v1:X+Y+Z', {}],
    ['the API documentation', '/docs', {}],
  ])('%s', async (_, path, headers) => {
    const response = await httpClient(ctx.service.baseUrl).get(path, headers);
    expect(response.status).not.toBe(0);
    const policy = response.headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'img-src': "'self' data:",
      'frame-ancestors': "'none'",
      'base-uri': "'none'",
      'form-action': "'self'",
      'object-src': "'none'",
    });
    expect(directives['style-src']).toBe(path === '/docs' ? "'self' 'unsafe-inline'" : "'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    // HSTS only in production (this run is NODE_ENV=test, over http).
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('a body the parser refuses', async () => {
    const response = await fetch(`${ctx.service.baseUrl}/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
