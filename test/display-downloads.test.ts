import { DOWNLOAD_REFUSALS } from '../apps/shared/domain/certificate-downloads';
import type { DisplayBehavior } from '../apps/shared/domain/enums';
import { formatDate } from '../apps/shared/domain/format';
import { bearer, lmsToken } from './helpers/auth';
import { httpClient, uniqueCourseId, useService, waitFor } from './helpers/service';

type Api = ReturnType<typeof httpClient>;

/**
 * Point 4 and 5 of issue 11: what a download of an issued certificate answers (PDF, baked badge,
 * signed credential, share links) follows the display behaviour and the activation of the course,
 * for the learner; course staff may always download. The public verification page follows the
 * display behaviour like the learner's download, and is not affected by deactivation.
 */
const DAY = 86_400_000;
const now = Date.now();
const at = (days: number) => new Date(now + days * DAY);

interface Row {
  behavior: DisplayBehavior;
  moment: 'before' | 'after';
  endAt: Date;
  certificateAvailableAt?: Date;
  /** When learners may download, or null: as soon as issued. */
  visibleFrom: Date | null;
}

// Each display behaviour before and after the moment its certificates become visible (the early
// behaviours have no "before": issued certificates are visible at once, even before the course end).
const ROWS: Row[] = [
  { behavior: 'end', moment: 'before', endAt: at(30), visibleFrom: at(30) },
  { behavior: 'end', moment: 'after', endAt: at(-1), visibleFrom: at(-1) },
  { behavior: 'end_with_date', moment: 'before', endAt: at(-1), certificateAvailableAt: at(20), visibleFrom: at(20) },
  { behavior: 'end_with_date', moment: 'after', endAt: at(-2), certificateAvailableAt: at(-1), visibleFrom: at(-1) },
  { behavior: 'early_no_info', moment: 'after', endAt: at(30), visibleFrom: null },
  { behavior: 'early_with_info', moment: 'after', endAt: at(30), visibleFrom: null },
];

const ROUTES = ['certificate.pdf', 'badge.png', 'credential.jwt', 'share'] as const;
const CONTENT_TYPES: Record<(typeof ROUTES)[number], string> = {
  'certificate.pdf': 'application/pdf',
  'badge.png': 'image/png',
  // An Open Badges 3.0 VC-JWT (the default format) is served as text/plain.
  'credential.jwt': 'text/plain',
  share: 'application/json',
};

type Caller = 'learner' | 'instructor' | 'apiKey';
const CALLERS: Caller[] = ['learner', 'instructor', 'apiKey'];

interface Issued {
  courseId: string;
  learnerId: string;
  certificateId: string;
}

/** Enrolls one passing learner before certificates are activated, then the instructor generates. */
async function issueOne(api: Api, row: Row): Promise<Issued> {
  const courseId = uniqueCourseId(`Downloads-${row.behavior}-${row.moment}`);
  const created = await api.post('/courses', {
    id: courseId,
    title: `Downloads ${row.behavior} ${row.moment}`,
    pacing: 'instructor',
    // Certificates are off and the course cannot start before they are on: it is scheduled ahead,
    // then given the row's dates once they are activated.
    startAt: at(60).toISOString(),
    endAt: at(90).toISOString(),
    certificateAvailableAt: row.certificateAvailableAt?.toISOString(),
    displayBehavior: row.behavior,
    passingGrade: 0.6,
  });
  expect(created.status).toBe(201);
  const learnerId = `dl-${courseId.slice(-8)}`;
  expect((await api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId, email: `${learnerId}@example.org`, name: 'Grace Hopper', mode: 'verified' }] })).status).toBe(200);
  expect((await api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId, grade: 0.9 }] })).status).toBe(200);
  expect((await api.put(`/courses/${courseId}/certificates/activation`, { active: true, confirm: true })).status).toBe(200);
  expect((await api.patch(`/courses/${courseId}`, { startAt: at(-10).toISOString(), endAt: row.endAt.toISOString() })).status).toBe(200);
  const task = await api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners' });
  expect(task.status).toBe(202);
  await waitFor(`generation in ${courseId}`, async () => ((await api.get(`/generation-tasks/${task.body.id}`)).body.state === 'succeeded' ? true : null));
  const certificates = await api.get(`/courses/${courseId}/certificates`);
  const certificate = certificates.body.certificates.find((c: { learnerId: string; status: string }) => c.learnerId === learnerId && c.status === 'downloadable');
  expect(certificate).toBeDefined();
  return { courseId, learnerId, certificateId: certificate.id };
}

