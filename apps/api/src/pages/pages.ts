import { CERTIFICATE_STATUSES, type CertificateStatus, type GenerationKind } from '../../../shared/domain/enums';
import { activationCheck } from '../../../shared/domain/course-activation';
import type { Principal } from '../auth/principal';
import { REGENERATION_GROUPS } from '../generation/generation.schemas';
import { date, dateTime, html, layout, percent, type Html } from './html';
import type { PeopleService } from './people.service';
import { GENERATION_LEFT_TO_ADMINISTRATOR } from '../generation/generation.service';

type Cards = Awaited<ReturnType<PeopleService['courseCards']>>;
type ProgressData = Awaited<ReturnType<PeopleService['progressPage']>>;
type DashboardData = Awaited<ReturnType<PeopleService['dashboard']>>;

const courseLink = (courseId: string, page: 'progress' | 'certificates') => `/app/courses/${encodeURIComponent(courseId)}/${page}`;

export function renderHome(): string {
  return layout({
    title: 'Welcome',
    principal: null,
    body: html`<h1>Course certificates you can check</h1>
<section class="card"><h2>Holding a certificate?</h2>
<p>Scan its QR code, or open the link printed under it. The page says at once whether it is <strong>valid</strong>, <strong>revoked</strong> or not ours.</p></section>
<section class="card"><h2>Learners and instructors</h2>
<p>Open this service from your learning platform: it signs you in. There are no separate passwords here.</p></section>
<section class="card"><h2>Developers</h2><p>The API and its documentation: <a href="/docs">/docs</a>.</p></section>`,
  });
}

export function renderCourseList(principal: Principal, courses: Awaited<ReturnType<PeopleService['staffCourses']>>): string {
  const rows = courses.map(
    (c) => html`<tr><td data-label="Course"><a href="${courseLink(c.courseId, 'certificates')}">${c.title}</a><div class="muted small">${c.courseId}</div></td>
<td data-label="Ends">${date(c.endAt)}</td><td data-label="Certificates"><span class="badge ${c.certificatesActive ? 'on' : ''}">${c.certificatesActive ? 'active' : 'not active'}</span></td></tr>`,
  );
  return layout({
    title: 'Your courses',
    principal,
    body: html`<h1>Courses you run</h1>
<div class="card table-wrap">${courses.length === 0 ? html`<p>No courses yet.</p>` : html`<table class="stack"><thead><tr><th>Course</th><th>Ends</th><th>Certificates</th></tr></thead><tbody>${rows}</tbody></table>`}</div>`,
  });
}

/**
 * The certificate's download and share links. Seed 002 names the main one: "Download Your Certificate"
 * on the Progress page, "Download Certificate" on the course card.
 */
function certificateLinks(links: NonNullable<ProgressData['links']>, title: string, download: 'Download Your Certificate' | 'Download Certificate'): Html {
  return html`<div class="actions">
  <a class="button" href="${links.pdfUrl}" download>${download}</a>
  <a class="button secondary" href="${links.badgeUrl}" download>Download badge (PNG)</a>
  <a class="button secondary" href="${links.verifyUrl}">Public verification page</a>
  <a class="button secondary" href="${links.linkedInUrl}" target="_blank" rel="noopener" aria-label="Add ${title} to your LinkedIn profile">Add to LinkedIn</a>
</div>
<p class="small">Share link: <a href="${links.verifyUrl}">${links.verifyUrl}</a></p>
${sharingSwitch(links)}
${walletOffer(links)}`;
}

/** "Add to wallet": app.js asks for an offer (POST /certificates/:id/wallet-offers) and shows its QR code, link and code. */
function walletOffer(links: NonNullable<ProgressData['links']>): Html {
  return html`<form class="wallet" data-api="wallet-offer" action="/certificates/${links.id}/wallet-offers">
  <button type="submit" class="secondary">Add to wallet</button><p class="status" role="status" aria-live="polite"></p>
  <div class="wallet-offer" hidden></div>
</form>`;
}

