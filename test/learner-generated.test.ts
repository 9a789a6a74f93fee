import { MESSAGES } from '../apps/shared/domain/certificate-display';
import { bearer, lmsToken } from './helpers/auth';
import { httpClient, uniqueCourseId, useService, waitFor } from './helpers/service';

/**
 * Learner-generated certificates decide whether learners may request, in every pacing (seed 000:
 * "To prevent learners from requesting certificates, select Disable Student-Generated
 * Certificates"); self-paced courses have them on unless told otherwise (seed 001: "more
 * convenient"), and still issue at intervals with them off (seed 000: "at specific intervals").
 */
type Service = ReturnType<typeof useService>;

async function createCourse(ctx: Service, courseId: string, settings: Record<string, unknown>) {
  const created = await ctx.api.post('/courses', {
    id: courseId,
    title: `Learner-generated ${courseId.slice(-8)}`,
    endAt: new Date(Date.now() + 3_600_000).toISOString(),
    passingGrade: 0.6,
    certificatesActive: true,
    ...settings,
  });
  expect(created.status).toBe(201);
  return created.body as { learnerGeneratedEnabled: boolean };
}

async function enrollPassing(ctx: Service, courseId: string): Promise<string> {
  const learnerId = `lg-${courseId.slice(-8)}`;
  const enrolled = await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId, email: `${learnerId}@example.org`, name: 'Grace Request', mode: 'verified' }] });
  expect(enrolled.status).toBe(200);
  expect((await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId, grade: 0.9 }] })).status).toBe(200);
  return learnerId;
}

/** The learner's Progress page, as their browser gets it: its message and its buttons. */
async function progressPage(ctx: Service, courseId: string, learnerId: string) {
  const learner = httpClient(ctx.service.baseUrl, bearer(await lmsToken({ role: 'learner', sub: learnerId })));
  const page = await learner.get(`/app/courses/${encodeURIComponent(courseId)}/progress`, { accept: 'text/html' });
  expect(page.status).toBe(200);
  const text = page.body as string;
  return {
    messages: [...text.matchAll(/<p class="message">([^<]*)<\/p>/g)].map((m) => m[1]!.replace(/&#39;|&#x27;/g, "'")),
    buttons: [...text.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((m) => m[1]!.trim()),
    text,
  };
}

describe('learner-generated certificates: who may request', () => {
  // The default interval (one day): no interval run comes within these tests.
  const ctx = useService();

  it('a self-paced course created without the setting lets learners request (seed 001); an instructor-paced one does not (seed 002)', async () => {
    expect((await createCourse(ctx, uniqueCourseId('LgSelf'), { pacing: 'self' })).learnerGeneratedEnabled).toBe(true);
    expect((await createCourse(ctx, uniqueCourseId('LgInstr'), { pacing: 'instructor' })).learnerGeneratedEnabled).toBe(false);
    // Said explicitly, the setting is kept.
    expect((await createCourse(ctx, uniqueCourseId('LgSelfOff'), { pacing: 'self', learnerGeneratedEnabled: false })).learnerGeneratedEnabled).toBe(false);
  });

  it('disabled in a self-paced course: Request and Finish answer 409 and the Progress page has no Request button; enabled again, the request works', async () => {
    const courseId = uniqueCourseId('LgToggle');
    await createCourse(ctx, courseId, { pacing: 'self' });
    const learnerId = await enrollPassing(ctx, courseId);
    expect((await ctx.api.patch(`/courses/${courseId}`, { learnerGeneratedEnabled: false })).status).toBe(200);

    for (const route of ['certificate', 'finish']) {
      const refused = await ctx.api.post(`/courses/${courseId}/learners/${learnerId}/${route}`);
      expect({ route, status: refused.status, message: refused.body.message }).toEqual({
        route,
        status: 409,
        message: `learner-generated certificates are disabled in course ${courseId}: its certificates are issued by the course at intervals`,
      });
    }
    expect(await ctx.service.db.certificate.count({ where: { courseId, learnerId } })).toBe(0);

    const disabled = await progressPage(ctx, courseId, learnerId);
    expect(disabled.messages).toEqual([MESSAGES.notGeneratedYet]);
    expect(disabled.text).toContain('You passed with 90%.');
    expect(disabled.buttons).not.toContain('Request Certificate');

    expect((await ctx.api.patch(`/courses/${courseId}`, { learnerGeneratedEnabled: true })).status).toBe(200);
    const enabled = await progressPage(ctx, courseId, learnerId);
    expect(enabled.messages).toEqual([MESSAGES.qualified]);
    expect(enabled.buttons).toContain('Request Certificate');
    const requested = await ctx.api.post(`/courses/${courseId}/learners/${learnerId}/certificate`);
    expect(requested.status).toBe(200);
    expect(requested.body).toMatchObject({ issued: true, status: 'downloadable' });
    const finished = await ctx.api.post(`/courses/${courseId}/learners/${learnerId}/finish`);
    expect(finished.body).toEqual(requested.body);
  }, 60_000);
});

describe('learner-generated certificates disabled: a self-paced course still issues at intervals', () => {
  const ctx = useService({ SELF_PACED_ISSUANCE_INTERVAL: '2s' });

  it('issues to the qualified learner who may not request, and the Progress page offers the download', async () => {
    const courseId = uniqueCourseId('LgInterval');
    await createCourse(ctx, courseId, { pacing: 'self', learnerGeneratedEnabled: false });
    const learnerId = await enrollPassing(ctx, courseId);

    await waitFor('the interval run to issue the certificate', async () => {
      const rows = (await ctx.api.get(`/courses/${courseId}/certificates?learner=${learnerId}`)).body.certificates as Array<{ status: string }>;
      return rows.some((c) => c.status === 'downloadable');
    });
    const page = await progressPage(ctx, courseId, learnerId);
    expect(page.messages).toEqual([MESSAGES.available]);
    expect(page.buttons).not.toContain('Request Certificate');
    expect(page.text).toContain('Download Your Certificate');
    // Requesting stays refused: the setting is about the learner's request, not the course's issuance.
    expect((await ctx.api.post(`/courses/${courseId}/learners/${learnerId}/certificate`)).status).toBe(409);
  }, 60_000);
});
