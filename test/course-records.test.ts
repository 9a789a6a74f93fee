import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { courseChangesResponse } from '../apps/api/src/common/response-schemas';
import { extractFromPdf } from '../apps/shared/documents/certificate-pdf';
import { bearer, lmsToken } from './helpers/auth';
import { httpClient, uniqueCourseId, useService, waitFor } from './helpers/service';

const far = () => new Date(Date.now() + 86_400_000).toISOString();
const apiKey = () => ({ 'x-api-key': process.env.TEST_API_KEY! });

async function instructorOf(baseUrl: string, courseId: string, sub = 'prof-records') {
  return httpClient(baseUrl, bearer(await lmsToken({ role: 'instructor', sub, courses: [courseId] })));
}

// Issue 11, point 9 (seeds 000, 002, 004): who changed what and when; templates after issuance; who may generate.
describe('course records: settings, activation and template changes', () => {
  const ctx = useService();
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'course-records-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const pdfText = async (certificateId: string) => {
    const response = await ctx.api.fetch(`/certificates/${certificateId}/certificate.pdf`);
    expect(response.status).toBe(200);
    const pdf = Buffer.from(await response.arrayBuffer());
    const file = path.join(dir, `${certificateId}.pdf`);
    fs.writeFileSync(file, pdf);
    return { pdf, text: execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }) };
  };

  it('records every settings and activation change with who, when and each old and new value, newest first', async () => {
    const courseId = uniqueCourseId('Records');
    expect((await ctx.api.post('/courses', { id: courseId, title: 'Records', pacing: 'instructor', endAt: far(), certificatesActive: true, passingGrade: 0.5 })).status).toBe(201);
    const prof = await instructorOf(ctx.service.baseUrl, courseId);
    const initiallyActive = (await ctx.api.get(`/courses/${courseId}`)).body.certificatesActive as boolean;
    const before = Date.now();

    expect((await prof.patch(`/courses/${courseId}`, { learnerGeneratedEnabled: true, displayBehavior: 'end' })).status).toBe(200);
    expect((await prof.put(`/courses/${courseId}/certificates/activation`, { active: !initiallyActive })).status).toBe(200);
    expect((await ctx.api.raw('PUT', `/courses/${courseId}/certificates/activation`, { active: initiallyActive, confirm: true, changedBy: 'lms-operator' }, apiKey())).status).toBe(200);
    // Without issued certificates a template change needs no confirmation; it is recorded as one.
    expect((await prof.patch(`/courses/${courseId}`, { certificateTemplate: { heading: 'Certificate of Records' } })).status).toBe(200);
    // A refused change leaves no record.
    expect((await prof.patch(`/courses/${courseId}`, { endAt: '2000-01-01T00:00:00Z' })).status).toBe(400);

    const answer = await prof.get(`/courses/${courseId}/changes`);
    expect(answer.status).toBe(200);
    const { changes, nextCursor } = courseChangesResponse.parse(answer.body);
    expect(nextCursor).toBeNull();
    expect(changes.map((c) => [c.what, c.changedBy])).toEqual([
      ['template', 'prof-records'],
      ['activation', 'lms-operator'],
      ['activation', 'prof-records'],
      ['settings', 'prof-records'],
    ]);
    expect(changes[0]!.fields).toEqual({ certificateTemplate: { old: null, new: { heading: 'Certificate of Records' } } });
    expect(changes[1]!.fields).toEqual({ certificatesActive: { old: !initiallyActive, new: initiallyActive } });
    expect(changes[2]!.fields).toEqual({ certificatesActive: { old: initiallyActive, new: !initiallyActive } });
    expect(changes[3]!.fields).toEqual({ learnerGeneratedEnabled: { old: false, new: true }, displayBehavior: { old: 'early_no_info', new: 'end' } });
    for (const change of changes) {
      expect(Date.parse(change.changedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(change.changedAt)).toBeLessThanOrEqual(Date.now() + 1000);
    }

    // Bounded pages: limit, then the cursor for the older ones.
    const first = courseChangesResponse.parse((await prof.get(`/courses/${courseId}/changes?limit=3`)).body);
    expect(first.changes.map((c) => c.id)).toEqual(changes.slice(0, 3).map((c) => c.id));
    expect(first.nextCursor).not.toBeNull();
    const second = courseChangesResponse.parse((await prof.get(`/courses/${courseId}/changes?limit=3&cursor=${first.nextCursor}`)).body);
    expect(second).toEqual({ changes: changes.slice(3), nextCursor: null });
    expect((await prof.get(`/courses/${courseId}/changes?limit=0`)).status).toBe(400);
    expect((await ctx.api.get(`/courses/${encodeURIComponent(uniqueCourseId('Missing'))}/changes`)).status).toBe(404);
  });

  it('refuses a template change after issuance unless confirmed, and issued certificates keep the template they were issued with', async () => {
    const courseId = uniqueCourseId('Template');
    await ctx.api.post('/courses', {
      id: courseId,
      title: 'Template Course',
      pacing: 'self',
      endAt: far(),
      certificatesActive: true,
      passingGrade: 0.5,
      certificateTemplate: { heading: 'Certificate of Achievement' },
    });
    const suffix = courseId.slice(-8);
    const [a, b] = [`ta-${suffix}`, `tb-${suffix}`];
    await ctx.api.put(`/courses/${courseId}/enrollments`, {
      enrollments: [
        { learnerId: a, email: `${a}@example.org`, name: 'Ada Template', mode: 'verified' },
        { learnerId: b, email: `${b}@example.org`, name: 'Bob Template', mode: 'verified' },
      ],
    });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: a, grade: 0.9 }, { learnerId: b, grade: 0.9 }] });
    const issuedA = await ctx.api.post(`/courses/${courseId}/learners/${a}/certificate`);
    expect(issuedA.body).toMatchObject({ status: 'downloadable' });
    const certificateA = issuedA.body.certificateId as string;
    const beforeChange = await pdfText(certificateA);
    expect(beforeChange.text).toContain('Certificate of Achievement');

    const prof = await instructorOf(ctx.service.baseUrl, courseId);
    const refused = await prof.patch(`/courses/${courseId}`, { certificateTemplate: { heading: 'Certificate of Mastery' } });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/^1 certificate was already issued with the current template: .* send confirmTemplateChange: true to go ahead$/);
    expect((await ctx.api.get(`/courses/${courseId}`)).body.certificateTemplate).toEqual({ heading: 'Certificate of Achievement' });

    const confirmed = await prof.patch(`/courses/${courseId}`, { certificateTemplate: { heading: 'Certificate of Mastery' }, confirmTemplateChange: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.certificateTemplate).toEqual({ heading: 'Certificate of Mastery' });
    const { changes } = courseChangesResponse.parse((await prof.get(`/courses/${courseId}/changes`)).body);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      what: 'template',
      changedBy: 'prof-records',
      fields: { certificateTemplate: { old: { heading: 'Certificate of Achievement' }, new: { heading: 'Certificate of Mastery' } } },
    });

    // The certificate issued before the change reads as it did, with the same signed credential.
    const afterChange = await pdfText(certificateA);
    expect(afterChange.text).toContain('Certificate of Achievement');
    expect(afterChange.text).not.toContain('Certificate of Mastery');
    expect(extractFromPdf(afterChange.pdf)).toBe(extractFromPdf(beforeChange.pdf));

    // A certificate issued after it takes the new template.
    const issuedB = await ctx.api.post(`/courses/${courseId}/learners/${b}/certificate`);
    expect(issuedB.body).toMatchObject({ status: 'downloadable' });
    const textB = (await pdfText(issuedB.body.certificateId as string)).text;
    expect(textB).toContain('Certificate of Mastery');
    expect(textB).not.toContain('Certificate of Achievement');

    // Setting the template it already has is no change: no confirmation asked.
    expect((await prof.patch(`/courses/${courseId}`, { certificateTemplate: { heading: 'Certificate of Mastery' } })).status).toBe(200);
  });
});