const SHARING = {
  public: { label: 'Public', explains: 'anyone with the link can download this certificate, its badge and signed credential to check them', switchTo: 'private', button: 'Make private' },
  private: { label: 'Private', explains: 'the link shows whether the certificate is valid; only you can download it', switchTo: 'public', button: 'Make public' },
} as const;

/** Whether the certificate is public or private, and the learner's switch (PUT /certificates/:id/visibility). */
function sharingSwitch(links: NonNullable<ProgressData['links']>): Html {
  const state = SHARING[links.visibility];
  return html`<form class="sharing" data-api="visibility" data-method="PUT" action="/certificates/${links.id}/visibility" data-body="${JSON.stringify({ visibility: state.switchTo })}" data-done="Saved." data-reload>
  <p class="small">Sharing: <strong data-visibility="${links.visibility}">${state.label}</strong>: ${state.explains}.</p>
  <button type="submit" class="secondary">${state.button}</button><p class="status" role="status" aria-live="polite"></p>
</form>`;
}

export function renderLearnerCourses(principal: Principal, cards: Cards): string {
  const body =
    principal.kind !== 'learner'
      ? html`<h1>My courses</h1><p class="card">This page lists a learner's own courses; you are signed in as ${principal.kind}.</p>`
      : html`<h1>My courses</h1>
<div class="grid">${cards.map(
          (card) => html`<article class="card" aria-labelledby="card-${card.courseId}">
  <h2 id="card-${card.courseId}"><a href="${courseLink(card.courseId, 'progress')}">${card.title}</a></h2>
  <p class="muted small">${card.endAt ? `Ends ${date(card.endAt)}` : 'Self-paced'} · ${card.mode} track</p>
  ${card.message ? html`<p class="message">${card.message}</p>` : ''}
  ${card.certificate ? certificateLinks(card.certificate, card.title, 'Download Certificate') : html`<p><a href="${courseLink(card.courseId, 'progress')}">View progress</a></p>`}
</article>`,
        )}</div>${cards.length === 0 ? html`<p class="card">You are not enrolled in any course yet.</p>` : ''}`;
  return layout({ title: 'My courses', principal, body, script: 'app.js' });
}

export function renderProgress(principal: Principal, { course, progress, links }: ProgressData): string {
  const { display } = progress;
  const requestForm = display.actions.includes('request_certificate')
    ? html`<form data-api="request" action="/courses/${encodeURIComponent(progress.courseId)}/learners/${encodeURIComponent(progress.learnerId)}/certificate" data-done="Certificate requested." data-reload>
  <button type="submit">Request Certificate</button><p class="status" role="status" aria-live="polite"></p></form>`
    : '';
  // Where the display behaviour says nothing (seed 002: "no message is displayed in Progress"), the
  // page has no certificate section at all, and the learner's standing is not spelled out elsewhere.
  const certificate =
    display.message || display.detail || display.actions.length
      ? html`<section class="card" aria-labelledby="certificate-heading">
  <h2 id="certificate-heading">Certificate</h2>
  ${display.message ? html`<p class="message">${display.message}</p>` : ''}
  ${display.detail ? html`<p class="detail">${display.detail}</p>` : ''}
  ${requestForm}
  ${links && display.actions.includes('download_certificate') ? certificateLinks(links, course.title, 'Download Your Certificate') : ''}
</section>`
      : '';
  const body = html`<p class="small"><a href="/app/learner">← My courses</a></p>
<h1>${course.title}</h1>
${certificate}
<section class="card" aria-labelledby="progress-heading">
  <h2 id="progress-heading">Your progress</h2>
  <dl class="facts">
    <dt>Current grade</dt><dd>${percent(progress.grade)}</dd>
    <dt>Grade needed to pass</dt><dd>${percent(progress.passingGrade)}</dd>
    <dt>Required lessons</dt><dd>${progress.requiredLessons.total === 0 ? 'none required' : `${progress.requiredLessons.completed} of ${progress.requiredLessons.total} completed (optional lessons do not count)`}</dd>
    <dt>Course ends</dt><dd>${course.endAt ? dateTime(course.endAt) : 'self-paced'}</dd>
  </dl>
</section>`;
  return layout({ title: course.title, principal, body, script: 'app.js' });
}

