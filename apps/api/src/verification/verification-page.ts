import { escapeHtml as escape } from '../../../shared/escape-html';
import type { VerificationResult } from './verification.service';

const HEADLINES: Record<VerificationResult['verdict'], { title: string; tone: string; summary: string }> = {
  valid: { title: 'VALID', tone: '#0a7d38', summary: 'This certificate was issued by us and has not been revoked.' },
  revoked: { title: 'REVOKED', tone: '#b42318', summary: 'This certificate was issued by us but has been revoked.' },
  invalid: { title: 'INVALID', tone: '#b42318', summary: 'This certificate could not be verified. Do not trust it.' },
  not_found: { title: 'NOT FOUND', tone: '#6b7280', summary: 'We have no certificate with this id.' },
};

/** The page a phone opens from the QR code: the verdict first, large; then who, what, when; then the checks. No JavaScript. */
export function renderVerificationPage(result: VerificationResult, issuerName: string): string {
  const head = HEADLINES[result.verdict];
  const date = (iso?: string) => (iso ? new Date(iso).toUTCString().slice(5, 16) : '');
  const rows: Array<[string, string]> = [
    ['Learner', result.learner?.name ?? ''],
    ['Course', result.course?.title ?? ''],
    ['Issued by', result.issuer?.name ?? issuerName],
    ['Issued on', date(result.issuedAt)],
    ['Certificate', result.certificateId ?? ''],
  ];
  const revocation = result.revocation
    ? `<p class="revocation"><strong>Revoked on ${escape(date(result.revocation.revokedAt))}.</strong> ${escape(result.revocation.reason)}</p>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${head.title} — certificate verification</title>
<style>
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #111827; background: #f9fafb; }
  main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
  .verdict { background: ${head.tone}; color: #fff; border-radius: .75rem; padding: 1.25rem; text-align: center; }
  .verdict h1 { font-size: 2.75rem; margin: 0; letter-spacing: .05em; }
  .verdict p { margin: .25rem 0 0; font-size: 1.05rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; background: #fff; border-radius: .75rem; padding: 1rem; margin: 1rem 0; }
  dt { color: #4b5563; } dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
  .revocation { background: #fef3f2; border: 1px solid #fecdca; border-radius: .75rem; padding: .75rem 1rem; }
  ul { list-style: none; padding: 0; background: #fff; border-radius: .75rem; }
  li { padding: .5rem 1rem; border-bottom: 1px solid #e5e7eb; overflow-wrap: anywhere; } li:last-child { border-bottom: 0; }
  .ok::before { content: "✔ "; color: #0a7d38; } .ko::before { content: "✘ "; color: #b42318; }
  h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
</style>
</head>
<body>
<main>
  <section class="verdict" role="status" aria-live="polite"><h1>${head.title}</h1><p>${escape(head.summary)}</p></section>
  ${revocation}
  <dl>${rows.filter(([, v]) => v).map(([k, v]) => `<dt>${k}</dt><dd>${escape(v)}</dd>`).join('')}</dl>
  <h2>Checks performed</h2>
  <ul>${result.checks.map((c) => `<li class="${c.ok ? 'ok' : 'ko'}"><strong>${escape(c.name.replace(/_/g, ' '))}</strong>: ${escape(c.detail)}</li>`).join('')}</ul>
</main>
</body>
</html>`;
}