describe('course records: an instance where course teams may not generate (COURSE_TEAMS_MAY_GENERATE=false)', () => {
  const ctx = useService({ COURSE_TEAMS_MAY_GENERATE: 'false' });

  it('refuses generation, regeneration, exception generation and retry to instructors; administrators and the LMS still generate', async () => {
    const courseId = uniqueCourseId('NoTeamGen');
    await ctx.api.post('/courses', { id: courseId, title: 'Administered', pacing: 'instructor', endAt: far(), certificatesActive: true, passingGrade: 0.5 });
    const prof = await instructorOf(ctx.service.baseUrl, courseId);
    const message = 'Certificate generation is done by the platform administrator for this instance';

    for (const body of [{ kind: 'all_learners' }, { kind: 'regenerate', groups: ['downloadable'] }, { kind: 'exceptions_missing' }, { kind: 'exceptions_all' }]) {
      const refused = await prof.post(`/courses/${courseId}/generation-tasks`, body);
      expect({ kind: body.kind, status: refused.status, message: refused.body.message }).toEqual({ kind: body.kind, status: 403, message });
    }

    const byAdmin = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners' });
    expect(byAdmin.status).toBe(202);
    expect(byAdmin.body.requestedBy).toBe('test-admin');
    const byLms = await ctx.api.raw('POST', `/courses/${courseId}/generation-tasks`, { kind: 'exceptions_missing', requestedBy: 'lms-operator' }, apiKey());
    expect(byLms.status).toBe(202);

    const retry = await prof.post(`/generation-tasks/${byAdmin.body.id}/retry`);
    expect(retry.status).toBe(403);
    expect(retry.body.message).toBe(message);

    // The rest of the course team's work is untouched: history, settings.
    expect((await prof.get(`/courses/${courseId}/generation-tasks`)).status).toBe(200);
    expect((await prof.patch(`/courses/${courseId}`, { learnerGeneratedEnabled: true })).status).toBe(200);
  });

  it("the instructor's Certificates page offers no generation and says who generates; an administrator's still does", async () => {
    const courseId = uniqueCourseId('NoTeamGenPage');
    await ctx.api.post('/courses', { id: courseId, title: 'Administered page', pacing: 'instructor', endAt: far(), certificatesActive: true, passingGrade: 0.5 });
    const task = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners' });
    expect(task.status).toBe(202);
    // A finished task, so that the history would offer Retry to whoever may generate.
    await waitFor('the generation task to finish', async () => ['succeeded', 'failed'].includes((await ctx.api.get(`/generation-tasks/${task.body.id}`)).body.state));
    const page = `/app/courses/${encodeURIComponent(courseId)}/certificates`;
    const buttons = (text: string) => [...text.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((m) => m[1]!.trim());
    const generating = ['Generate certificates', 'Regenerate Certificates', 'Retry', 'Generate Exception Certificates'];
    const sentence = 'Certificate generation is done by the platform administrator for this instance.';

    const prof = await instructorOf(ctx.service.baseUrl, courseId);
    const asInstructor = await prof.get(page, { accept: 'text/html' });
    expect(asInstructor.status).toBe(200);
    expect(buttons(asInstructor.body as string).filter((b) => generating.includes(b))).toEqual([]);
    expect(asInstructor.body).toContain(sentence);
    // The rest of the page is the instructor's as before.
    expect(buttons(asInstructor.body as string)).toEqual(expect.arrayContaining(['Add exception', 'Invalidate Certificate']));

    const asAdmin = await ctx.api.get(page, { accept: 'text/html' });
    expect(asAdmin.status).toBe(200);
    expect(buttons(asAdmin.body as string).filter((b) => generating.includes(b))).toEqual(generating);
    expect(asAdmin.body).not.toContain(sentence);
  });
});
