import { html, type Html } from '../html';
import type { Mail } from './mailer';

// Mail clients ignore stylesheets, so mails (unlike pages) are styled inline.
const frame = (inner: Html): string =>
  html`<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111827;max-width:36rem;margin:0 auto;padding:1rem">${inner}</body></html>`.text;

export interface CertificateMailInput {
  learnerName: string;
  learnerEmail: string;
  courseTitle: string;
  issuerName: string;
  verifyUrl: string;
  pdfUrl: string;
  cc?: string | null;
}

/** "Your certificate is available": the verification link is the one thing the learner needs. */
export function certificateAvailableMail(input: CertificateMailInput): Mail {
  const subject = `Your certificate for ${input.courseTitle} is available`;
  const text = [
    `Hello ${input.learnerName},`,
    '',
    `Congratulations: your certificate for "${input.courseTitle}" is ready.`,
    '',
    `Download it (PDF): ${input.pdfUrl}`,
    `Share or check it: ${input.verifyUrl}`,
    '',
    'Anyone you share the link with can see that it is genuine; the QR code on the PDF leads to the same page.',
    '',
    `— ${input.issuerName}`,
  ].join('\n');
  const body = frame(
    html`<p>Hello ${input.learnerName},</p>
<p>Congratulations: your certificate for <strong>${input.courseTitle}</strong> is ready.</p>
<p><a href="${input.pdfUrl}">Download your certificate (PDF)</a></p>
<p>Share or check it: <a href="${input.verifyUrl}">${input.verifyUrl}</a></p>
<p style="color:#4b5563">Anyone you share the link with can see that it is genuine; the QR code on the PDF leads to the same page.</p>
<p>— ${input.issuerName}</p>`,
  );
  return { to: { name: input.learnerName, address: input.learnerEmail }, cc: input.cc, subject, text, html: body };
}

export interface WithdrawalMailInput {
  learnerName: string;
  learnerEmail: string;
  courseTitle: string;
  issuerName: string;
  verifyUrl: string;
}

/** "Your certificate was withdrawn": a change of standing (a regrade, a course rule) took it away. */
export function certificateWithdrawnMail(input: WithdrawalMailInput): Mail {
  const subject = `Your certificate for ${input.courseTitle} was withdrawn`;
  const text = [
    `Hello ${input.learnerName},`,
    '',
    `Your certificate for "${input.courseTitle}" was withdrawn: after a change to your grade or to the course's requirements, you no longer meet the requirements for it.`,
    '',
    `Its verification page now shows it as no longer valid: ${input.verifyUrl}`,
    '',
    'If you qualify again, the certificate is given back to you. For questions, please contact the course team.',
    '',
    `— ${input.issuerName}`,
  ].join('\n');
  const body = frame(
    html`<p>Hello ${input.learnerName},</p>
<p>Your certificate for <strong>${input.courseTitle}</strong> was withdrawn: after a change to your grade or to the course's requirements, you no longer meet the requirements for it.</p>
<p>Its verification page now shows it as no longer valid: <a href="${input.verifyUrl}">${input.verifyUrl}</a></p>
<p style="color:#4b5563">If you qualify again, the certificate is given back to you. For questions, please contact the course team.</p>
<p>— ${input.issuerName}</p>`,
  );
  return { to: { name: input.learnerName, address: input.learnerEmail }, subject, text, html: body };
}

export interface CourseMessageInput {
  learnerName: string;
  learnerEmail: string;
  courseTitle: string;
  subject: string;
  body: string;
}

/** The course team's message (the farewell), as written, with the course named. */
export function courseMessageMail(input: CourseMessageInput): Mail {
  const text = `Hello ${input.learnerName},\n\n${input.body}\n\n— The team of ${input.courseTitle}`;
  // Blank lines part paragraphs; a single line break stays a line break.
  const paragraphs = input.body.split(/\n{2,}/).map((p) => html`<p>${p.split('\n').map((line, i) => html`${i > 0 ? html`<br>` : ''}${line}`)}</p>`);
  const body = frame(html`<p>Hello ${input.learnerName},</p>${paragraphs}<p>— The team of ${input.courseTitle}</p>`);
  return { to: { name: input.learnerName, address: input.learnerEmail }, subject: input.subject, text, html: body };
}