/** Seed 004's names of the regeneration groups, word for word. */
const GROUP_LABELS: Record<(typeof REGENERATION_GROUPS)[number], string> = {
  downloadable: 'Learners who have already received certificates',
  notpassing: 'Learners who have not received certificates',
  audit_passing: 'Learners with audit passing status',
  audit_notpassing: 'Learners with audit not passing status',
  error: 'Learners in an error state',
};

const PHASES: Record<string, string> = {
  waiting_for_course_end: 'waiting for the course to end',
  finalizing_grades: 'finalizing grades',
  issuing: 'issuing certificates',
  active: 'course ended; certificates issued',
};

const STATUS_LABELS: Record<CertificateStatus, string> = {
  downloadable: 'issued',
  notpassing: 'not passing',
  audit_passing: 'audit, passing',
  audit_notpassing: 'audit, not passing',
  error: 'failed to generate',
  unavailable: 'unavailable',
};

const TASK_KINDS: Record<GenerationKind, string> = {
  all_learners: 'Generate for all learners',
  regenerate: 'Regenerate',
  exceptions_missing: 'Exceptions without a certificate',
  exceptions_all: 'All exceptions',
  regrade: 'Grade changes after finalization',
  single_learner: 'Learner request',
};

type DashboardList = keyof DashboardData['next'];

/** "Next page" of one list of the Certificates page; the other lists stay where they are (`at`). */
function nextPageLink(courseId: string, list: DashboardList, cursor: string | null, at: Partial<Record<DashboardList, string>>): Html | string {
  if (!cursor) return '';
  const query = new URLSearchParams({ ...at, [list]: cursor });
  return html`<p class="actions"><a class="button secondary" rel="next" data-next-page="${list}" href="${courseLink(courseId, 'certificates')}?${query.toString()}#${list}-heading">Next page</a></p>`;
}

