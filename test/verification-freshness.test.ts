import { randomUUID } from 'node:crypto';
import { bearer, lmsToken } from './helpers/auth';
import { generateAfterCourseEnd } from './helpers/generation';
import { httpClient, uniqueCourseId, useService, waitFor } from './helpers/service';

const payloadOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString()) as { validFrom: string };

/**
 * A stored credential's signature is checked once; what can change (the record, its invalidation,
 * a re-signed credential) is read on every scan. The very next answer after each change tells it.
 */
describe('verification answers are never stale', () => {
  const ctx = useService();
  let courseId: string;
  let instructor: ReturnType<typeof httpClient>;
  let certificateId: string;

  const credentialOf = async (id: string) => {
    const response = await ctx.api.fetch(`/certificates/${id}/credential.jwt`);
    expect(response.status).toBe(200);
    return response.text();
  };
  /** The public link as a client reads it (JSON), as a phone reads it (HTML), and the credential presented. */
  const scan = async (jws: string) => {
    const link = await ctx.api.get(`/verify/${certificateId}`);
    const page = await fetch(`${ctx.service.baseUrl}/verify/${certificateId}`, { headers: { accept: 'text/html' } });
    const presented = await ctx.api.post('/verify', { credential: jws });
    return { link, page: { status: page.status, text: await page.text() }, presented };
  };

  beforeAll(async () => {
    courseId = uniqueCourseId('Fresh');
    instructor = httpClient(ctx.service.baseUrl, bearer(await lmsToken({ role: 'instructor', sub: `prof-${courseId.slice(-8)}`, courses: [courseId] })));
    const created = await ctx.api.post('/courses', {
      id: courseId,
      title: 'Fresh Answers',
      pacing: 'instructor',
      endAt: new Date(Date.now() + 2000).toISOString(),
      certificatesActive: true,
      passingGrade: 0.5,
      certificateShowsGrade: true,
    });
    expect(created.status).toBe(201);
    const learnerId = `fay-${courseId.slice(-8)}`;
    await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId, email: `${learnerId}@example.org`, name: 'Fay Fresh', mode: 'verified' }] });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId, grade: 0.9 }] });
    await generateAfterCourseEnd(ctx.api, courseId);
    certificateId = (await ctx.api.get(`/courses/${courseId}/certificates`)).body.certificates[0].id;
  });

  it("scans arriving together each get their own certificate's answer", async () => {
    const unknown: string[] = Array.from({ length: 8 }, () => randomUUID());
    const ids = [certificateId, ...unknown, certificateId, certificateId.toUpperCase()];
    const answers = await Promise.all(ids.map((id) => ctx.api.get(`/verify/${id}`)));
    expect(answers.map((a) => [a.status, a.body.verdict, a.body.certificateId])).toEqual(
      ids.map((id) => (unknown.includes(id) ? [404, 'not_found', id] : [200, 'valid', id.toLowerCase()])),
    );
  });

  it('revoking, reinstating and re-signing each show in the very next answer of the link and of the presented credential', async () => {
    const jws = await credentialOf(certificateId);
    // Scanned twice: the second answer comes after the signature was verified once.
    for (let i = 0; i < 2; i++) {
      const valid = await scan(jws);
      expect([valid.link.status, valid.link.body.verdict]).toEqual([200, 'valid']);
      expect(valid.page.text).toContain('<h1>VALID</h1>');
      expect([valid.presented.status, valid.presented.body.verdict]).toEqual([200, 'valid']);
      // The link of a certificate its learner shares (the default) also offers its files.
      const { downloads, ...verified } = valid.link.body;
      expect(downloads).toBeDefined();
      expect(valid.presented.body).toEqual(verified);
    }

    const invalidated = await instructor.post(`/certificates/${certificateId}/invalidations`, { notes: 'Plagiarism found', publicReason: 'Academic misconduct.' });
    expect(invalidated.status).toBe(201);
    const revoked = await scan(jws);
    expect([revoked.link.status, revoked.link.body.verdict]).toEqual([200, 'revoked']);
    expect(revoked.link.body.revocation).toMatchObject({ reason: 'Academic misconduct.' });
    expect(revoked.page.text).toContain('<h1>REVOKED</h1>');
    expect(revoked.page.text).toContain('Academic misconduct.');
    expect([revoked.presented.status, revoked.presented.body.verdict]).toEqual([410, 'revoked']);
    expect(revoked.presented.body.revocation).toEqual(revoked.link.body.revocation);

    expect((await instructor.post(`/certificates/${certificateId}/reinstatement`, {})).status).toBe(200);
    const reinstated = await scan(jws);
    expect([reinstated.link.status, reinstated.link.body.verdict]).toEqual([200, 'valid']);
    expect(reinstated.link.body.revocation).toBeUndefined();
    expect(reinstated.page.text).toContain('<h1>VALID</h1>');
    expect([reinstated.presented.status, reinstated.presented.body.verdict]).toEqual([200, 'valid']);

    // A regrade and a regeneration re-sign the certificate under the same public id.
    const learnerId = `fay-${courseId.slice(-8)}`;
    expect((await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId, grade: 0.7 }] })).status).toBe(200);
    const task = await instructor.post(`/courses/${courseId}/generation-tasks`, { kind: 'regenerate', groups: ['downloadable'] });
    expect(task.status).toBe(202);
    await waitFor('the regeneration', async () => {
      const state = (await ctx.api.get(`/generation-tasks/${task.body.id}`)).body.state;
      if (state === 'failed') throw new Error('the regeneration failed');
      return state === 'succeeded';
    });
    const resigned = await credentialOf(certificateId);
    expect(resigned).not.toBe(jws);

    const renewed = await scan(resigned);
    expect([renewed.link.status, renewed.link.body.verdict]).toEqual([200, 'valid']);
    expect(renewed.link.body.issuedAt).toBe(payloadOf(resigned).validFrom);
    expect([renewed.presented.status, renewed.presented.body.verdict]).toEqual([200, 'valid']);
    const { downloads: _renewedFiles, ...renewedVerified } = renewed.link.body;
    expect(renewed.presented.body).toEqual(renewedVerified);
    // The credential verified a moment ago no longer speaks for the certificate.
    const old = await ctx.api.post('/verify', { credential: jws });
    expect([old.status, old.body.verdict]).toEqual([409, 'superseded']);
    expect(old.body.current.verifyUrl).toBe(`${ctx.service.config.http.publicUrl}/verify/${certificateId}`);

    // Revoking the re-signed certificate shows at once too.
    await instructor.post(`/certificates/${certificateId}/invalidations`, { notes: 'Checked again', publicReason: 'Under review.' });
    const revokedAgain = await scan(resigned);
    expect(revokedAgain.link.body.verdict).toBe('revoked');
    expect([revokedAgain.presented.status, revokedAgain.presented.body.verdict]).toEqual([410, 'revoked']);
  });
});
