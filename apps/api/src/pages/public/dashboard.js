// @ts-check
/**
 * The instructor dashboard: live generation progress, CSV upload with per-line results,
 * invalidation by learner. Runs after app.js, whose certificatesApi it uses.
 *
 * The parts of the API's answers it reads (the full shapes are in /docs):
 * @typedef {{ id: string, state: import('../../../../shared/domain/enums').GenerationState, total: number | null, done: number, issued: number, failed: number, etaSeconds: number | null, error: string | null }} GenerationTask
 * @typedef {{ line: number, learner: string, result: 'added' | 'already_listed' | 'rejected', message: string }} ImportLine
 * @typedef {{ id: string, valid: boolean }} CertificateSummary
 */
(function () {
  'use strict';
  const page = /** @type {PageWindow} */ (window);
  const root = document.querySelector('[data-course]');
  if (!root) return;
  const coursePath = '/courses/' + encodeURIComponent(root.getAttribute('data-course') ?? '');
  const bar = /** @type {HTMLProgressElement} */ (document.getElementById('generation-progress'));
  const text = /** @type {HTMLElement} */ (document.getElementById('generation-text'));
  const api = /** @type {ApiCall} */ (page.certificatesApi);

  /** @param {GenerationTask} task */
  function describe(task) {
    const total = task.total === null ? '?' : task.total;
    const parts = [task.done + ' / ' + total + ' learners processed', task.issued + ' issued', task.failed + ' failed'];
    if (task.state === 'running' && task.etaSeconds !== null) parts.push('about ' + task.etaSeconds + ' s left');
    parts.push(task.state);
    return parts.join(' · ');
  }

  /**
   * Follows a generation task on the progress bar until it ends.
   * @param {string} taskId
   * @returns {Promise<GenerationTask>}
   */
  async function watch(taskId) {
    for (;;) {
      /** @type {GenerationTask} */
      const task = await api('GET', '/generation-tasks/' + taskId);
      if (task.total) { bar.max = task.total; bar.value = task.done; }
      let pct = task.total ? Math.floor((task.done / task.total) * 100) : (task.state === 'succeeded' ? 100 : 0);
      if (task.state === 'succeeded') { bar.max = 1; bar.value = 1; pct = 100; }
      bar.setAttribute('aria-valuenow', String(pct));
      text.textContent = pct + '% · ' + describe(task);
      if (task.state !== 'queued' && task.state !== 'running') return task;
      await new Promise(function (r) { setTimeout(r, 700); });
    }
  }

  /** @param {number} delayMs */
  function reloadSoon(delayMs) { setTimeout(function () { window.location.reload(); }, delayMs); }

  const running = root.getAttribute('data-running-task');
  // A failed poll leaves the page as it is; the next reload shows the task's state.
  if (running) void watch(running).then(function () { reloadSoon(1200); });

  /** @param {HTMLElement | null} status @param {string} message @param {boolean} ok */
  function report(status, message, ok) {
    if (!status) return;
    status.textContent = message;
    status.className = 'status ' + (ok ? 'ok' : 'bad');
  }

  /** @type {Record<string, FormHandler>} */
  page.certificatesForms = {
    generate: async function (_form, body, call, status) {
      /** @type {GenerationTask} */
      const task = await call('POST', coursePath + '/generation-tasks', body);
      if (status) status.textContent = 'Generation started (task ' + task.id + ').';
      /** @type {HTMLElement} */ (document.getElementById('generation-panel')).hidden = false;
      const finished = await watch(task.id);
      report(
        status,
        finished.state === 'succeeded' ? 'Generation finished: ' + finished.issued + ' issued, ' + finished.failed + ' failed.' : 'Generation ' + finished.state + ': ' + (finished.error || ''),
        finished.state === 'succeeded',
      );
      reloadSoon(1500);
      return false;
    },
    importExceptions: async function (form, _body, call, status) {
      const input = /** @type {HTMLInputElement} */ (form.querySelector('input[type=file]'));
      const file = input.files && input.files[0];
      if (!file) throw new Error('choose a CSV file first');
      /** @type {{ added: number, results: ImportLine[] }} */
      const result = await call('POST', coursePath + '/exceptions/import', await file.text(), 'text/csv');
      const list = /** @type {HTMLElement} */ (document.getElementById('import-results'));
      list.innerHTML = '';
      result.results.forEach(function (line) {
        const item = document.createElement('li');
        item.className = line.result === 'added' || line.result === 'already_listed' ? 'ok' : 'bad';
        item.textContent = 'Line ' + line.line + ': ' + (line.learner || '(empty)') + ' — ' + line.result + (line.result === 'added' ? '' : ' (' + line.message + ')');
        list.appendChild(item);
      });
      report(status, result.added + ' added; ' + result.results.filter(function (l) { return l.result === 'rejected'; }).length + ' line(s) rejected — see below.', true);
      return false;
    },
    farewell: async function (_form, body, call, status) {
      /** @type {{ recipients: number, mailConfigured: boolean }} */
      const sent = await call('POST', coursePath + '/farewell', body);
      report(
        status,
        sent.mailConfigured
          ? 'The message is on its way to ' + sent.recipients + ' learner(s).'
          : 'Recorded, but mail is not configured on this service (SMTP_URL), so nothing was sent.',
        sent.mailConfigured,
      );
      return false;
    },
    invalidate: async function (_form, body, call) {
      const learner = String(body.learner ?? '');
      /** @type {CertificateSummary[]} */
      const found = (await call('GET', coursePath + '/certificates?learner=' + encodeURIComponent(learner))).certificates;
      const issued = found.filter(function (c) { return c.valid; });
      if (issued.length === 0) throw new Error('no valid certificate for ' + learner + ' in this course');
      /** @type {{ notes: unknown, publicReason?: string }} */
      const invalidation = { notes: body.notes };
      const publicReason = typeof body.publicReason === 'string' ? body.publicReason : '';
      if (publicReason.trim()) invalidation.publicReason = publicReason;
      await call('POST', '/certificates/' + issued[0].id + '/invalidations', invalidation);
      return true;
    },
  };
})();
