import type { Principal } from '../auth/principal';
import { html, layout } from './html';

const ROLE: Record<Principal['kind'], string> = { admin: 'administrator', instructor: 'instructor', learner: 'learner' };

/**
 * The step between the LMS's link and a session: the person confirms who they are about to
 * become, so a link planted by someone else cannot silently sign them in to that someone's account.
 */
export function renderSignIn(principal: Principal, token: string, next: string | null): string {
  const who = principal.name ?? principal.id;
  return layout({
    title: 'Sign in',
    principal: null,
    body: html`<h1>Sign in</h1>
<section class="card" aria-labelledby="sign-in-as">
<p id="sign-in-as">Your learning platform signs you in as <strong>${who}</strong> (${ROLE[principal.kind]}${principal.name ? html`, username ${principal.id}` : ''}).</p>
<form method="post" action="/session">
<input type="hidden" name="token" value="${token}">${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
<div class="actions"><button type="submit">Continue as ${who}</button></div>
</form>
<p class="muted small">Did not just open a link from your learning platform? Then close this page: someone else's link would sign you in to their account.</p>
</section>`,
  });
}
