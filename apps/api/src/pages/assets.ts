/**
 * The pages' stylesheet and scripts. Kept as strings so the build has no asset step; served with
 * long-lived caching under /assets.
 */
const APP_CSS = `
:root { --ink:#111827; --muted:#4b5563; --line:#e5e7eb; --bg:#f9fafb; --card:#fff; --brand:#1d4ed8; --ok:#0a7d38; --bad:#b42318; --warn:#b54708; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 0; color: var(--ink); background: var(--bg); }
a { color: var(--brand); }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
.top { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; justify-content: space-between; padding: .75rem 1rem; background: #0f172a; color: #fff; }
.top a.brand { color: #fff; font-weight: 700; text-decoration: none; }
.top nav { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; font-size: .9rem; }
.top form { margin: 0; }
.top .link { color: #bfdbfe; }
main { max-width: 68rem; margin: 0 auto; padding: 1rem; }
main:focus { outline: none; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 0 0 .75rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .75rem; padding: 1rem; margin: 0 0 1rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
.muted { color: var(--muted); }
.small { font-size: .875rem; }
button, .button { font: inherit; border: 1px solid var(--brand); background: var(--brand); color: #fff; border-radius: .5rem; padding: .5rem .9rem; cursor: pointer; text-decoration: none; display: inline-block; min-height: 2.5rem; }
button.secondary, .button.secondary { background: #fff; color: var(--brand); }
button.danger { background: var(--bad); border-color: var(--bad); }
button.link { background: none; border: 0; padding: 0; min-height: 0; text-decoration: underline; color: var(--brand); }
button[disabled] { opacity: .6; cursor: progress; }
label { display: block; font-weight: 600; margin: .5rem 0 .25rem; }
input[type=text], input[type=email], textarea, select { font: inherit; width: 100%; padding: .5rem; border: 1px solid #9ca3af; border-radius: .5rem; background: #fff; }
textarea { min-height: 5rem; }
fieldset { border: 1px solid var(--line); border-radius: .5rem; margin: 0 0 .75rem; padding: .5rem .75rem; }
fieldset label { display: inline-flex; gap: .35rem; align-items: center; font-weight: 400; margin: .25rem 1rem .25rem 0; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .75rem; align-items: center; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .925rem; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
.badge { display: inline-block; border-radius: 999px; padding: .05rem .6rem; font-size: .8rem; font-weight: 600; background: #e5e7eb; }
.badge.succeeded, .badge.downloadable, .badge.on { background: #dcfce7; color: #14532d; }
.badge.failed, .badge.error, .badge.revoked { background: #fee2e2; color: #7f1d1d; }
.badge.running, .badge.queued { background: #dbeafe; color: #1e3a8a; }
.status { margin: .5rem 0 0; }
.status:empty { margin: 0; }
.status.ok { color: var(--ok); } .status.bad { color: var(--bad); }
progress { width: 100%; height: 1.25rem; }
.progress-text { font-variant-numeric: tabular-nums; }
.message { font-size: 1.1rem; font-weight: 600; }
.result-list { margin: .5rem 0 0; padding-left: 1.25rem; }
.result-list .bad { color: var(--bad); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 40rem) {
  main { padding: .75rem; }
  h1 { font-size: 1.35rem; }
  table.stack thead { display: none; }
  table.stack tr { display: block; border-bottom: 2px solid var(--line); padding: .25rem 0; }
  table.stack td { display: grid; grid-template-columns: 7.5rem 1fr; border: 0; padding: .2rem .25rem; }
  table.stack td::before { content: attr(data-label); font-weight: 600; color: var(--muted); }
  dl.facts { grid-template-columns: 1fr; gap: 0; }
  dl.facts dd { margin-bottom: .5rem; }
}
`;

/**
 * Behaviour shared by the pages: forms marked data-api send JSON to the API (with the header the
 * access guard requires of browser sessions) and report the answer in their status line.
 */
