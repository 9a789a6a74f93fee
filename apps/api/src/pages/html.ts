import { html, type Html } from '../../../shared/html';
import type { Principal } from '../auth/principal';

// The pages write HTML with the shared template, like the verification page and the mails.
export { Html, html } from '../../../shared/html';

// Grades and dates read the same here as on the verification page, the PDF and in the mails.
export { formatDate as date, formatDateTime as dateTime, formatPercent as percent } from '../../../shared/domain/format';

/** The frame of every signed-in page: skip link, header with who is signed in, main landmark. */
export function layout({ title, principal, body, script }: { title: string; principal: Principal | null; body: Html; script?: string }): string {
  // Signing out needs the page header that a cross-site form cannot send, so app.js sends it.
  const who = principal ? html`<span class="who">Signed in as <strong>${principal.name ?? principal.id}</strong> (${principal.kind})</span>
      <form method="post" action="/session/logout" data-api="signOut" data-go="/"><button class="link" type="submit">Sign out</button><span class="status" role="status" aria-live="polite"></span></form>` : '';
  // app.js first: the page scripts use what it defines.
  const scripts = [...new Set([principal ? 'app.js' : null, script ?? null])].filter((name) => name !== null);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Course Certificates</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><a class="brand" href="/app">Course Certificates</a><nav>${who}</nav></header>
<main id="main" tabindex="-1">
${body}
</main>
${scripts.map((name) => html`<script src="/assets/${name}" defer></script>`)}
</body>
</html>`.text;
}
