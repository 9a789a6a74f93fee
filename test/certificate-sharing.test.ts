import type { Browser } from 'playwright-core';
import { bearer, lmsToken, signInToken } from './helpers/auth';
import { launchChromium } from './helpers/browser';
import { generateAfterCourseEnd } from './helpers/generation';
import { httpClient, uniqueCourseId, useService, waitFor } from './helpers/service';

type Api = ReturnType<typeof httpClient>;

/**
 * Learner-controlled sharing: a learner makes each certificate public (anyone with its link may
 * download the PDF, the baked badge and the signed credential, e.g. an employer who scanned the QR
 * code) or private (the verification page gives the verdict only). Until they choose, the
 * issuer's CERTIFICATE_VISIBILITY_DEFAULT applies.
 */
/** What each file must look like: its first bytes (the credential is a compact JWS). */
const FILES = {
  'certificate.pdf': (bytes: Buffer) => bytes.subarray(0, 5).toString('latin1') === '%PDF-',
  'badge.png': (bytes: Buffer) => bytes.subarray(1, 4).toString('latin1') === 'PNG',
  'credential.jwt': (bytes: Buffer) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(bytes.toString('utf8')),
} as const;
type File = keyof typeof FILES;
const FILE_NAMES = Object.keys(FILES) as File[];

interface Course {
  courseId: string;
  /** Certificate ids of learners A and B. */
  a: string;
  b: string;
  learnerA: string;
  learnerB: string;
}

/** An instructor-paced course that has ended, two passing learners, their certificates generated. */
async function courseWithTwoCertificates(api: Api, label: string): Promise<Course> {
  const courseId = uniqueCourseId(label);
  const tag = courseId.slice(-8);
  const learnerA = `share-a-${tag}`;
  const learnerB = `share-b-${tag}`;
  expect((await api.post('/courses', { id: courseId, title: `Sharing ${label}`, pacing: 'instructor', endAt: new Date(Date.now() + 1000).toISOString(), certificatesActive: true, passingGrade: 0.5 })).status).toBe(201);
  await api.put(`/courses/${courseId}/enrollments`, {
    enrollments: [learnerA, learnerB].map((learnerId) => ({ learnerId, email: `${learnerId}@example.org`, name: `Learner ${learnerId}`, mode: 'verified' })),
  });
  await api.put(`/courses/${courseId}/grades`, { grades: [learnerA, learnerB].map((learnerId) => ({ learnerId, grade: 0.9 })) });
  await generateAfterCourseEnd(api, courseId);
  const certificates = (await api.get(`/courses/${courseId}/certificates`)).body.certificates as Array<{ id: string; learnerId: string; status: string }>;
  const idOf = (learnerId: string) => certificates.find((c) => c.learnerId === learnerId && c.status === 'downloadable')!.id;
  return { courseId, a: idOf(learnerA), b: idOf(learnerB), learnerA, learnerB };
}

/** Status and content type (or error message) of each of the three files, as this caller. */
async function fetchFiles(baseUrl: string, certificateId: string, headers: Record<string, string> = {}) {
  const answers = {} as Record<File, string>;
  for (const file of FILE_NAMES) {
    const response = await fetch(`${baseUrl}/certificates/${certificateId}/${file}`, { headers: { accept: '*/*', ...headers } });
    if (response.ok) {
      answers[file] = `${response.status} ${FILES[file](Buffer.from(await response.arrayBuffer())) ? file : 'unexpected content'}`;
    } else {
      answers[file] = String(response.status);
      await response.arrayBuffer();
    }
  }
  return answers;
}

const all = (answer: string) => Object.fromEntries(FILE_NAMES.map((file) => [file, answer]));
const served = Object.fromEntries(FILE_NAMES.map((file) => [file, `200 ${file}`]));

/** What an employer holding only the link sees: the JSON answer and the HTML page. */
async function verificationOf(baseUrl: string, certificateId: string) {
  const json = (await (await fetch(`${baseUrl}/verify/${certificateId}`, { headers: { accept: 'application/json' } })).json()) as { verdict: string; downloads?: Record<string, string> };
  const page = await (await fetch(`${baseUrl}/verify/${certificateId}`, { headers: { accept: 'text/html' } })).text();
  return { json, page };
}