/** Status and, for a refusal, the message of every download route, as one caller (errors as JSON, files as served). */
async function downloads(baseUrl: string, headers: Record<string, string>, certificateId: string) {
  const answers: Record<string, string> = {};
  for (const route of ROUTES) {
    const response = await fetch(`${baseUrl}/certificates/${certificateId}/${route}`, { headers: { accept: 'application/json, */*;q=0.1', ...headers } });
    if (response.ok) {
      const type = response.headers.get('content-type') ?? '';
      answers[route] = `${response.status} ${type.startsWith(CONTENT_TYPES[route]) ? CONTENT_TYPES[route] : `unexpected ${type}`}`;
      await response.arrayBuffer();
    } else {
      const body = (await response.json()) as { message: string };
      answers[route] = `${response.status} ${body.message}`;
    }
  }
  return answers;
}

const every = (answer: string) => Object.fromEntries(ROUTES.map((route) => [route, answer]));
const served = Object.fromEntries(ROUTES.map((route) => [route, `200 ${CONTENT_TYPES[route]}`]));
const SIGN_IN_FIRST = '401 sign in first: send a bearer token or an API key';
/**
 * Anyone without credentials, for a certificate its learner shares publicly (the issuer's default):
 * the three files exactly when its learner may download them, never the share links.
 */
const anonymous = (learnerMayDownload: boolean) => ({ ...(learnerMayDownload ? served : every(SIGN_IN_FIRST)), share: SIGN_IN_FIRST });

