import type { Browser } from 'playwright-core';
import { signInToken } from './helpers/auth';
import { launchChromium } from './helpers/browser';
import { uniqueCourseId, useService, waitFor } from './helpers/service';

const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const RULE = 'Learners earn a certificate with an overall grade of at least 70% (grade range 70%–100%) and all 2 required lessons completed (1 optional lesson does not count).';
const CHECK = `Before enabling certificates, check that the completion rule and the grade range are what you want. ${RULE}`;

// Issue 11, point 5 (seed 002): certificates are off until the course team enables them, after
// checking the completion rule and the grade range; the course cannot start before.
describe('enabling certificates (seed 002)', () => {
  const ctx = useService();

  async function scheduledCourse(label: string): Promise<string> {
    const courseId = uniqueCourseId(label);
    const created = await ctx.api.post('/courses', { id: courseId, title: `${label} course`, pacing: 'instructor', startAt: inHours(24), endAt: inHours(48), passingGrade: 0.7 });
    expect(created.status).toBe(201);
    const lessons = [
      { id: 'intro', title: 'Introduction', required: true },
      { id: 'project', title: 'Project', required: true },
      { id: 'extra', title: 'Further reading', required: false },
    ];
    expect((await ctx.api.put(`/courses/${courseId}/lessons`, { lessons })).status).toBe(200);
    return courseId;
  }

  it('a course that issues certificates cannot start before they are activated: a start that has come is refused', async () => {
    const base = { title: 'Starts now', pacing: 'self', endAt: inHours(48), passingGrade: 0.5 };
    for (const startAt of [undefined, inHours(-1)]) {
      const courseId = uniqueCourseId('StartsNow');
      const refused = await ctx.api.post('/courses', { id: courseId, ...base, ...(startAt ? { startAt } : {}) });
      expect(refused.status).toBe(400);
      expect(refused.body.fields).toEqual([
        {
          field: 'body.startAt',
          message:
            'a course that issues certificates cannot start before its certificates are activated: give a later start date and activate them before it, or create the course with certificatesActive: true',
        },
      ]);
      expect((await ctx.api.get(`/courses/${courseId}`)).status).toBe(404);
    }
    // The LMS may enable them with the course: it states the passing grade in the same request.
    const enabled = await ctx.api.post('/courses', { id: uniqueCourseId('StartsNowOn'), ...base, certificatesActive: true });
    expect(enabled.status).toBe(201);
    expect(enabled.body.certificatesActive).toBe(true);
  });

  it('a new course has its certificates off, shows the rule to check and refuses issuance until they are enabled', async () => {
    const courseId = await scheduledCourse('Off');
    const course = (await ctx.api.get(`/courses/${courseId}`)).body;
    expect(course.certificatesActive).toBe(false);
    expect(course.lifecycle).toBeNull();
    expect(course.completionRule).toEqual({ passingGrade: 0.7, requiredLessons: 2, optionalLessons: 1, description: RULE });
    expect(course.startReminder).toMatch(/^Activate the certificates before the course starts on \d{1,2} [A-Z][a-z]+ \d{4}: it cannot start until they are\.$/);

    expect((await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId: 'ada', email: 'ada@example.org', name: 'Ada', mode: 'verified' }] })).status).toBe(200);
    expect((await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: 'ada', grade: 0.9 }] })).status).toBe(200);
    const generation = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners' });
    expect(generation.status).toBe(409);
    expect(generation.body.message).toBe(`certificates of course ${courseId} are not activated`);
    // Moving the start to now is starting the course.
    const moved = await ctx.api.patch(`/courses/${courseId}`, { startAt: inHours(-1) });
    expect(moved.status).toBe(400);
    expect(moved.body.fields[0].field).toBe('body.startAt');
  });

  it('enabling asks for a confirmation naming the completion rule and the grade range; confirmed, the lifecycle starts', async () => {
    const courseId = await scheduledCourse('Confirm');
    const unconfirmed = await ctx.api.put(`/courses/${courseId}/certificates/activation`, { active: true });
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.body.message).toBe(`${CHECK} Send confirm: true to enable them.`);
    expect((await ctx.api.get(`/courses/${courseId}`)).body.certificatesActive).toBe(false);
    expect((await ctx.api.get(`/courses/${courseId}/changes`)).body.changes).toEqual([]);

    const confirmed = await ctx.api.put(`/courses/${courseId}/certificates/activation`, { active: true, confirm: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.certificatesActive).toBe(true);
    await waitFor('the course lifecycle to start', async () => ((await ctx.api.get(`/courses/${courseId}`)).body.lifecycle ? true : null));
    const after = (await ctx.api.get(`/courses/${courseId}`)).body;
    expect(after.startReminder).toBeNull();
    const changes = async () => (await ctx.api.get(`/courses/${courseId}/changes`)).body.changes.map((c: { what: string; fields: object }) => [c.what, c.fields]);
    expect(await changes()).toEqual([['activation', { certificatesActive: { old: false, new: true } }]]);
    // Enabled, the course may start now; enabling again needs no confirmation and changes nothing.
    expect((await ctx.api.patch(`/courses/${courseId}`, { startAt: inHours(-1) })).status).toBe(200);
    expect((await ctx.api.put(`/courses/${courseId}/certificates/activation`, { active: true })).status).toBe(200);
    expect((await changes()).map(([what]: [string]) => what)).toEqual(['settings', 'activation']);
    // Deactivating a started course is the course team's choice: no confirmation.
    expect((await ctx.api.put(`/courses/${courseId}/certificates/activation`, { active: false })).status).toBe(200);
  });

  describe('on the Certificates page (in Chromium)', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('the instructor reads the rule and the start reminder, confirms on the modal, and the page shows certificates active', async () => {
      const courseId = await scheduledCourse('Page');
      const context = await browser.newContext();
      const page = await context.newPage();
      const token = await signInToken({ role: 'instructor', sub: 'prof-activation', name: 'Prof Activation', courses: [courseId] });
      const target = `/app/courses/${encodeURIComponent(courseId)}/certificates`;
      await page.goto(`${ctx.service.baseUrl}/session?token=${token}&next=${encodeURIComponent(target)}`);
      await Promise.all([page.waitForURL(`${ctx.service.baseUrl}${target}`), page.getByRole('button', { name: /^Continue as / }).click()]);

      await expect(page.locator('[data-completion-rule]').innerText()).resolves.toBe(RULE);
      await expect(page.locator('[data-start-reminder]').innerText()).resolves.toMatch(/^Activate the certificates before the course starts on /);
      await page.getByRole('button', { name: 'Activate certificates', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog.locator('#confirm-text').innerText()).resolves.toBe(`${CHECK} Enable certificates?`);
      // Cancel leaves them off.
      await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
      expect((await ctx.api.get(`/courses/${courseId}`)).body.certificatesActive).toBe(false);

      await page.getByRole('button', { name: 'Activate certificates', exact: true }).click();
      await Promise.all([page.waitForEvent('load'), page.getByRole('dialog').getByRole('button', { name: 'Ok', exact: true }).click()]);
      await page.getByRole('button', { name: 'Deactivate certificates', exact: true }).waitFor();
      expect(await page.locator('[data-start-reminder]').count()).toBe(0);
      expect((await ctx.api.get(`/courses/${courseId}`)).body.certificatesActive).toBe(true);
      await context.close();
    });
  });
});