describe('learner-controlled sharing (issuer default: public)', () => {
  const ctx = useService();
  let course: Course;
  const as = {} as { learnerA: Record<string, string>; learnerB: Record<string, string>; instructor: Record<string, string> };
  const url = (path: string) => `${ctx.service.baseUrl}${path}`;
  const put = (certificateId: string, body: unknown, headers: Record<string, string>) =>
    fetch(url(`/certificates/${certificateId}/visibility`), { method: 'PUT', headers: { accept: 'application/json', 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  const visibilityOf = async (certificateId: string) => (await ctx.api.get(`/certificates/${certificateId}/visibility`, as.learnerA)).body as { visibility: string; learnerChoice: string | null };

  beforeAll(async () => {
    course = await courseWithTwoCertificates(ctx.api, 'Public');
    as.learnerA = bearer(await lmsToken({ role: 'learner', sub: course.learnerA }));
    as.learnerB = bearer(await lmsToken({ role: 'learner', sub: course.learnerB }));
    as.instructor = bearer(await lmsToken({ role: 'instructor', sub: 'prof-sharing', courses: [course.courseId] }));
  }, 90_000);

  it("follows the issuer's default until the learner chooses, and says so to the learner and the course team", async () => {
    const expected = { certificateId: course.a, visibility: 'public', learnerChoice: null, issuerDefault: 'public' };
    expect((await ctx.api.get(`/certificates/${course.a}/visibility`, as.learnerA)).body).toEqual(expected);
    expect((await ctx.api.get(`/certificates/${course.a}/visibility`, as.instructor)).body).toEqual(expected);
    expect((await ctx.api.get(`/certificates/${course.a}/share`, as.learnerA)).body.visibility).toBe('public');
    expect((await ctx.api.get(`/certificates/${course.a}`, as.learnerA)).body.visibility).toBe('public');
  });

  it('lets anyone with the link download the PDF, the badge and the signed credential of a public certificate', async () => {
    expect(await fetchFiles(ctx.service.baseUrl, course.a)).toEqual(served);
    // A signed-in person who is neither its learner nor its course team is "anyone" too.
    expect(await fetchFiles(ctx.service.baseUrl, course.a, as.learnerB)).toEqual(served);

    const anonymousJws = await (await fetch(url(`/certificates/${course.a}/credential.jwt`))).text();
    const learnersJws = await (await fetch(url(`/certificates/${course.a}/credential.jwt`), { headers: as.learnerA })).text();
    expect(anonymousJws).toBe(learnersJws);
    const payload = JSON.parse(Buffer.from(anonymousJws.split('.')[1], 'base64url').toString('utf8')) as { id: string };
    expect(payload.id).toBe(`urn:uuid:${course.a}`);
    expect((await httpClient(ctx.service.baseUrl).post('/verify', { credential: anonymousJws })).body.verdict).toBe('valid');

    const { json, page } = await verificationOf(ctx.service.baseUrl, course.a);
    const files = { pdfUrl: url(`/certificates/${course.a}/certificate.pdf`), badgeUrl: url(`/certificates/${course.a}/badge.png`), credentialUrl: url(`/certificates/${course.a}/credential.jwt`) };
    expect(json).toMatchObject({ verdict: 'valid', downloads: files });
    for (const link of Object.values(files)) expect(page).toContain(`href="${link}"`);
  });

  it('switches public → private → public: a private certificate shows the verdict only and its files need its learner or course team', async () => {
    expect(await put(course.a, { visibility: 'private' }, as.learnerA)).toEqual({ status: 200, body: { certificateId: course.a, visibility: 'private', learnerChoice: 'private', issuerDefault: 'public' } });
    expect(await fetchFiles(ctx.service.baseUrl, course.a)).toEqual(all('401'));
    expect(await fetchFiles(ctx.service.baseUrl, course.a, as.learnerB)).toEqual(all('403'));
    expect(await fetchFiles(ctx.service.baseUrl, course.a, as.learnerA)).toEqual(served);
    expect(await fetchFiles(ctx.service.baseUrl, course.a, as.instructor)).toEqual(served);
    expect((await ctx.api.get(`/certificates/${course.a}/share`, as.learnerA)).body.visibility).toBe('private');
    const { json, page } = await verificationOf(ctx.service.baseUrl, course.a);
    expect(json.verdict).toBe('valid');
    expect(json.downloads).toBeUndefined();
    expect(page).toContain('<h1>VALID</h1>');
    expect(page).not.toContain(`/certificates/${course.a}/`);

    expect((await put(course.a, { visibility: 'public' }, as.learnerA)).body).toMatchObject({ visibility: 'public', learnerChoice: 'public' });
    expect(await fetchFiles(ctx.service.baseUrl, course.a)).toEqual(served);
    expect((await verificationOf(ctx.service.baseUrl, course.a)).json.downloads).toBeDefined();
  });

  it("leaves the choice to the certificate's learner: another learner, its course team and administrators are refused", async () => {
    const before = await visibilityOf(course.a);
    for (const headers of [as.learnerB, as.instructor, await adminOf(), { 'x-api-key': process.env.TEST_API_KEY! }]) {
      const refused = await put(course.a, { visibility: 'private' }, headers);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toBe('only the learner this certificate was issued to may do this');
    }
    expect((await put(course.a, { visibility: 'private' }, {})).status).toBe(401);
    expect(await visibilityOf(course.a)).toEqual(before);
  });

  it('answers 400 naming the field for a body that is not a visibility', async () => {
    for (const body of [{ visibility: 'everyone' }, {}, { visibility: 'PUBLIC' }]) {
      const bad = await put(course.a, body, as.learnerA);
      expect(bad.status).toBe(400);
      expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['body.visibility']);
      expect(bad.body.fields[0].message).toContain('"public"');
    }
    const extra = await put(course.a, { visibility: 'public', shareWith: 'everyone' }, as.learnerA);
    expect(extra.status).toBe(400);
    expect(JSON.stringify(extra.body.fields)).toContain('shareWith');
  });

  it("never gives the public more than the learner: while the course's certificates are off, a public certificate's files need its course team", async () => {
    expect((await ctx.api.put(`/courses/${course.courseId}/certificates/activation`, { active: false })).status).toBe(200);
    try {
      expect(await visibilityOf(course.a)).toMatchObject({ visibility: 'public' });
      expect(await fetchFiles(ctx.service.baseUrl, course.a)).toEqual(all('401'));
      expect(await fetchFiles(ctx.service.baseUrl, course.a, as.learnerA)).toEqual(all('403'));
      expect((await verificationOf(ctx.service.baseUrl, course.a)).json).toMatchObject({ verdict: 'valid' });
      expect((await verificationOf(ctx.service.baseUrl, course.a)).json.downloads).toBeUndefined();
    } finally {
      expect((await ctx.api.put(`/courses/${course.courseId}/certificates/activation`, { active: true, confirm: true })).status).toBe(200);
    }
    expect(await fetchFiles(ctx.service.baseUrl, course.a)).toEqual(served);
  });

  it("keeps the learner's choice when the course team regenerates the certificate", async () => {
    expect((await put(course.a, { visibility: 'private' }, as.learnerA)).status).toBe(200);
    const before = (await ctx.api.get(`/certificates/${course.a}`)).body as { issuedAt: string };
    const regen = await ctx.api.post(`/courses/${course.courseId}/generation-tasks`, { kind: 'regenerate', groups: ['downloadable'], requestedBy: 'prof-sharing' });
    expect(regen.status).toBe(202);
    const task = await waitFor('the regeneration', async () => {
      const r = (await ctx.api.get(`/generation-tasks/${regen.body.id}`)).body as { state: string; issued: number };
      return r.state === 'succeeded' ? r : null;
    });
    expect(task.issued).toBe(2);
    const after = (await ctx.api.get(`/certificates/${course.a}`)).body as { id: string; issuedAt: string; visibility: string };
    expect(after.id).toBe(course.a);
    expect(new Date(after.issuedAt).getTime()).toBeGreaterThan(new Date(before.issuedAt).getTime());
    expect(after.visibility).toBe('private');
    expect(await visibilityOf(course.a)).toMatchObject({ visibility: 'private', learnerChoice: 'private' });
    expect(await fetchFiles(ctx.service.baseUrl, course.a)).toEqual(all('401'));
    // The other learner never chose: still the issuer's default.
    expect(await fetchFiles(ctx.service.baseUrl, course.b)).toEqual(served);
  });

  it('a revoked certificate answers 410 to anyone, even when public, and its page offers no files', async () => {
    expect((await put(course.b, { visibility: 'public' }, as.learnerB)).status).toBe(200);
    expect((await ctx.api.post(`/certificates/${course.b}/invalidations`, { notes: 'issued in error', invalidatedBy: 'prof-sharing' })).status).toBe(201);
    expect(await fetchFiles(ctx.service.baseUrl, course.b)).toEqual(all('410'));
    expect(await fetchFiles(ctx.service.baseUrl, course.b, as.learnerB)).toEqual(all('410'));
    const { json, page } = await verificationOf(ctx.service.baseUrl, course.b);
    expect(json.verdict).toBe('revoked');
    expect(json.downloads).toBeUndefined();
    expect(page).not.toContain(`/certificates/${course.b}/`);
  });

  describe('in a browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('the learner sees whether the certificate is public or private on their course card and switches it', async () => {
      expect((await put(course.a, { visibility: 'public' }, as.learnerA)).status).toBe(200);
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        const token = await signInToken({ role: 'learner', sub: course.learnerA });
        await page.goto(url(`/session?token=${token}&next=${encodeURIComponent('/app/learner')}`));
        await Promise.all([page.waitForURL(url('/app/learner')), page.getByRole('button', { name: /^Continue as / }).click()]);
        const card = page.locator('article').filter({ has: page.locator('[data-visibility]') });
        expect(await card.locator('[data-visibility]').innerText()).toBe('Public');

        await Promise.all([page.waitForEvent('load'), card.getByRole('button', { name: 'Make private' }).click()]);
        await waitFor('the card to say private', async () => ((await page.locator('[data-visibility]').first().innerText()) === 'Private' ? true : null), 10_000);
        expect(await visibilityOf(course.a)).toMatchObject({ visibility: 'private', learnerChoice: 'private' });
        expect(await fetchFiles(ctx.service.baseUrl, course.a)).toEqual(all('401'));

        await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Make public' }).click()]);
        await waitFor('the card to say public', async () => ((await page.locator('[data-visibility]').first().innerText()) === 'Public' ? true : null), 10_000);
        expect(await fetchFiles(ctx.service.baseUrl, course.a)).toEqual(served);
      } finally {
        await context.close();
      }
    }, 60_000);
  });
});

