import { bearer, lmsToken } from './helpers/auth';
import { useService, uniqueCourseId } from './helpers/service';

// Every place a grade, a date or a public address is shown reads the same, and the addresses lead somewhere.
describe('grades, dates and public URLs, as learners and verifiers see them', () => {
  const ctx = useService();

  it('shows a grade the same way on the Progress page, in the rules message, the credential and the PDF links', async () => {
    const courseId = uniqueCourseId('Formats');
    expect((await ctx.api.post('/courses', { id: courseId, title: 'Formats', pacing: 'self', certificateShowsGrade: true, endAt: new Date(Date.now() + 86_400_000).toISOString(), certificatesActive: true, passingGrade: 0.7 })).status).toBe(201);
    const suffix = courseId.slice(-8);
    const close = `close-${suffix}`;
    const passed = `passed-${suffix}`;
    await ctx.api.put(`/courses/${courseId}/enrollments`, {
      enrollments: [close, passed].map((id) => ({ learnerId: id, email: `${id}@example.org`, name: `Learner ${id}`, mode: 'verified' })),
    });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: close, grade: 0.655 }, { learnerId: passed, grade: 0.8555 }] });

    const page = await fetch(`${ctx.service.baseUrl}/app/courses/${encodeURIComponent(courseId)}/progress`, {
      headers: { accept: 'text/html', ...bearer(await lmsToken({ role: 'learner', sub: close })) },
    });
    expect(page.status).toBe(200);
    const progress = await page.text();
    expect(progress).toContain('<dt>Current grade</dt><dd>65.5%</dd>');
    expect(progress).toContain('<dt>Grade needed to pass</dt><dd>70%</dd>');
    expect(progress).toContain('Your grade 65.5% is below the passing grade of 70%.');
    expect(progress).not.toContain('66%');

    const issued = await ctx.api.post(`/courses/${courseId}/learners/${passed}/certificate`);
    expect(issued.body).toMatchObject({ issued: true, message: 'You passed with 85.55%.' });
    const certificateId: string = issued.body.certificateId;
    const publicUrl = ctx.service.config.http.publicUrl;
    expect(issued.body.verifyUrl).toBe(`${publicUrl}/verify/${certificateId}`);

    const share = await ctx.api.get(`/certificates/${certificateId}/share`);
    expect(share.status).toBe(200);
    expect(share.body.verifyUrl).toBe(issued.body.verifyUrl);
    // Each advertised address is a route this service answers.
    for (const [url, type] of [
      [share.body.verifyUrl, 'text/html'],
      [share.body.pdfUrl, 'application/pdf'],
      [share.body.badgeUrl, 'image/png'],
      [share.body.credentialUrl, ''],
    ] as const) {
      expect(url.startsWith(`${publicUrl}/`)).toBe(true);
      // What a browser sends when a person opens the link.
      const response = await ctx.api.fetch(url.slice(publicUrl.length), { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
      expect({ url, status: response.status }).toEqual({ url, status: 200 });
      expect(response.headers.get('content-type') ?? '').toContain(type);
      if (url === share.body.verifyUrl) {
        const verification = await response.text();
        const issuedAt = new Date((await ctx.service.db.certificate.findUniqueOrThrow({ where: { id: certificateId } })).issuedAt!);
        const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
        expect(verification).toContain(`${issuedAt.getUTCDate()} ${months[issuedAt.getUTCMonth()]} ${issuedAt.getUTCFullYear()}`);
      } else if (url === share.body.credentialUrl) {
        const payload = JSON.parse(Buffer.from((await response.text()).split('.')[1], 'base64url').toString('utf8'));
        expect(payload.credentialSubject.result[0].value).toBe('85.55');
        expect(payload.credentialSubject.achievement.criteria.narrative).toContain('at least 70%.');
      } else {
        await response.arrayBuffer();
      }
    }

    expect((await ctx.api.get(`/certificates/${certificateId}`)).body.verifyUrl).toBe(share.body.verifyUrl);
  });
});
