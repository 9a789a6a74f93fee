import { readFileSync } from 'node:fs';
import { importJWK, jwtVerify, type JWK } from 'jose';
import { MESSAGES } from '../apps/shared/domain/certificate-display';
import { courseWorkflowId } from '../apps/shared/temporal';
import { bearer, lmsToken } from './helpers/auth';
import { httpClient, useService, uniqueCourseId, waitFor } from './helpers/service';

/**
 * The whole pipe, over HTTP, against the real Temporal server and PostgreSQL: course → enrollments
 * and grades → lifecycle workflow waits for course end → finalizes grades → issues signed
 * certificates (opted in; by default the instructor generates) → public verification →
 * invalidation → revoked → reinstatement → valid.
 */
describe('walking skeleton: course end to verified certificate', () => {
  const ctx = useService();

  it('opted in to automatic generation: issues one signed certificate per passing learner after the course ends, verifies it, and revokes it', async () => {
    const courseId = uniqueCourseId('Skeleton');
    // Far enough that the course is still running while it is set up; then the end is brought near.
    const course = { id: courseId, title: 'Distributed Systems', pacing: 'instructor', endAt: new Date(Date.now() + 3_600_000).toISOString(), certificatesActive: true, passingGrade: 0.7, autoGenerateCertificates: true };

    const created = await ctx.api.post('/courses', course);
    expect(created.status).toBe(201);
    expect(created.body.workflowId).toBe(courseWorkflowId(courseId));
    expect(created.body.autoGenerateCertificates).toBe(true);

    // Same request again: idempotent. Different settings: conflict.
    expect((await ctx.api.post('/courses', course)).status).toBe(200);
    const clash = await ctx.api.post('/courses', { ...course, certificatesActive: true, passingGrade: 0.5 });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('conflict');

    const learners = [
      { learnerId: 'ada', email: `ada-${courseId.slice(-8)}@example.org`, name: 'Ada Lovelace', mode: 'verified', grade: 0.91 },
      { learnerId: 'alan', email: `alan-${courseId.slice(-8)}@example.org`, name: 'Alan Turing', mode: 'honor', grade: 0.7 },
      { learnerId: 'grace', email: `grace-${courseId.slice(-8)}@example.org`, name: 'Grace Hopper', mode: 'verified', grade: 0.69 },
      { learnerId: 'linus', email: `linus-${courseId.slice(-8)}@example.org`, name: 'Linus T', mode: 'audit', grade: 0.99 },
      { learnerId: 'nogrades', email: `nogrades-${courseId.slice(-8)}@example.org`, name: 'No Grades', mode: 'verified', grade: null },
    ];
    const enrolled = await ctx.api.put(`/courses/${courseId}/enrollments`, {
      enrollments: learners.map(({ grade: _grade, ...e }) => e),
    });
    expect(enrolled.status).toBe(200);
    const graded = await ctx.api.put(`/courses/${courseId}/grades`, {
      grades: learners.filter((l) => l.grade !== null).map((l) => ({ learnerId: l.learnerId, grade: l.grade })),
    });
    expect(graded.status).toBe(200);

    const before = await ctx.api.get(`/courses/${courseId}`);
    expect(before.body.lifecycle.phase).toBe('waiting_for_course_end');
    expect(before.body.certificates).toEqual({});
    const endAt = new Date(Date.now() + 1000).toISOString();
    expect((await ctx.api.patch(`/courses/${courseId}`, { endAt })).status).toBe(200);

    const done = await waitFor('the bulk issuance to complete', async () => {
      const r = await ctx.api.get(`/courses/${courseId}`);
      // The workflow marks the course generated, then leaves the issuing phase: wait for both.
      return r.body.certificatesGeneratedAt && r.body.lifecycle?.phase === 'active' ? r.body : null;
    });
    expect(done.latestGeneration).toMatchObject({ kind: 'all_learners', requestedBy: 'system', state: 'succeeded', total: 5, done: 5, issued: 2, failed: 0 });
    expect(done.certificates).toEqual({ downloadable: 2, notpassing: 2, audit_passing: 1 });
    expect(done.gradesFinalizedAt).not.toBeNull();
    expect(new Date(done.gradesFinalizedAt).getTime()).toBeGreaterThanOrEqual(new Date(endAt).getTime());

    const list = await ctx.api.get(`/courses/${courseId}/certificates`);
    const byLearner = Object.fromEntries(list.body.certificates.map((c: { learnerId: string }) => [c.learnerId, c]));
    expect(byLearner.ada.status).toBe('downloadable');
    expect(byLearner.alan.status).toBe('downloadable');
    expect(byLearner.grace.status).toBe('notpassing');
    expect(byLearner.linus.status).toBe('audit_passing');
    expect(byLearner.nogrades.status).toBe('notpassing');

    // The signed credential verifies with the public key alone, outside our ctx.service.
    const row = await ctx.service.db.certificate.findUniqueOrThrow({ where: { id: byLearner.ada.id } });
    const privateJwk = JSON.parse(readFileSync(ctx.service.config.signing.keyFile, 'utf8')) as JWK;
    const { d: _d, ...publicJwk } = privateJwk;
    const { payload, protectedHeader } = await jwtVerify(row.jws!, await importJWK(publicJwk, 'ES256'));
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: `${ctx.service.config.http.publicUrl}/keys/${ctx.service.keys.active.kid}` });
    // The kid is a URL on our origin that answers the bare public JWK, and that key verifies too.
    const published = (await (await fetch(protectedHeader.kid!)).json()) as JWK;
    expect(published).not.toHaveProperty('d');
    await expect(jwtVerify(row.jws!, await importJWK(published, 'ES256'))).resolves.toBeDefined();
    const jwks = await ctx.api.get('/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(protectedHeader.kid);
    expect((await ctx.api.get('/issuer')).body).toMatchObject({ id: `${ctx.service.config.http.publicUrl}/issuer`, type: ['Profile'] });
    expect(payload).toMatchObject({
      iss: `${ctx.service.config.http.publicUrl}/issuer`,
      jti: `urn:uuid:${row.id}`,
      credentialSubject: { name: 'Ada Lovelace', achievement: { name: 'Distributed Systems' } },
    });
    expect(payload.sub).toBe((payload.credentialSubject as { id: string }).id);

    const verified = await ctx.api.get(`/verify/${byLearner.ada.id}`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      verdict: 'valid',
      learner: { name: 'Ada Lovelace' },
      course: { id: courseId, title: 'Distributed Systems' },
    });
    expect(verified.body.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);

    const withoutNotes = await ctx.api.post(`/certificates/${byLearner.ada.id}/invalidations`, { notes: '  ' });
    expect(withoutNotes.status).toBe(400);
    expect(withoutNotes.body.fields).toEqual([{ field: 'body.notes', message: 'explain why the certificate is invalidated' }]);
    const invalidated = await ctx.api.post(`/certificates/${byLearner.ada.id}/invalidations`, {
      notes: 'Academic misconduct confirmed by the course team',
      publicReason: 'Revoked by the course team.',
      invalidatedBy: 'instructor@example.org',
    });
    expect(invalidated.status).toBe(201);
    const again = await ctx.api.post(`/certificates/${byLearner.ada.id}/invalidations`, { notes: 'twice', invalidatedBy: 'x' });
    expect(again.status).toBe(409);

    const revoked = await ctx.api.get(`/verify/${byLearner.ada.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({
      verdict: 'revoked',
      revocation: { reason: 'Revoked by the course team.' },
    });
    // The internal notes are for the course team only, never for the public.
    expect(JSON.stringify(revoked.body)).not.toContain('Academic misconduct');

    const reinstated = await ctx.api.post(`/certificates/${byLearner.ada.id}/reinstatement`, { reinstatedBy: 'instructor@example.org' });
    expect(reinstated.status).toBe(200);
    expect((await ctx.api.get(`/verify/${byLearner.ada.id}`)).body.verdict).toBe('valid');

    // A learner who did not pass has no public certificate.
    expect((await ctx.api.get(`/verify/${byLearner.grace.id}`)).status).toBe(404);
  });

  it('by default waits for the instructor: nothing is issued at course end, and learners read "not yet available" until the instructor generates', async () => {
    const courseId = uniqueCourseId('Manual');
    const tag = courseId.slice(-8);
    const created = await ctx.api.post('/courses', {
      id: courseId,
      title: 'Compilers',
      pacing: 'instructor',
      endAt: new Date(Date.now() + 3_600_000).toISOString(),
      certificatesActive: true,
      passingGrade: 0.6,
      displayBehavior: 'early_with_info',
    });
    expect(created.status).toBe(201);
    expect(created.body.autoGenerateCertificates).toBe(false);
    const passer = `pass-${tag}`;
    const failer = `fail-${tag}`;
    await ctx.api.put(`/courses/${courseId}/enrollments`, {
      enrollments: [passer, failer].map((learnerId) => ({ learnerId, email: `${learnerId}@example.org`, name: `Learner ${learnerId}`, mode: 'verified' })),
    });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: passer, grade: 0.8 }, { learnerId: failer, grade: 0.3 }] });
    expect((await ctx.api.patch(`/courses/${courseId}`, { endAt: new Date(Date.now() + 500).toISOString() })).status).toBe(200);

    // The course ends, grades are finalized, and the lifecycle settles without a generation task.
    const ended = await waitFor('grade finalization', async () => {
      const r = await ctx.api.get(`/courses/${courseId}`);
      return r.body.gradesFinalizedAt && r.body.lifecycle?.phase === 'active' ? r.body : null;
    });
    expect(ended).toMatchObject({ certificates: {}, certificatesGeneratedAt: null, latestGeneration: null });
    expect((await ctx.api.get(`/courses/${courseId}/generation-tasks`)).body).toEqual({ tasks: [], nextCursor: null });

    const progressOf = async (learnerId: string) => (await ctx.api.get(`/courses/${courseId}/learners/${learnerId}/progress`)).body.display;
    for (const learnerId of [passer, failer]) {
      expect(await progressOf(learnerId)).toMatchObject({ message: MESSAGES.notYetAvailable, actions: [], courseCardDownload: false });
    }
    // The learner's own Progress page says the same.
    const learnerApi = httpClient(ctx.service.baseUrl, bearer(await lmsToken({ role: 'learner', sub: passer })));
    const page = await learnerApi.fetch(`/app/courses/${encodeURIComponent(courseId)}/progress`);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain(MESSAGES.notYetAvailable.replace("'", '&#39;'));
    expect(text).not.toContain('Download Your Certificate');
    expect(text).not.toContain('Request Certificate');

    // The instructor generates: now the passing learner can download, the other is told why not.
    const instructor = httpClient(ctx.service.baseUrl, bearer(await lmsToken({ role: 'instructor', sub: `prof-${tag}`, courses: [courseId] })));
    const task = await instructor.post(`/courses/${courseId}/generation-tasks`, { kind: 'all_learners' });
    expect(task.status).toBe(202);
    const generated = await waitFor('the instructor\'s generation', async () => {
      const r = await ctx.api.get(`/courses/${courseId}`);
      return r.body.certificatesGeneratedAt ? r.body : null;
    });
    expect(generated.latestGeneration).toMatchObject({ id: task.body.id, kind: 'all_learners', requestedBy: `prof-${tag}`, state: 'succeeded', issued: 1 });
    expect(generated.certificates).toEqual({ downloadable: 1, notpassing: 1 });
    expect(await progressOf(passer)).toMatchObject({ message: MESSAGES.available, actions: ['download_certificate'], courseCardDownload: true });
    expect(await progressOf(failer)).toMatchObject({ message: MESSAGES.notPassed, actions: [] });
  });

  it('holds exactly one certificate per learner per course in the database itself', async () => {
    const courseId = uniqueCourseId('Unique');
    await ctx.service.db.course.create({
      data: { id: courseId, title: 'Unique', pacing: 'instructor', startAt: new Date(), endAt: new Date(Date.now() + 60_000), passingGrade: 0.5 },
    });
    await ctx.service.db.learner.upsert({ where: { id: 'uniq' }, create: { id: 'uniq', email: 'uniq@example.org', name: 'U' }, update: {} });
    await ctx.service.db.certificate.create({ data: { courseId, learnerId: 'uniq', status: 'notpassing' } });
    await expect(ctx.service.db.certificate.create({ data: { courseId, learnerId: 'uniq', status: 'downloadable' } })).rejects.toMatchObject({
      code: 'P2002',
    });
  });
});
