import { certificateAvailableMail, courseMessageMail } from './templates';

const learner = { learnerName: 'Ada <Admin>', learnerEmail: 'ada@example.org', courseTitle: 'Writing <Secure> Software' };

describe('mail templates', () => {
  it('escapes every value in the certificate mail, links included', () => {
    const mail = certificateAvailableMail({ ...learner, issuerName: 'A & B', verifyUrl: 'https://x.example/verify/1?a=1&b="2"', pdfUrl: 'https://x.example/p.pdf' });
    expect(mail.html).toContain('<p>Hello Ada &lt;Admin&gt;,</p>');
    expect(mail.html).toContain('<strong>Writing &lt;Secure&gt; Software</strong>');
    expect(mail.html).toContain('<a href="https://x.example/verify/1?a=1&amp;b=&quot;2&quot;">https://x.example/verify/1?a=1&amp;b=&quot;2&quot;</a>');
    expect(mail.html).toContain('<p>— A &amp; B</p>');
    expect(mail.text).toContain('Hello Ada <Admin>,');
  });

  it('keeps the course message as written: blank lines part paragraphs, single breaks stay, markup is text', () => {
    const mail = courseMessageMail({ ...learner, subject: 'Bye', body: 'Thanks <all>\nsee you\n\n\nP.S. "Q&A"' });
    expect(mail.html).toContain('<p>Hello Ada &lt;Admin&gt;,</p><p>Thanks &lt;all&gt;<br>see you</p><p>P.S. &quot;Q&amp;A&quot;</p><p>— The team of Writing &lt;Secure&gt; Software</p>');
    expect(mail.html.startsWith('<!doctype html><html lang="en"><body style=')).toBe(true);
  });
});
