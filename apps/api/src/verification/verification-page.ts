import { formatDate } from '../../../shared/domain/format';
import { html } from '../../../shared/html';
import type { VerificationResult } from './verification.service';

/** Each tone is a class of verify.css (the page's colours live in the stylesheet: no inline style). */
type Tone = 'ok' | 'bad' | 'warn' | 'muted';

const HEADLINES: Record<VerificationResult['verdict'], { title: string; tone: Tone; summary: string }> = {
  valid: { title: 'VALID', tone: 'ok', summary: 'This certificate was issued by us and has not been revoked.' },
  revoked: { title: 'REVOKED', tone: 'bad', summary: 'This certificate was issued by us but has been revoked.' },
  superseded: { title: 'SUPERSEDED', tone: 'warn', summary: 'This copy was issued by us but has been replaced by a newer one. Only the current one counts.' },
  invalid: { title: 'INVALID', tone: 'bad', summary: 'This certificate could not be verified. Do not trust it.' },
  not_found: { title: 'NOT FOUND', tone: 'muted', summary: 'We have no certificate to show with this id.' },
};

/** The page a phone opens from the QR code: the verdict first, large; then who, what, when; then the checks. No JavaScript. */
export function renderVerificationPage(result: VerificationResult, issuerName: string): string {
  const head = HEADLINES[result.verdict];
  const rows: Array<[string, string]> = [
    ['Learner', result.learner?.name ?? ''],
    ['Course', result.course?.title ?? ''],
    ['Issued by', result.issuer?.name ?? issuerName],
    ['Issued on', formatDate(result.issuedAt)],
    ['Certificate', result.certificateId ?? ''],
  ];
  const revocation = result.revocation
    ? html`<p class="revocation"><strong>Revoked on ${formatDate(result.revocation.revokedAt)}.</strong> ${result.revocation.reason}</p>`
    : '';
  const downloads = result.downloads
    ? html`<section class="downloads" aria-labelledby="downloads-heading"><h2 id="downloads-heading">Check it yourself</h2>
  <p>Its learner shares this certificate: download it and verify it with any Open Badges 3.0 / Verifiable Credentials tool.</p>
  <ul>
    <li><a href="${result.downloads.pdfUrl}" download>Certificate (PDF)</a></li>
    <li><a href="${result.downloads.badgeUrl}" download>Open Badge (PNG)</a></li>
    <li><a href="${result.downloads.credentialUrl}" download>Signed credential (JWT)</a></li>
  </ul></section>`
    : '';
  const current = result.current
    ? html`<p class="revocation"><strong>Check the current certificate:</strong> <a href="${result.current.verifyUrl}">${result.current.verifyUrl}</a></p>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${head.title} — certificate verification</title>
<link rel="stylesheet" href="/assets/verify.css">
</head>
<body>
<main>
  <section class="verdict tone-${head.tone}" role="status" aria-live="polite"><h1>${head.title}</h1><p>${head.summary}</p></section>
  ${revocation}${current}
  <dl>${rows.filter(([, v]) => v).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
  ${downloads}
  <h2>Checks performed</h2>
  <ul>${result.checks.map((c) => html`<li class="${c.ok ? 'ok' : 'ko'}"><strong>${c.name.replace(/_/g, ' ')}</strong>: ${c.detail}</li>`)}</ul>
</main>
</body>
</html>`.text;
}
