import { useService, uniqueCourseId, waitFor } from './helpers/service';

describe('course end date moved while the lifecycle waits', () => {
  const ctx = useService();

  it('finalizes at the new end date, not the old one, and generates there once the course opts in while waiting', async () => {
    const courseId = uniqueCourseId('Reschedule');
    const farEnd = new Date(Date.now() + 24 * 3_600_000).toISOString();
    expect((await ctx.api.post('/courses', { id: courseId, title: 'Moving', pacing: 'instructor', endAt: farEnd, certificatesActive: true, passingGrade: 0.5 })).status).toBe(201);
    await ctx.api.put(`/courses/${courseId}/enrollments`, {
      enrollments: [{ learnerId: 'mover', email: `mover-${courseId.slice(-8)}@example.org`, name: 'Mover', mode: 'verified' }],
    });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: 'mover', grade: 0.75 }] });

    const waiting = await waitFor('the workflow to report its schedule', async () => {
      const r = await ctx.api.get(`/courses/${courseId}`);
      return r.body.lifecycle?.finalizesAt ? r.body.lifecycle : null;
    });
    expect(waiting.phase).toBe('waiting_for_course_end');
    expect(waiting.finalizesAt).toBe(farEnd);

    // Far enough ahead that the opt-in below lands while the workflow still waits, even on a loaded machine.
    const soon = new Date(Date.now() + 12_000).toISOString();
    const moved = await ctx.api.patch(`/courses/${courseId}`, { endAt: soon });
    expect(moved.status).toBe(200);
    expect(moved.body.endAt).toBe(soon);
    await waitFor('the workflow to read the new end date', async () => (await ctx.api.get(`/courses/${courseId}`)).body.lifecycle?.finalizesAt === soon);

    // The workflow has read its schedule without automatic generation; the opt-in makes it read again.
    const optedIn = await ctx.api.patch(`/courses/${courseId}`, { autoGenerateCertificates: true });
    expect(optedIn.status).toBe(200);
    expect(optedIn.body.autoGenerateCertificates).toBe(true);

    const done = await waitFor('the lifecycle to complete', async () => {
      const r = await ctx.api.get(`/courses/${courseId}`);
      return r.body.certificatesGeneratedAt ? r.body : null;
    });
    expect(done.lifecycle.finalizesAt).toBe(soon);
    expect(done.latestGeneration).toMatchObject({ kind: 'all_learners', requestedBy: 'system', state: 'succeeded' });
    expect(done.certificates).toEqual({ downloadable: 1 });

    // Once grades are final the end date can no longer move.
    const late = await ctx.api.patch(`/courses/${courseId}`, { endAt: farEnd });
    expect(late.status).toBe(409);
  });
});
