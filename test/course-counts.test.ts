import { CERTIFICATE_STATUSES, type CertificateStatus } from '../apps/shared/domain/enums';
import { courseDetailResponse } from '../apps/api/src/common/response-schemas';
import { useServiceWithMail, useServiceWithRefusingRelay } from './helpers/mail';
import { startExtraWorker, uniqueCourseId, useService, waitFor, type ExtraWorker, type httpClient } from './helpers/service';

type Api = ReturnType<typeof httpClient>;

interface Counts {
  enrollments: number;
  certificates: Partial<Record<CertificateStatus, number>>;
  exceptions: number;
  invalidated: number;
  certificateMail: { sent: number; pending: number; failed: number };
}

interface ListedCertificate {
  id: string;
  learnerId: string;
  status: CertificateStatus;
  valid: boolean;
  invalidated: boolean;
}

/** The page's own labels of the statuses, in its order. */
const STATUS_LABELS: Record<CertificateStatus, string> = {
  downloadable: 'issued',
  notpassing: 'not passing',
  audit_passing: 'audit, passing',
  audit_notpassing: 'audit, not passing',
  unavailable: 'unavailable',
  error: 'failed to generate',
};

/** Every item of a paged list, a few at a time (small pages, so paging itself is exercised). */
async function everyItem<T>(api: Api, path: string, key: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await api.get(`${path}${separator}limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    items.push(...(page.body[key] as T[]));
    cursor = page.body.nextCursor as string | null;
  } while (cursor);
  return items;
}

/**
 * The counts as the lists say, row by row. Enrollments have no list: the test keeps the learners
 * it enrolled. Mail: with `mail`, what the relay received and refused; without, every valid
 * certificate's mail is pending (no relay, nothing is sent).
 */
async function countedFromLists(api: Api, courseId: string, enrolled: Set<string>, mail?: { sentTo: Set<string>; refused: (learnerId: string) => boolean }): Promise<Counts> {
  const certificates: Partial<Record<CertificateStatus, number>> = {};
  for (const status of CERTIFICATE_STATUSES) {
    const rows = await everyItem<ListedCertificate>(api, `/courses/${courseId}/certificates?status=${status}`, 'certificates');
    expect(rows.every((r) => r.status === status)).toBe(true);
    if (rows.length) certificates[status] = rows.length;
  }
  const all = await everyItem<ListedCertificate>(api, `/courses/${courseId}/certificates`, 'certificates');
  const invalidations = await everyItem<{ certificateId: string }>(api, `/courses/${courseId}/invalidations`, 'invalidations');
  expect(invalidations.map((i) => i.certificateId).sort()).toEqual(all.filter((c) => c.invalidated).map((c) => c.id).sort());
  const exceptions = await everyItem<{ learnerId: string }>(api, `/courses/${courseId}/exceptions`, 'exceptions');
  const valid = all.filter((c) => c.valid);
  const certificateMail = mail
    ? {
        sent: all.filter((c) => mail.sentTo.has(c.learnerId)).length,
        pending: valid.filter((c) => !mail.sentTo.has(c.learnerId) && !mail.refused(c.learnerId)).length,
        failed: valid.filter((c) => mail.refused(c.learnerId)).length,
      }
    : { sent: 0, pending: valid.length, failed: 0 };
  return { enrollments: enrolled.size, certificates, exceptions: exceptions.length, invalidated: invalidations.length, certificateMail };
}

/** The counts GET /courses/:id and the Certificates page show. */
async function shown(api: Api, courseId: string): Promise<Counts & { page: string }> {
  const detail = await api.get(`/courses/${courseId}`);
  expect(detail.status).toBe(200);
  const course = courseDetailResponse.parse(detail.body);
  const response = await api.fetch(`/app/courses/${encodeURIComponent(courseId)}/certificates`, { headers: { accept: 'text/html' } });
  expect(response.status).toBe(200);
  const html = await response.text();
  const number = (pattern: RegExp) => Number(pattern.exec(html)?.[1] ?? NaN);
  const invalidated = number(/Invalidated certificates <span class="muted small">\((\d+)\)/);
  const certificatesLine = /<dt>Certificates<\/dt><dd>([^<]*)<\/dd>/.exec(html)?.[1] ?? '';
  const expectedLine = (c: Counts) => {
    const parts = CERTIFICATE_STATUSES.flatMap((s) => (c.certificates[s] ? [`${c.certificates[s]} ${STATUS_LABELS[s]}`] : []));
    return `${parts.length ? parts.join(', ') : 'none yet'}${c.invalidated ? ` (of the issued, ${c.invalidated} invalidated)` : ''}`;
  };
  const counts: Counts = {
    enrollments: course.enrollments,
    certificates: course.certificates,
    exceptions: number(/Exception list <span class="muted small">\((\d+)\)/),
    invalidated,
    certificateMail: course.certificateMail,
  };
  // The page shows what GET /courses/:id answers.
  expect(number(/<dt>Learners enrolled<\/dt><dd>(\d+)<\/dd>/)).toBe(course.enrollments);
  expect(html).toContain(`data-certificate-mail>${course.certificateMail.sent} sent, ${course.certificateMail.pending} pending, ${course.certificateMail.failed} failed<`);
  expect(certificatesLine).toBe(expectedLine(counts));
  return { ...counts, page: certificatesLine };
}

/**
 * The shown counts equal the lists' truth. Background work (a generation task's last batch, a
 * mail) may still be landing: the counts are read until two reads around the lists agree.
 */
async function expectCountsTrue(api: Api, courseId: string, truth: () => Promise<Counts>, step: string): Promise<Counts> {
  let last: { shown: Counts; truth: Counts } | null = null;
  for (let attempt = 0; attempt < 40; attempt++) {
    const { page: _before, ...before } = await shown(api, courseId);
    const counted = await truth();
    const { page: _after, ...after } = await shown(api, courseId);
    last = { shown: after, truth: counted };
    if (JSON.stringify(before) === JSON.stringify(after) && JSON.stringify(after) === JSON.stringify(counted)) return after;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect({ step, counts: last!.shown }).toEqual({ step, counts: last!.truth });
  return last!.shown;
}

async function finished(api: Api, taskId: string) {
  return waitFor(`generation task ${taskId}`, async () => {
    const r = await api.get(`/generation-tasks/${taskId}`);
    if (r.body.state === 'failed') throw new Error(`generation task ${taskId} failed: ${r.body.error}`);
    return r.body.state === 'succeeded' ? r.body : null;
  }, 90_000);
}

async function generate(api: Api, courseId: string, body: Record<string, unknown>) {
  const task = await api.post(`/courses/${courseId}/generation-tasks`, { requestedBy: 'prof@example.org', ...body });
  expect(task.status).toBe(202);
  return finished(api, task.body.id as string);
}

const csv = (api: Api, path: string, text: string) => api.raw('POST', path, text, { 'content-type': 'text/csv' });

describe('course counts: exact after every write, whatever the course size', () => {
  // Tiny chunks, several at once, and a second worker process: one course's issuance is written by
  // both workers concurrently.
  const env = { ISSUANCE_CHUNK_SIZE: '3', ISSUANCE_BATCH_SIZE: '2', ISSUANCE_MAX_IN_FLIGHT: '4' };
  const ctx = useService(env);
  let extra: ExtraWorker;
  beforeAll(async () => {
    extra = await startExtraWorker(ctx.service, env);
  }, 60_000);
  afterAll(async () => {
    await extra?.stop();
  });

  it('enrollment, issuance by two workers and by learners, exceptions, invalidation and reinstatement, regeneration', async () => {
    const { api } = ctx;
    const courseId = uniqueCourseId('Counts');
    const suffix = courseId.slice(-8);
    const learner = (n: number) => `learner-${String(n).padStart(2, '0')}-${suffix}`;
    const created = await api.post('/courses', { id: courseId, title: 'Counts', pacing: 'self', endAt: new Date(Date.now() + 3_600_000).toISOString(), certificatesActive: true, passingGrade: 0.5 });
    expect(created.status).toBe(201);
    const enrolled = new Set<string>();
    const truth = () => countedFromLists(api, courseId, enrolled);
    const check = (step: string) => expectCountsTrue(api, courseId, truth, step);

    expect(await check('a new course')).toMatchObject({ enrollments: 0, certificates: {}, certificateMail: { sent: 0, pending: 0, failed: 0 } });

    // Enrollment by JSON: learners 0..19, every fifth auditing; then the same again (no change).
    const person = (n: number) => ({ learnerId: learner(n), email: `${learner(n)}@example.org`, name: `Learner ${n}`, mode: n % 5 === 4 ? 'audit' : 'verified' });
    const first = Array.from({ length: 20 }, (_, n) => person(n));
    expect((await api.put(`/courses/${courseId}/enrollments`, { enrollments: first })).status).toBe(200);
    expect((await api.put(`/courses/${courseId}/enrollments`, { enrollments: first })).status).toBe(200);
    first.forEach((p) => enrolled.add(p.learnerId));
    await check('after enrollment');

    // Two CSV imports at once, overlapping (learners 16..27 and 22..33).
    const rows = (from: number, to: number) =>
      ['learnerId,email,name,mode', ...Array.from({ length: to - from + 1 }, (_, i) => person(from + i)).map((p) => `${p.learnerId},${p.email},${p.name},${p.mode}`)].join('\n');
    const imports = await Promise.all([csv(api, `/courses/${courseId}/imports/enrollments`, rows(16, 27)), csv(api, `/courses/${courseId}/imports/enrollments`, rows(22, 33))]);
    expect(imports.map((r) => r.status)).toEqual([200, 200]);
    for (let n = 0; n <= 33; n++) enrolled.add(learner(n));
    expect(await check('after two concurrent imports')).toMatchObject({ enrollments: 34 });

    // Grades: a third fail (n % 3 === 0).
    const grades = Array.from({ length: 34 }, (_, n) => ({ learnerId: learner(n), grade: n % 3 === 0 ? 0.2 : 0.9 }));
    expect((await api.put(`/courses/${courseId}/grades`, { grades })).status).toBe(200);

    // Learners ask for their certificate: issued, or refused with a status.
    for (const n of [1, 3]) expect((await api.post(`/courses/${courseId}/learners/${learner(n)}/certificate`)).status).toBe(200);
    expect(await check('after learner requests')).toMatchObject({ certificates: { downloadable: 1 } });

    // The bulk issuance, written by both workers, while learners ask for theirs and CSV grades change.
    const bulk = await api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners', requestedBy: 'prof@example.org' });
    expect(bulk.status).toBe(202);
    const during = await Promise.all([
      ...[2, 5, 7, 8, 10, 11].map((n) => api.post(`/courses/${courseId}/learners/${learner(n)}/certificate`)),
      csv(api, `/courses/${courseId}/imports/grades`, ['learnerId,grade', `${learner(30)},0.95`, `${learner(31)},0.1`].join('\n')),
    ]);
    expect(during.map((r) => r.status).every((s) => s === 200)).toBe(true);
    await finished(api, bulk.body.id as string);
    const issued = await check('after the bulk issuance');
    expect(Object.values(issued.certificates).reduce((a, b) => a + b, 0)).toBe(34);

    // Exceptions: one granted, two imported; certificates for those missing one; one removed.
    const failing = [0, 3, 6].map(learner);
    expect((await api.post(`/courses/${courseId}/exceptions`, { learner: failing[0], notes: 'medical leave', grantedBy: 'prof@example.org' })).status).toBe(201);
    expect((await csv(api, `/courses/${courseId}/exceptions/import?grantedBy=prof%40example.org`, ['learner,notes', `${failing[1]},late`, `${failing[2]}@example.org,excused`].join('\n'))).status).toBe(200);
    expect(await check('after granting exceptions')).toMatchObject({ exceptions: 3 });
    await generate(api, courseId, { kind: 'exceptions_all' });
    await check('after issuing to the exception list');
    const removed = await api.post(`/courses/${courseId}/exceptions/${failing[0]}/removal`, { removedBy: 'prof@example.org' });
    expect(removed.body).toMatchObject({ removed: true, certificateInvalidated: true });
    expect(await check('after removing an exception (its certificate invalidated)')).toMatchObject({ exceptions: 2, invalidated: 1 });

    // Invalidation and reinstatement by the course team, two at once on different certificates.
    const list = await everyItem<ListedCertificate>(api, `/courses/${courseId}/certificates?status=downloadable`, 'certificates');
    const [a, b] = list.filter((c) => c.valid);
    const invalidations = await Promise.all([a, b].map((c) => api.post(`/certificates/${c.id}/invalidations`, { notes: 'copied work', invalidatedBy: 'prof@example.org' })));
    expect(invalidations.map((r) => r.status)).toEqual([201, 201]);
    const afterInvalidation = await check('after two invalidations');
    expect(afterInvalidation.invalidated).toBe(3);
    expect((await api.post(`/certificates/${a.id}/reinstatement`, { reinstatedBy: 'prof@example.org' })).status).toBe(200);
    expect(await check('after a reinstatement')).toMatchObject({ invalidated: 2 });

    // A template change after issuance names how many were issued: the issued count.
    const downloadable = (await truth()).certificates.downloadable ?? 0;
    const refusal = await api.patch(`/courses/${courseId}`, { certificateTemplate: { heading: 'Certificate of Achievement' } });
    expect(refusal.status).toBe(409);
    expect(refusal.body.message).toContain(`${downloadable} certificates were already issued`);

    // Regrades and regeneration: a failing learner now passes, a holder now fails (withdrawn).
    expect((await api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: learner(9), grade: 0.95 }, { learnerId: learner(13), grade: 0.1 }] })).status).toBe(200);
    await generate(api, courseId, { kind: 'regenerate', groups: ['downloadable', 'notpassing'] });
    await check('after regeneration');

    // Everyone again, while the course team invalidates and learners ask.
    const again = await api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners', requestedBy: 'prof@example.org' });
    const current = await everyItem<ListedCertificate>(api, `/courses/${courseId}/certificates?status=downloadable`, 'certificates');
    const target = current.find((c) => c.valid && c.id !== a.id && c.id !== b.id)!;
    const concurrent = await Promise.all([
      api.post(`/certificates/${target.id}/invalidations`, { notes: 'second look', invalidatedBy: 'prof@example.org' }),
      api.post(`/certificates/${b.id}/reinstatement`, { reinstatedBy: 'prof@example.org' }),
      api.post(`/courses/${courseId}/learners/${learner(14)}/certificate`),
    ]);
    expect(concurrent.map((r) => r.status)).toEqual([201, 200, 200]);
    await finished(api, again.body.id as string);
    await check('after a second issuance with concurrent invalidation and reinstatement');
  }, 300_000);
});

describe('course counts: certificate mail sent, pending and failed', () => {
  // A relay that refuses, for good, every address with "refused" in it.
  const { ctx, mail } = useServiceWithMail({ CERTIFICATE_MAIL_RATE: '50' });

  it('follow the mail as it goes out and as certificates are invalidated and reinstated', async () => {
    const { api } = ctx;
    const courseId = uniqueCourseId('CountsMail');
    const suffix = courseId.slice(-8);
    expect((await api.post('/courses', { id: courseId, title: 'Counts mail', pacing: 'self', endAt: new Date(Date.now() + 3_600_000).toISOString(), certificatesActive: true, passingGrade: 0.5 })).status).toBe(201);
    const people = Array.from({ length: 8 }, (_, n) => ({ learnerId: `m${n}-${suffix}`, email: `m${n}-${suffix}@example.org`, name: `Mail ${n}`, mode: 'verified' }));
    expect((await api.put(`/courses/${courseId}/enrollments`, { enrollments: people })).status).toBe(200);
    expect((await api.put(`/courses/${courseId}/grades`, { grades: people.map((p, n) => ({ learnerId: p.learnerId, grade: n === 7 ? 0.1 : 0.9 })) })).status).toBe(200);
    const enrolled = new Set(people.map((p) => p.learnerId));
    const sentTo = () => new Set(mail().messages.filter((m) => m.subject.startsWith('Your certificate')).flatMap((m) => m.to).filter((to) => to.endsWith(`-${suffix}@example.org`)).map((to) => to.replace('@example.org', '')));
    const truth = () => countedFromLists(api, courseId, enrolled, { sentTo: sentTo(), refused: () => false });
    const check = (step: string) => expectCountsTrue(api, courseId, truth, step);

    await generate(api, courseId, { kind: 'all_learners' });
    await waitFor('every mail received', async () => sentTo().size === 7, 60_000);
    expect(await check('after the mail went out')).toMatchObject({ certificateMail: { sent: 7, pending: 0, failed: 0 } });

    // An invalidated certificate's mail stays sent; a new valid certificate's mail is pending, then sent.
    const list = await everyItem<ListedCertificate>(api, `/courses/${courseId}/certificates?status=downloadable`, 'certificates');
    expect((await api.post(`/certificates/${list[0].id}/invalidations`, { notes: 'copied work', invalidatedBy: 'prof@example.org' })).status).toBe(201);
    expect(await check('after invalidating a mailed certificate')).toMatchObject({ invalidated: 1, certificateMail: { sent: 7, pending: 0, failed: 0 } });
    expect((await api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: people[7].learnerId, grade: 0.9 }] })).status).toBe(200);
    expect((await api.post(`/courses/${courseId}/learners/${people[7].learnerId}/certificate`)).body.issued).toBe(true);
    await waitFor('the new certificate mailed', async () => sentTo().size === 8, 60_000);
    expect(await check('after a learner request was mailed')).toMatchObject({ certificateMail: { sent: 8, pending: 0, failed: 0 } });
  }, 180_000);
});

describe('course counts: mail the relay refused', () => {
  const { ctx, accepted } = useServiceWithRefusingRelay({ CERTIFICATE_MAIL_RATE: '50' });

  it('counts refused mail of valid certificates as failed, and follows invalidation and reinstatement', async () => {
    const { api } = ctx;
    const courseId = uniqueCourseId('CountsRefused');
    const suffix = courseId.slice(-8);
    expect((await api.post('/courses', { id: courseId, title: 'Counts refused', pacing: 'self', endAt: new Date(Date.now() + 3_600_000).toISOString(), certificatesActive: true, passingGrade: 0.5 })).status).toBe(201);
    const people = Array.from({ length: 5 }, (_, n) => {
      const id = `${n < 2 ? 'refused' : 'ok'}${n}-${suffix}`;
      return { learnerId: id, email: `${id}@example.org`, name: `Mail ${n}`, mode: 'verified' };
    });
    expect((await api.put(`/courses/${courseId}/enrollments`, { enrollments: people })).status).toBe(200);
    expect((await api.put(`/courses/${courseId}/grades`, { grades: people.map((p) => ({ learnerId: p.learnerId, grade: 0.9 })) })).status).toBe(200);
    const enrolled = new Set(people.map((p) => p.learnerId));
    const sentTo = () => new Set(accepted.filter((to) => to.endsWith(`-${suffix}@example.org`)).map((to) => to.replace('@example.org', '')));
    const truth = () => countedFromLists(api, courseId, enrolled, { sentTo: sentTo(), refused: (id) => id.startsWith('refused') });
    const check = (step: string) => expectCountsTrue(api, courseId, truth, step);

    await generate(api, courseId, { kind: 'all_learners' });
    await waitFor('the accepted mail received', async () => sentTo().size === 3, 60_000);
    expect(await check('after the relay refused two')).toMatchObject({ certificateMail: { sent: 3, pending: 0, failed: 2 } });

    const refusedCertificate = (await everyItem<ListedCertificate>(api, `/courses/${courseId}/certificates`, 'certificates')).find((c) => c.learnerId === people[0].learnerId)!;
    expect((await api.post(`/certificates/${refusedCertificate.id}/invalidations`, { notes: 'copied work', invalidatedBy: 'prof@example.org' })).status).toBe(201);
    expect(await check('after invalidating a certificate whose mail failed')).toMatchObject({ certificateMail: { sent: 3, pending: 0, failed: 1 } });
    expect((await api.post(`/certificates/${refusedCertificate.id}/reinstatement`, { reinstatedBy: 'prof@example.org' })).status).toBe(200);
    expect(await check('after reinstating it')).toMatchObject({ certificateMail: { sent: 3, pending: 0, failed: 2 } });
  }, 120_000);
});