describe('downloads follow the display behaviour and the activation (learner) and never stop staff', () => {
  const ctx = useService();
  const issued = new Map<Row, Issued>();
  const headers = {} as Record<Caller, (row: Row) => Record<string, string>>;

  beforeAll(async () => {
    for (const [row, result] of await Promise.all(ROWS.map(async (row) => [row, await issueOne(ctx.api, row)] as const))) issued.set(row, result);
    const learnerTokens = new Map<Row, Record<string, string>>();
    for (const row of ROWS) learnerTokens.set(row, bearer(await lmsToken({ role: 'learner', sub: issued.get(row)!.learnerId })));
    const instructor = bearer(await lmsToken({ role: 'instructor', sub: 'prof-downloads', courses: ROWS.map((row) => issued.get(row)!.courseId) }));
    headers.learner = (row) => learnerTokens.get(row)!;
    headers.instructor = () => instructor;
    headers.apiKey = () => ({ 'x-api-key': process.env.TEST_API_KEY! });
  }, 120_000);

  /** What each caller gets, and what the public verification page answers. */
  async function observe(row: Row) {
    const { certificateId } = issued.get(row)!;
    const answers: Record<string, Record<string, string>> = {};
    for (const caller of CALLERS) answers[caller] = await downloads(ctx.service.baseUrl, headers[caller](row), certificateId);
    answers.anonymous = await downloads(ctx.service.baseUrl, {}, certificateId);
    const verification = await ctx.api.get(`/verify/${certificateId}`);
    const record = (verification.body.checks as Array<{ name: string; detail: string }>).find((c) => c.name === 'record');
    return { answers, verification: { status: verification.status, verdict: verification.body.verdict, record: verification.body.verdict === 'valid' ? 'ok' : record?.detail } };
  }

  describe('certificates active', () => {
    it.each(ROWS.map((row) => [row.behavior, row.moment, row] as const))('%s, %s the visibility date', async (_behavior, _moment, row) => {
      const notYet = row.moment === 'before' ? DOWNLOAD_REFUSALS.notYetVisible(formatDate(row.visibleFrom)) : null;
      expect(await observe(row)).toEqual({
        answers: {
          learner: notYet ? every(`403 ${notYet}`) : served,
          instructor: served,
          apiKey: served,
          anonymous: anonymous(!notYet),
        },
        // The employer has no link before the learner does: treated like the learner's download.
        verification: notYet ? { status: 404, verdict: 'not_found', record: notYet } : { status: 200, verdict: 'valid', record: 'ok' },
      });
    });
  });

  describe('certificates deactivated by the course team', () => {
    beforeAll(async () => {
      for (const row of ROWS) {
        const response = await ctx.api.put(`/courses/${issued.get(row)!.courseId}/certificates/activation`, { active: false });
        expect(response.status).toBe(200);
        expect(response.body.certificatesActive).toBe(false);
      }
    });

    it.each(ROWS.map((row) => [row.behavior, row.moment, row] as const))('%s, %s the visibility date', async (_behavior, _moment, row) => {
      const notYet = row.moment === 'before' ? DOWNLOAD_REFUSALS.notYetVisible(formatDate(row.visibleFrom)) : null;
      expect(await observe(row)).toEqual({
        answers: {
          learner: every(`403 ${DOWNLOAD_REFUSALS.notEnabled}`),
          instructor: served,
          apiKey: served,
          anonymous: anonymous(false),
        },
        // Deactivation stops downloads, not the truth about what was issued.
        verification: notYet ? { status: 404, verdict: 'not_found', record: notYet } : { status: 200, verdict: 'valid', record: 'ok' },
      });
    });

    it('serves the learner again once certificates are enabled again', async () => {
      const row = ROWS.find((r) => r.behavior === 'early_no_info')!;
      const { courseId, certificateId } = issued.get(row)!;
      expect((await ctx.api.put(`/courses/${courseId}/certificates/activation`, { active: true, confirm: true })).status).toBe(200);
      expect(await downloads(ctx.service.baseUrl, headers.learner(row), certificateId)).toEqual(served);
    });
  });

  it('a revoked certificate answers 410 to everyone, whatever the date or the activation', async () => {
    const row = ROWS.find((r) => r.behavior === 'end' && r.moment === 'before')!;
    const { certificateId } = issued.get(row)!;
    const revoked = await ctx.api.post(`/certificates/${certificateId}/invalidations`, { notes: 'issued by mistake', invalidatedBy: 'prof-downloads' });
    expect(revoked.status).toBe(201);
    for (const caller of CALLERS) {
      const answers = await downloads(ctx.service.baseUrl, headers[caller](row), certificateId);
      expect(Object.values(answers).every((answer) => answer.startsWith('410 '))).toBe(true);
    }
  });

  it('a revoked certificate its learner shares publicly answers 410 to anyone for its files', async () => {
    // Enabled again above: its learner could download it, so anyone could before the revocation.
    const row = ROWS.find((r) => r.behavior === 'early_no_info')!;
    const { certificateId } = issued.get(row)!;
    expect((await downloads(ctx.service.baseUrl, {}, certificateId))['credential.jwt']).toBe(served['credential.jwt']);
    expect((await ctx.api.post(`/certificates/${certificateId}/invalidations`, { notes: 'issued by mistake', invalidatedBy: 'prof-downloads' })).status).toBe(201);
    const answers = await downloads(ctx.service.baseUrl, {}, certificateId);
    expect(answers).toEqual({ 'certificate.pdf': expect.stringMatching(/^410 /), 'badge.png': expect.stringMatching(/^410 /), 'credential.jwt': expect.stringMatching(/^410 /), share: SIGN_IN_FIRST });
  });
});