describe('learner-controlled sharing (issuer default: private)', () => {
  const ctx = useService({ CERTIFICATE_VISIBILITY_DEFAULT: 'private' });

  it('keeps certificates nobody chose for private, until their learner makes them public', async () => {
    const course = await courseWithTwoCertificates(ctx.api, 'Private');
    const learnerA = bearer(await lmsToken({ role: 'learner', sub: course.learnerA }));
    expect((await ctx.api.get(`/certificates/${course.a}/visibility`, learnerA)).body).toEqual({ certificateId: course.a, visibility: 'private', learnerChoice: null, issuerDefault: 'private' });
    expect(await fetchFiles(ctx.service.baseUrl, course.a)).toEqual(all('401'));
    expect((await verificationOf(ctx.service.baseUrl, course.a)).json).toMatchObject({ verdict: 'valid' });
    expect((await verificationOf(ctx.service.baseUrl, course.a)).json.downloads).toBeUndefined();

    const chosen = await ctx.api.raw('PUT', `/certificates/${course.a}/visibility`, { visibility: 'public' }, learnerA);
    expect(chosen.body).toEqual({ certificateId: course.a, visibility: 'public', learnerChoice: 'public', issuerDefault: 'private' });
    expect(await fetchFiles(ctx.service.baseUrl, course.a)).toEqual(served);
    expect((await verificationOf(ctx.service.baseUrl, course.a)).json.downloads).toBeDefined();
    expect(await fetchFiles(ctx.service.baseUrl, course.b)).toEqual(all('401'));
  }, 90_000);
});

async function adminOf(): Promise<Record<string, string>> {
  return bearer(await lmsToken({ role: 'admin', sub: 'platform-admin' }));
}
