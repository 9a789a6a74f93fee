import type { ErrorBody } from '../common/error-body';
import { html, layout } from './html';

const TITLES: Record<number, { title: string; help: string }> = {
  401: { title: 'Please sign in', help: 'Open this page from your learning platform: it signs you in. This service has no passwords of its own.' },
  403: { title: 'Not allowed', help: 'You are signed in, but this page belongs to someone else or to the course team.' },
  404: { title: 'Not found', help: 'The link may be mistyped, or what it pointed to no longer exists.' },
};

export function renderErrorPage(error: ErrorBody): string {
  const known = TITLES[error.statusCode] ?? { title: error.statusCode >= 500 ? 'Something went wrong' : 'That did not work', help: '' };
  return layout({
    title: known.title,
    principal: null,
    body: html`<h1>${known.title}</h1>
<section class="card"><p>${error.message}</p>${known.help ? html`<p>${known.help}</p>` : ''}<p class="muted small">Error id ${error.errorId}</p></section>`,
  });
}