export function renderDashboard(principal: Principal, { course, tasks, exceptions, invalidated, counts: listCounts, next, mayGenerate }: DashboardData, at: Partial<Record<DashboardList, string>> = {}): string {
  const path = `/courses/${encodeURIComponent(course.id)}`;
  // Seed 000: "If your Open edX administrator has not configured your instance to allow course teams
  // to generate and issue certificates, you must work with your administrator".
  const byAdministrator = html`<p class="muted" data-generation-by-administrator>${GENERATION_LEFT_TO_ADMINISTRATOR}.</p>`;
  const running = tasks.find((t) => t.state === 'running' || t.state === 'queued');
  const counts = CERTIFICATE_STATUSES.flatMap((status) => (course.certificates[status] ? [`${course.certificates[status]} ${STATUS_LABELS[status]}`] : []));

  const settings = html`<section class="card" aria-labelledby="settings-heading">
  <h2 id="settings-heading">Certificate settings</h2>
  <dl class="facts">
    <dt>Certificates</dt><dd><span class="badge ${course.certificatesActive ? 'on' : ''}">${course.certificatesActive ? 'active' : 'not active'}</span></dd>
    <dt>Completion rule</dt><dd data-completion-rule>${course.completionRule.description}</dd>
    <dt>Learner-generated certificates</dt><dd><span class="badge ${course.learnerGeneratedEnabled ? 'on' : ''}">${course.learnerGeneratedEnabled ? 'enabled' : 'disabled'}</span></dd>
    <dt>Course ends</dt><dd>${course.endAt ? dateTime(course.endAt) : 'self-paced'}</dd>
    <dt>Lifecycle</dt><dd>${PHASES[course.lifecycle?.phase ?? ''] ?? 'not started'}</dd>
    <dt>Learners enrolled</dt><dd>${course.enrollments}</dd>
    <dt>Certificates</dt><dd>${counts.length === 0 ? 'none yet' : counts.join(', ')}${listCounts.invalidated ? ` (of the issued, ${listCounts.invalidated} invalidated)` : ''}</dd>
    <dt>Certificate mail</dt><dd data-certificate-mail>${course.certificateMail.sent} sent, ${course.certificateMail.pending} pending, ${course.certificateMail.failed} failed</dd>
  </dl>
  ${course.startReminder ? html`<p class="notice" role="note" data-start-reminder>${course.startReminder}</p>` : ''}
  <div class="actions">
    <form data-api="activation" data-method="PUT" action="${path}/certificates/activation" data-body='${course.certificatesActive ? '{"active":false}' : '{"active":true,"confirm":true}'}' data-reload data-status="settings-status"${course.certificatesActive ? '' : html` data-confirm="${activationCheck(course.completionRule)} Enable certificates?"`}>
      <button type="submit" class="${course.certificatesActive ? 'secondary' : ''}">${course.certificatesActive ? 'Deactivate certificates' : 'Activate certificates'}</button></form>
    <form data-api="learner-generated" data-method="PATCH" action="${path}" data-body='{"learnerGeneratedEnabled":${course.learnerGeneratedEnabled ? 'false' : 'true'}}' data-reload data-status="settings-status"${course.learnerGeneratedEnabled ? '' : html` data-confirm="Enable learner-generated certificates? Learners will be able to request their certificate as soon as they pass the course."`}>
      <button type="submit" class="secondary">${course.learnerGeneratedEnabled ? 'Disable Learner-Generated Certificates' : 'Enable Learner-Generated Certificates'}</button></form>
    <a class="button secondary" href="${path}/certificate-preview.pdf" target="_blank" rel="noopener">Preview the example certificate</a>
  </div>
  <p class="status" id="settings-status" role="status" aria-live="polite"></p>
</section>`;

  const generation = html`<section class="card" aria-labelledby="generate-heading">
  <h2 id="generate-heading">Generate certificates</h2>
  <p>Issues certificates to every learner who qualifies. Learners who already have one keep it.</p>
  ${mayGenerate ? html`<form data-api="generate" data-body='{"kind":"all_learners"}'>
    <button type="submit">Generate certificates</button><p class="status" role="status" aria-live="polite"></p>
  </form>` : byAdministrator}
  <div id="generation-panel" ${running ? '' : 'hidden'}>
    <label for="generation-progress">Generation progress</label>
    <progress id="generation-progress" max="${running?.total ?? 1}" value="${running?.done ?? 0}" aria-valuemin="0" aria-valuemax="100">0%</progress>
    <p id="generation-text" class="progress-text" role="status" aria-live="polite">${running ? `${running.done} / ${running.total ?? '?'} learners processed · ${running.state}` : ''}</p>
    ${mayGenerate && running ? html`<form data-api="cancel" action="/generation-tasks/${running.id}/cancel" data-confirm="Stop this certificate generation? Certificates it has already issued stay issued." data-done="Stopping the generation." data-reload><button type="submit" class="secondary">Cancel generation</button><span class="status" role="status"></span></form>` : ''}
  </div>
</section>
<section class="card" aria-labelledby="regenerate-heading">
  <h2 id="regenerate-heading">Regenerate certificates</h2>
  ${mayGenerate ? html`<form data-api="generate" data-body='{"kind":"regenerate"}'>
    <fieldset><legend>Regenerate for</legend>
    ${REGENERATION_GROUPS.map((g) => html`<label><input type="checkbox" name="groups[]" value="${g}"> ${GROUP_LABELS[g]}</label>`)}
    </fieldset>
    <button type="submit">Regenerate Certificates</button><p class="status" role="status" aria-live="polite"></p>
  </form>` : byAdministrator}
</section>`;

  const history = html`<section class="card" aria-labelledby="history-heading">
  <h2 id="history-heading">Certificate generation history</h2>
  <div class="table-wrap">${tasks.length === 0 ? html`<p class="muted">No generation yet.</p>` : html`<table class="stack"><thead><tr><th>Task</th><th>Date</th><th>Requested by</th><th>Details</th><th>State</th><th><span class="sr">Action</span></th></tr></thead><tbody>
  ${tasks.map(
    (t) => html`<tr><td data-label="Task">${TASK_KINDS[t.kind]}</td><td data-label="Date">${dateTime(t.requestedAt)}</td><td data-label="Requested by">${t.requestedBy}</td>
    <td data-label="Details">${t.groups.length ? `${t.groups.join(', ')} · ` : ''}${t.learnerId ? `${t.learnerId} · ` : ''}${t.done}/${t.total ?? '?'} done, ${t.issued} issued, ${t.failed} failed${t.error ? html`<div class="status bad">${t.error}</div>` : ''}</td>
    <td data-label="State"><span class="badge ${t.state}">${t.state}</span></td>
    <td data-label="Action">${mayGenerate && (t.state === 'failed' || t.state === 'succeeded' || t.state === 'cancelled') ? html`<form data-api="retry" action="/generation-tasks/${t.id}/retry" data-reload data-done="Queued again."><button type="submit" class="secondary">Retry</button><span class="status" role="status"></span></form>` : mayGenerate && (t.state === 'queued' || t.state === 'running') ? html`<form data-api="cancel" action="/generation-tasks/${t.id}/cancel" data-confirm="Stop this certificate generation? Certificates it has already issued stay issued." data-done="Stopping the generation." data-reload><button type="submit" class="secondary">Cancel generation</button><span class="status" role="status"></span></form>` : ''}</td></tr>`,
  )}</tbody></table>`}</div>
  ${nextPageLink(course.id, 'history', next.history, at)}
</section>`;

  const exceptionSection = html`<section class="card" aria-labelledby="exceptions-heading">
  <h2 id="exceptions-heading">Exceptions</h2>
  <p>Learners on this list receive a certificate even without a passing grade.</p>
  <div class="grid">
  <form data-api="grant" action="${path}/exceptions" data-reload data-done="Added to the exception list.">
    <h3>Add one learner</h3>
    <label for="exception-learner">Username or email</label><input id="exception-learner" name="learner" type="text" required autocomplete="off">
    <label for="exception-notes">Notes</label><textarea id="exception-notes" name="notes"></textarea>
    <div class="actions"><button type="submit">Add exception</button></div><p class="status" role="status" aria-live="polite"></p>
  </form>
  <form data-api="importExceptions">
    <h3>Upload a CSV</h3>
    <p class="small muted">One learner per line: <code>username or email,notes</code>. Good lines are added; each bad line is reported with its number.</p>
    <label for="exception-csv">CSV file</label><input id="exception-csv" name="file" type="file" accept=".csv,text/csv" required>
    <div class="actions"><button type="submit">Upload CSV</button></div><p class="status" role="status" aria-live="polite"></p>
    <ul id="import-results" class="result-list" aria-label="Results per line"></ul>
  </form>
  </div>
  <h3 id="exceptions-list">Exception list <span class="muted small">(${listCounts.exceptions})</span></h3>
  <div class="table-wrap">${exceptions.length === 0 ? html`<p class="muted">Nobody is on the exception list.</p>` : html`<table class="stack"><thead><tr><th>Name</th><th>Email</th><th>Granted</th><th>Certificate generated</th><th>Notes</th><th><span class="sr">Remove</span></th></tr></thead><tbody>
  ${exceptions.map(
    (e) => html`<tr><td data-label="Name">${e.name} <span class="muted small">(${e.learnerId})</span></td><td data-label="Email">${e.email}</td><td data-label="Granted">${date(e.grantedAt)} by ${e.grantedBy}</td>
    <td data-label="Generated">${e.certificateGeneratedAt ? date(e.certificateGeneratedAt) : 'not yet'}</td><td data-label="Notes">${e.notes}</td>
    <td data-label="Remove"><form data-api="remove" action="${path}/exceptions/${encodeURIComponent(e.learnerId)}/removal" data-confirm="Remove ${e.name} from the exception list? A certificate that stood only on the exception will be invalidated." data-reload><button type="submit" class="link">Remove</button><span class="status" role="status"></span></form></td></tr>`,
  )}</tbody></table>`}</div>
  ${nextPageLink(course.id, 'exceptions', next.exceptions, at)}
  ${mayGenerate ? html`<form data-api="generate" class="actions">
    <fieldset><legend>Generate exception certificates for</legend>
      <label><input type="radio" name="kind" value="exceptions_missing" checked> All users on the Exception list who do not yet have a certificate</label>
      <label><input type="radio" name="kind" value="exceptions_all"> All users on the Exception list</label>
    </fieldset>
    <button type="submit">Generate Exception Certificates</button><p class="status" role="status" aria-live="polite"></p>
  </form>` : byAdministrator}
</section>`;

  const invalidationSection = html`<section class="card" aria-labelledby="invalidation-heading">
  <h2 id="invalidation-heading">Invalidate a certificate</h2>
  <form data-api="invalidate" data-reload data-done="The certificate is invalidated; its verification page now says REVOKED.">
    <label for="invalidate-learner">Username or email</label><input id="invalidate-learner" name="learner" type="text" required autocomplete="off">
    <label for="invalidate-notes">Notes (why; for the course team only)</label><textarea id="invalidate-notes" name="notes" required></textarea>
    <label for="invalidate-public-reason">Public reason (shown on the verification page; leave empty for a generic sentence)</label><input id="invalidate-public-reason" name="publicReason" type="text" maxlength="300" autocomplete="off">
    <div class="actions"><button type="submit" class="danger">Invalidate Certificate</button></div><p class="status" role="status" aria-live="polite"></p>
  </form>
  <h3 id="invalidated-heading">Invalidated certificates <span class="muted small">(${listCounts.invalidated})</span></h3>
  <div class="table-wrap">${invalidated.length === 0 ? html`<p class="muted">No certificate is invalidated.</p>` : html`<table class="stack"><thead><tr><th>Learner</th><th>Invalidated</th><th>Notes</th><th><span class="sr">Reinstate</span></th></tr></thead><tbody>
  ${invalidated.map(
    (i) => html`<tr><td data-label="Learner">${i.learner.name} <span class="muted small">(${i.learner.email})</span></td>
    <td data-label="Invalidated">${dateTime(i.invalidatedAt)} by ${i.invalidatedBy}</td><td data-label="Notes">${i.notes}${i.publicReason ? html`<div class="muted small">Public: ${i.publicReason}</div>` : ''}</td>
    <td data-label="Reinstate"><form data-api="reinstate" action="/certificates/${i.certificateId}/reinstatement" data-reload data-done="Reinstated."><button type="submit" class="secondary">Reinstate</button><span class="status" role="status"></span></form></td></tr>`,
  )}</tbody></table>`}</div>
  ${nextPageLink(course.id, 'invalidated', next.invalidated, at)}
</section>`;

  const farewell = html`<section class="card" aria-labelledby="farewell-heading">
  <h2 id="farewell-heading">Farewell message</h2>
  <p>Sent by email to every learner enrolled in the course.</p>
  <form data-api="farewell" action="${path}/farewell">
    <label for="farewell-subject">Subject</label><input id="farewell-subject" name="subject" type="text" required value="Thank you for taking ${course.title}">
    <label for="farewell-body">Message</label><textarea id="farewell-body" name="body" required></textarea>
    <div class="actions"><button type="submit">Send to all learners</button></div><p class="status" role="status" aria-live="polite"></p>
  </form>
</section>`;

  return layout({
    title: `Certificates · ${course.title}`,
    principal,
    script: 'dashboard.js',
    body: html`<div data-course="${course.id}" data-running-task="${running?.id ?? ''}">
<h1>${course.title} <span class="muted small">${course.id}</span></h1>
${settings}${generation}${history}${exceptionSection}${invalidationSection}${farewell}
</div>`,
  });
}
