import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/shared/domain/certificate-display';
import { fitsViewport, launchChromium, screenshots } from './helpers/browser';
import { signInToken, type TokenClaims } from './helpers/auth';
import { useService, uniqueCourseId, waitFor } from './helpers/service';
import { startMailCatcher } from '../scripts/lib/mail-catcher.cjs';

/**
 * The three kinds of people, in headless Chromium against the real service: an instructor runs
 * generation, exceptions and invalidation from the Certificates page; a learner requests and
 * downloads a certificate; an employer opens the QR link. Screenshots land in the run's output.
 */
describe('in a browser: instructor, learner and employer', () => {
  let catcher: Awaited<ReturnType<typeof startMailCatcher>>;
  const env: Record<string, string> = { ISSUANCE_BATCH_SIZE: '25', ISSUANCE_CHUNK_SIZE: '100' };
  beforeAll(async () => {
    catcher = await startMailCatcher();
    env.SMTP_URL = catcher.smtpUrl;
  });
  const ctx = useService(env);
  const shots = screenshots();
  let browser: Browser;
  const LEARNERS = 300;
  const instructorCourse = uniqueCourseId('Browser');
  const selfPacedCourse = uniqueCourseId('BrowserSelf');
  const tag = instructorCourse.slice(-8);
  const learnerId = (i: number) => `b${tag}-${String(i).padStart(4, '0')}`;

  beforeAll(async () => {
    browser = await launchChromium();
    const far = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await ctx.api.post('/courses', { id: instructorCourse, title: 'Applied Cryptography', pacing: 'instructor', endAt: far, certificatesActive: true, passingGrade: 0.6 });
    const people = Array.from({ length: LEARNERS }, (_, k) => ({
      learnerId: learnerId(k + 1),
      email: `${learnerId(k + 1)}@example.org`,
      name: k === 0 ? 'Łucja Żółć' : `Learner ${k + 1}`,
      mode: 'verified',
    }));
    await ctx.api.put(`/courses/${instructorCourse}/enrollments`, { enrollments: people });
    await ctx.api.put(`/courses/${instructorCourse}/grades`, { grades: people.map((p, k) => ({ learnerId: p.learnerId, grade: k % 10 === 9 ? 0.3 : 0.8 })) });

    await ctx.api.post('/courses', { id: selfPacedCourse, title: 'Self-paced Statistics', pacing: 'self', endAt: far, certificatesActive: true, passingGrade: 0.5 });
    await ctx.api.put(`/courses/${selfPacedCourse}/enrollments`, { enrollments: [{ learnerId: learnerId(1), email: `${learnerId(1)}@example.org`, name: 'Łucja Żółć', mode: 'verified' }] });
    await ctx.api.put(`/courses/${selfPacedCourse}/grades`, { grades: [{ learnerId: learnerId(1), grade: 0.75 }] });
  }, 60_000);

  afterAll(async () => {
    await catcher?.stop();
    await browser?.close();
    process.stdout.write(`[browser] screenshots in ${shots.dir}\n`);
  });

  async function signedIn(claims: TokenClaims, next: string, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    const page = await context.newPage();
    const token = await signInToken(claims);
    await page.goto(`${ctx.service.baseUrl}/session?token=${token}&next=${encodeURIComponent(next)}`);
    // The LMS's link only asks who to sign in as; the person confirms on our own page.
    await Promise.all([page.waitForURL((url) => url.href === `${ctx.service.baseUrl}${next}`), page.getByRole('button', { name: /^Continue as / }).click()]);
    return { context, page };
  }

  const dashboardPath = () => `/app/courses/${encodeURIComponent(instructorCourse)}/certificates`;
  const instructor: TokenClaims = { role: 'instructor', sub: 'prof.rivest', name: 'Ron Rivest', courses: [] };

  it('instructor: generates certificates and watches the progress reach 100%', async () => {
    const { context, page } = await signedIn({ ...instructor, courses: [instructorCourse] }, dashboardPath());
    await expect(page.locator('h1')).toBeTruthy();
    expect(await page.locator('h1').innerText()).toContain('Applied Cryptography');
    await shots.take(page, '01-instructor-dashboard-before');

    const seen = new Set<string>();
    const progressText = page.locator('#generation-text');
    await page.getByRole('button', { name: 'Generate certificates', exact: true }).click();
    await waitFor('the progress bar to reach 100%', async () => {
      const text = await progressText.innerText();
      seen.add(text.split('%')[0]);
      return text.startsWith('100%') && text.includes('succeeded') ? text : null;
    }, 60_000);
    const final = await progressText.innerText();
    expect(final).toContain(`${LEARNERS} / ${LEARNERS} learners processed`);
    expect(final).toContain(`${LEARNERS - LEARNERS / 10} issued`);
    expect(final).toContain('0 failed');
    await shots.take(page, '02-instructor-generation-100');

    // After the reload the history table shows the finished task, with who asked.
    await page.waitForLoadState('load');
    await waitFor('the history row', async () => ((await page.locator('#history-heading + .table-wrap').innerText()).includes('succeeded') ? true : null));
    const history = await page.locator('#history-heading + .table-wrap').innerText();
    expect(history).toContain('Generate for all learners');
    expect(history).toContain('prof.rivest');
    await context.close();
  }, 90_000);

  it('instructor: uploads an exceptions CSV with a bad line and sees it reported by line, adds one by hand, and generates their certificates', async () => {
    const { context, page } = await signedIn({ ...instructor, courses: [instructorCourse] }, dashboardPath());
    const csv = [`${learnerId(10)},regraded by hand`, `${learnerId(20)}@example.org,medical leave`, 'nobody-at-all,typo', `${learnerId(30)},ok`].join('\n');
    await page.setInputFiles('#exception-csv', { name: 'exceptions.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload CSV' }).click();
    const results = page.locator('#import-results');
    await results.locator('li').nth(3).waitFor();
    const lines = await results.locator('li').allInnerTexts();
    expect(lines[2]).toMatch(/^Line 3: nobody-at-all — rejected \(nobody-at-all is not enrolled in this course\)$/);
    expect(lines.filter((l) => l.includes('— added'))).toHaveLength(3);
    expect(await page.locator('form[data-api=importExceptions] .status').innerText()).toContain('3 added; 1 line(s) rejected');
    await shots.take(page, '03-instructor-exceptions-csv');

    // One more by hand, then certificates for everyone on the list who has none (all four failed the course).
    await page.fill('#exception-learner', learnerId(40));
    await page.fill('#exception-notes', 'approved by the dean');
    await page.getByRole('button', { name: 'Add exception' }).click();
    await page.waitForLoadState('load');
    await waitFor('the exception list', async () => ((await page.locator('#exceptions-heading ~ .table-wrap').first().innerText()).includes('approved by the dean') ? true : null));
    const list = await page.locator('#exceptions-heading ~ .table-wrap').first().innerText();
    expect(list).toContain(learnerId(10));
    expect(list).toContain('medical leave');
    await page.getByRole('button', { name: 'Generate Exception Certificates', exact: true }).click();
    const status = page.locator('form[data-api=generate]:has(legend:text("Generate exception certificates for")) .status');
    await waitFor('the exception certificates', async () => ((await status.innerText()).startsWith('Generation finished') ? true : null), 60_000);
    expect(await status.innerText()).toBe('Generation finished: 4 issued, 0 failed.');
    await context.close();
  }, 60_000);

  it('instructor: enables learner-generated certificates, opens the preview and sends the farewell message', async () => {
    const { context, page } = await signedIn({ ...instructor, courses: [instructorCourse] }, dashboardPath());
    await page.getByRole('button', { name: 'Enable Learner-Generated Certificates', exact: true }).click();
    // Seed 002: "Confirm on the modal by clicking on "Ok"".
    await page.getByRole('dialog').getByRole('button', { name: 'Ok', exact: true }).click();
    await page.getByRole('button', { name: 'Disable Learner-Generated Certificates', exact: true }).waitFor();
    expect(await page.locator('#settings-heading ~ dl').innerText()).toMatch(/Learner-generated certificates\s+enabled/);

    const preview = await context.request.get(await page.getByRole('link', { name: 'Preview the example certificate' }).getAttribute('href').then((href) => `${ctx.service.baseUrl}${href}`));
    expect(preview.status()).toBe(200);
    expect((await preview.body()).subarray(0, 5).toString()).toBe('%PDF-');

    await page.fill('#farewell-body', 'Thank you all. Keep your keys safe.');
    await page.getByRole('button', { name: 'Send to all learners' }).click();
    await page.locator('form[data-api=farewell] .status.ok').waitFor();
    expect(await page.locator('form[data-api=farewell] .status').innerText()).toBe(`The message is on its way to ${LEARNERS} learner(s).`);
    const mails = await catcher.waitFor(LEARNERS, (m) => m.subject === 'Thank you for taking Applied Cryptography', 60_000);
    expect(new Set(mails.map((m) => m.to[0])).size).toBe(LEARNERS);
    expect(mails[0].text).toContain('Keep your keys safe.');
    await shots.take(page, '04b-instructor-farewell-sent');
    await context.close();
  }, 90_000);

  it('learner: requests a certificate, downloads it, and sees it on the course card', async () => {
    const { context, page } = await signedIn({ role: 'learner', sub: learnerId(1), name: 'Łucja Żółć' }, `/app/courses/${encodeURIComponent(selfPacedCourse)}/progress`);
    expect(await page.locator('.message').innerText()).toBe(MESSAGES.qualified);
    await shots.take(page, '04-learner-progress-request');
    await page.getByRole('button', { name: 'Request Certificate' }).click();
    const download = page.getByRole('link', { name: 'Download Your Certificate' });
    await download.waitFor({ timeout: 30_000 });
    await shots.take(page, '05-learner-progress-download');

    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const pdf = fs.readFileSync((await file.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(file.suggestedFilename()).toMatch(/^certificate-[0-9a-f-]{36}\.pdf$/);
    const linkedIn = await page.getByRole('link', { name: /Add .* to your LinkedIn profile/ }).getAttribute('href');
    expect(linkedIn).toMatch(/^https:\/\/www\.linkedin\.com\/profile\/add\?startTask=CERTIFICATION_NAME/);

    await page.goto(`${ctx.service.baseUrl}/app/learner`);
    const cards = page.locator('article.card');
    expect(await cards.count()).toBe(2);
    const selfCard = cards.filter({ hasText: 'Self-paced Statistics' });
    expect(await selfCard.getByRole('link', { name: 'Download Certificate', exact: true }).count()).toBe(1);
    await shots.take(page, '06-learner-course-cards');
    await context.close();
  }, 60_000);

  it('employer: scans the QR link and sees VALID, then REVOKED once the instructor invalidates it', async () => {
    const certificates = (await ctx.api.get(`/courses/${instructorCourse}/certificates?learner=${learnerId(2)}`)).body.certificates;
    const verifyUrl: string = certificates[0].verifyUrl;

    const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    const employer = await phone.newPage();
    await employer.goto(verifyUrl);
    expect(await employer.locator('.verdict h1').innerText()).toBe('VALID');
    expect(await employer.locator('dl').innerText()).toContain('Learner 2');
    expect((await fitsViewport(employer)).fits).toBe(true);
    await shots.take(employer, '07-employer-valid-375px');

    const { context, page } = await signedIn({ ...instructor, courses: [instructorCourse] }, dashboardPath());
    await page.fill('#invalidate-learner', `${learnerId(2)}@example.org`);
    await page.fill('#invalidate-notes', 'Academic misconduct confirmed by the board');
    await page.fill('#invalidate-public-reason', 'Revoked by the course team after a review.');
    await page.getByRole('button', { name: 'Invalidate Certificate', exact: true }).click();
    await waitFor('the invalidation list', async () => ((await page.locator('#invalidation-heading ~ .table-wrap').innerText()).includes('Academic misconduct') ? true : null));
    await shots.take(page, '08-instructor-invalidated');

    await employer.reload();
    expect(await employer.locator('.verdict h1').innerText()).toBe('REVOKED');
    expect(await employer.locator('.revocation').innerText()).toContain('Revoked on');
    expect(await employer.locator('.revocation').innerText()).toContain('Revoked by the course team after a review.');
    expect(await employer.content()).not.toContain('confirmed by the board');
    await shots.take(employer, '09-employer-revoked-375px');

    // Reinstating from the invalidation list makes the same link valid again.
    await page.getByRole('button', { name: 'Reinstate' }).click();
    await waitFor('the reinstatement', async () => ((await page.locator('#invalidation-heading ~ .table-wrap').innerText()).includes('No certificate is invalidated') ? true : null));
    await employer.reload();
    expect(await employer.locator('.verdict h1').innerText()).toBe('VALID');
    await Promise.all([context.close(), phone.close()]);
  }, 60_000);

  it('signs out from the page header: the session ends on the server, not only in this browser', async () => {
    const { context, page } = await signedIn({ role: 'learner', sub: learnerId(1), name: 'Łucja Żółć' }, '/app/learner');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'certificates_session', httpOnly: true, sameSite: 'Lax' });
    await Promise.all([page.waitForURL(`${ctx.service.baseUrl}/`), page.getByRole('button', { name: 'Sign out' }).click()]);
    expect(await context.cookies()).toEqual([]);
    await page.goto(`${ctx.service.baseUrl}/app/learner`);
    expect(await page.locator('h1').innerText()).toBe('Please sign in');
    // The old cookie, replayed, opens nothing.
    const replayed = await fetch(`${ctx.service.baseUrl}/me`, { headers: { cookie: `${cookie.name}=${cookie.value}`, accept: 'application/json' } });
    expect(replayed.status).toBe(401);
    await context.close();
  }, 60_000);

  it('is usable with the keyboard and readable at 375 px', async () => {
    const pages: Array<[TokenClaims, string, string]> = [
      [{ ...instructor, courses: [instructorCourse] }, dashboardPath(), '10-instructor-dashboard-375px'],
      [{ role: 'learner', sub: learnerId(1) }, `/app/courses/${encodeURIComponent(selfPacedCourse)}/progress`, '11-learner-progress-375px'],
      [{ role: 'learner', sub: learnerId(1) }, '/app/learner', '12-learner-cards-375px'],
    ];
    for (const [claims, path, name] of pages) {
      const { context, page } = await signedIn(claims, path, { width: 375, height: 812 });
      const fit = await fitsViewport(page);
      expect({ path, ...fit }).toMatchObject({ fits: true });
      await shots.take(page, name);

      // First Tab reaches the skip link, Enter moves focus into the page's main content.
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
      await page.keyboard.press('Enter');
      expect(await page.evaluate('document.activeElement?.id')).toBe('main');
      // Every control can be reached with Tab and shows where the focus is.
      const reachable = await tabThrough(page, 60);
      const controls = await page.locator('main button:visible, main a[href]:visible, main input:visible, main textarea:visible').count();
      expect(reachable).toBeGreaterThanOrEqual(Math.min(controls, 60));
      await context.close();
    }

    // Generation from the keyboard alone: focus the button, press Enter, the task starts.
    const { context, page } = await signedIn({ ...instructor, courses: [instructorCourse] }, dashboardPath());
    await page.getByRole('button', { name: 'Generate certificates', exact: true }).focus();
    await page.keyboard.press('Enter');
    await waitFor('a keyboard-started generation', async () => ((await page.locator('#generation-text').innerText()).startsWith('100%') ? true : null), 60_000);
    await context.close();
  }, 120_000);
});

/** Presses Tab up to `limit` times and counts the distinct focused controls with a visible focus outline. */
async function tabThrough(page: Page, limit: number): Promise<number> {
  const seen = new Set<string>();
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    // A string runs in the page (the test's TypeScript has no DOM types).
    const focused = (await page.evaluate(`(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return {
        key: [el.tagName, (el.textContent || '').trim().slice(0, 40), el.getAttribute('name') || '', el.getAttribute('href') || ''].join('|'),
        outlined: style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
        inMain: !!el.closest('main'),
      };
    })()`)) as { key: string; outlined: boolean; inMain: boolean } | null;
    if (focused?.inMain && focused.outlined) seen.add(`${focused.key}|${i}`);
  }
  return seen.size;
}