const APP_JS = `
(function () {
  'use strict';
  var HEADERS = { 'x-requested-by': 'certificates-ui', accept: 'application/json' };

  function statusOf(form) { return form.querySelector('.status') || document.getElementById(form.getAttribute('data-status')); }
  function say(el, text, ok) { if (!el) return; el.textContent = text; el.className = 'status ' + (ok === null ? 'busy' : ok ? 'ok' : 'bad'); }

  async function call(method, url, body, type) {
    var headers = Object.assign({}, HEADERS);
    if (body !== undefined) headers['content-type'] = type || 'application/json';
    var response = await fetch(url, { method: method, headers: headers, body: body === undefined ? undefined : (type ? body : JSON.stringify(body)), credentials: 'same-origin' });
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) { var error = new Error((data && data.message) || ('the service answered ' + response.status)); error.data = data; throw error; }
    return data;
  }
  window.certificatesApi = call;

  function fields(form) {
    var out = {};
    new FormData(form).forEach(function (value, key) {
      if (key.slice(-2) === '[]') { key = key.slice(0, -2); (out[key] = out[key] || []).push(value); }
      else out[key] = value;
    });
    return out;
  }

  document.addEventListener('submit', async function (event) {
    var form = event.target;
    if (!form.hasAttribute('data-api')) return;
    event.preventDefault();
    var confirmText = form.getAttribute('data-confirm');
    if (confirmText && !window.confirm(confirmText)) return;
    var status = statusOf(form);
    var button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    say(status, 'Working…', null);
    try {
      var body = fields(form);
      var extra = form.getAttribute('data-body');
      if (extra) body = Object.assign(JSON.parse(extra), body);
      var handler = window.certificatesForms && window.certificatesForms[form.getAttribute('data-api')];
      var result = handler ? await handler(form, body, call, status) : await call(form.getAttribute('data-method') || 'POST', form.getAttribute('action'), body);
      if (result !== false) {
        say(status, form.getAttribute('data-done') || 'Done.', true);
        if (form.hasAttribute('data-go')) window.location.assign(form.getAttribute('data-go'));
        else if (form.hasAttribute('data-reload')) setTimeout(function () { window.location.reload(); }, 400);
      }
    } catch (error) {
      say(status, error.message, false);
    } finally {
      if (button) button.disabled = false;
    }
  });
})();
`;

