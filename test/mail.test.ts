import { useServiceWithMail } from './helpers/mail';
import { generateAfterCourseEnd } from './helpers/generation';
import { uniqueCourseId, waitFor } from './helpers/service';


/**
 * Mail over real SMTP: the service sends through nodemailer to an SMTP server started here, and
 * the test reads what arrived. Nothing is mocked between the workflow and the socket.
 */
describe('mail: certificate available and the farewell message', () => {
  const { ctx, mail: inbox } = useServiceWithMail();

  it('tells each learner whose certificate was issued, once, with the instructor in copy, and sends the farewell to everyone', async () => {
    const courseId = uniqueCourseId('Mail');
    const tag = courseId.slice(-8);
    await ctx.api.post('/courses', {
      id: courseId,
      title: 'Writing <Secure> Software',
      pacing: 'instructor',
      endAt: new Date(Date.now() + 1500).toISOString(),
      certificatesActive: true,
      passingGrade: 0.5,
      certificateMailCc: `prof-${tag}@school.test`,
    });
    const people = [
      { learnerId: `zoe-${tag}`, email: `zoe-${tag}@example.org`, name: 'Zoë Ångström', mode: 'verified', grade: 0.9 },
      { learnerId: `yan-${tag}`, email: `yan-${tag}@example.org`, name: 'Yan Li', mode: 'verified', grade: 0.7 },
      { learnerId: `xav-${tag}`, email: `xav-${tag}@example.org`, name: 'Xavier Failing', mode: 'verified', grade: 0.2 },
    ];
    await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: people.map(({ grade: _g, ...p }) => p) });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: people.map((p) => ({ learnerId: p.learnerId, grade: p.grade })) });
    await generateAfterCourseEnd(ctx.api, courseId);

    const mine = (m: { to: string[] }) => m.to.some((to) => to.endsWith(`-${tag}@example.org`));
    const available = await inbox().waitFor(2, (m) => mine(m) && m.subject.startsWith('Your certificate'));
    const certificates = (await ctx.api.get(`/courses/${courseId}/certificates`)).body.certificates as Array<{ id: string; learnerId: string; status: string }>;
    for (const learner of people.slice(0, 2)) {
      const mail = available.find((m) => m.to.includes(learner.email))!;
      const certificate = certificates.find((c) => c.learnerId === learner.learnerId)!;
      expect(mail.subject).toBe('Your certificate for Writing <Secure> Software is available');
      expect(mail.cc).toEqual([`prof-${tag}@school.test`]);
      expect(mail.from).toContain('desk@certificates.test');
      expect(mail.text).toContain(`Hello ${learner.name},`);
      expect(mail.text).toContain(`${ctx.service.baseUrl}/verify/${certificate.id}`);
      expect(mail.html).toContain('Writing &lt;Secure&gt; Software');
      expect(mail.html).not.toContain('<Secure>');
    }
    expect(available.some((m) => m.to.includes(people[2].email))).toBe(false);
    await waitFor('mails marked as sent', async () => (await ctx.service.db.certificate.count({ where: { courseId, mailSentAt: { not: null } } })) === 2);

    // A regeneration reissues nothing new, so nobody is mailed twice.
    const task = await ctx.api.post(`/courses/${courseId}/generation-tasks`, { kind: 'regenerate', groups: ['downloadable'] });
    await waitFor('the regeneration', async () => (await ctx.api.get(`/generation-tasks/${task.body.id}`)).body.state === 'succeeded');
    await new Promise((r) => setTimeout(r, 500));
    expect(inbox().messages.filter((m) => mine(m) && m.subject.startsWith('Your certificate'))).toHaveLength(2);

    const farewell = await ctx.api.post(`/courses/${courseId}/farewell`, { subject: 'Thank you, and farewell', body: 'It was a pleasure.\n\nKeep writing safe code.' });
    expect(farewell.status).toBe(202);
    expect(farewell.body).toMatchObject({ recipients: 3, mailConfigured: true });
    const goodbyes = await inbox().waitFor(3, (m) => mine(m) && m.subject === 'Thank you, and farewell');
    expect(goodbyes.map((m) => m.to[0]).sort()).toEqual(people.map((p) => p.email).sort());
    expect(goodbyes[0].text).toContain('Keep writing safe code.');
    expect(goodbyes[0].text).toContain('The team of Writing <Secure> Software');
    await waitFor('the message to be recorded as sent', async () => {
      const row = await ctx.service.db.courseMessage.findUnique({ where: { id: farewell.body.id } });
      return row?.finishedAt && row.sent === 3;
    });

    const empty = await ctx.api.post(`/courses/${courseId}/farewell`, { subject: ' ', body: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.body', 'body.subject']);
  }, 90_000);
});