/** The instructor dashboard: live generation progress, CSV upload with per-line results, invalidation by learner. */
const DASHBOARD_JS = `
(function () {
  'use strict';
  var root = document.querySelector('[data-course]');
  if (!root) return;
  var courseId = root.getAttribute('data-course');
  var coursePath = '/courses/' + encodeURIComponent(courseId);
  var bar = document.getElementById('generation-progress');
  var text = document.getElementById('generation-text');

  function describe(task) {
    var total = task.total === null ? '?' : task.total;
    var parts = [task.done + ' / ' + total + ' learners processed', task.issued + ' issued', task.failed + ' failed'];
    if (task.state === 'running' && task.etaSeconds !== null) parts.push('about ' + task.etaSeconds + ' s left');
    parts.push(task.state);
    return parts.join(' · ');
  }

  async function watch(taskId) {
    for (;;) {
      var task = await window.certificatesApi('GET', '/generation-tasks/' + taskId);
      if (task.total) { bar.max = task.total; bar.value = task.done; }
      var pct = task.total ? Math.floor((task.done / task.total) * 100) : (task.state === 'succeeded' ? 100 : 0);
      if (task.state === 'succeeded') { bar.max = 1; bar.value = 1; pct = 100; }
      bar.setAttribute('aria-valuenow', String(pct));
      text.textContent = pct + '% · ' + describe(task);
      if (task.state === 'succeeded' || task.state === 'failed' || task.state === 'cancelled') return task;
      await new Promise(function (r) { setTimeout(r, 700); });
    }
  }

  var running = root.getAttribute('data-running-task');
  if (running) watch(running).then(function () { setTimeout(function () { window.location.reload(); }, 1200); });

  window.certificatesForms = {
    generate: async function (form, body, call, status) {
      var task = await call('POST', coursePath + '/generation-tasks', body);
      status.textContent = 'Generation started (task ' + task.id + ').';
      document.getElementById('generation-panel').hidden = false;
      var finished = await watch(task.id);
      status.textContent = finished.state === 'succeeded' ? 'Generation finished: ' + finished.issued + ' issued, ' + finished.failed + ' failed.' : 'Generation ' + finished.state + ': ' + (finished.error || '');
      status.className = 'status ' + (finished.state === 'succeeded' ? 'ok' : 'bad');
      setTimeout(function () { window.location.reload(); }, 1500);
      return false;
    },
    importExceptions: async function (form, body, call, status) {
      var file = form.querySelector('input[type=file]').files[0];
      if (!file) throw new Error('choose a CSV file first');
      var result = await call('POST', coursePath + '/exceptions/import', await file.text(), 'text/csv');
      var list = document.getElementById('import-results');
      list.innerHTML = '';
      result.results.forEach(function (line) {
        var item = document.createElement('li');
        item.className = line.result === 'added' || line.result === 'already_listed' ? 'ok' : 'bad';
        item.textContent = 'Line ' + line.line + ': ' + (line.learner || '(empty)') + ' — ' + line.result + (line.result === 'added' ? '' : ' (' + line.message + ')');
        list.appendChild(item);
      });
      status.textContent = result.added + ' added; ' + result.results.filter(function (l) { return l.result === 'rejected'; }).length + ' line(s) rejected — see below.';
      status.className = 'status ok';
      return false;
    },
    farewell: async function (form, body, call, status) {
      var sent = await call('POST', coursePath + '/farewell', body);
      status.textContent = sent.mailConfigured
        ? 'The message is on its way to ' + sent.recipients + ' learner(s).'
        : 'Recorded, but mail is not configured on this service (SMTP_URL), so nothing was sent.';
      status.className = 'status ' + (sent.mailConfigured ? 'ok' : 'bad');
      return false;
    },
    invalidate: async function (form, body, call) {
      var found = await call('GET', coursePath + '/certificates?learner=' + encodeURIComponent(body.learner));
      var issued = found.filter(function (c) { return c.status === 'downloadable' && !c.invalidated; });
      if (issued.length === 0) throw new Error('no valid certificate for ' + body.learner + ' in this course');
      var invalidation = { notes: body.notes };
      if (body.publicReason && body.publicReason.trim()) invalidation.publicReason = body.publicReason;
      await call('POST', '/certificates/' + issued[0].id + '/invalidations', invalidation);
      return true;
    },
  };
})();
`;

/** The public verification page's own stylesheet: it stands alone (no app chrome, no script). */
const VERIFY_CSS = `
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #111827; background: #f9fafb; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
.verdict { color: #fff; border-radius: .75rem; padding: 1.25rem; text-align: center; }
.verdict.tone-ok { background: #0a7d38; } .verdict.tone-bad { background: #b42318; }
.verdict.tone-warn { background: #b54708; } .verdict.tone-muted { background: #6b7280; }
.verdict h1 { font-size: 2.75rem; margin: 0; letter-spacing: .05em; }
.verdict p { margin: .25rem 0 0; font-size: 1.05rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; background: #fff; border-radius: .75rem; padding: 1rem; margin: 1rem 0; }
dt { color: #4b5563; } dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.revocation { background: #fef3f2; border: 1px solid #fecdca; border-radius: .75rem; padding: .75rem 1rem; }
ul { list-style: none; padding: 0; background: #fff; border-radius: .75rem; }
li { padding: .5rem 1rem; border-bottom: 1px solid #e5e7eb; overflow-wrap: anywhere; } li:last-child { border-bottom: 0; }
.ok::before { content: "✔ "; color: #0a7d38; } .ko::before { content: "✘ "; color: #b42318; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
`;

export const ASSETS: Record<string, { type: string; body: string }> = {
  'app.css': { type: 'text/css', body: APP_CSS },
  'verify.css': { type: 'text/css', body: VERIFY_CSS },
  'app.js': { type: 'text/javascript', body: APP_JS },
  'dashboard.js': { type: 'text/javascript', body: DASHBOARD_JS },
};
