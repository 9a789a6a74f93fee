// @ts-check
/**
 * Behaviour shared by the pages: forms marked data-api send JSON to the API (with the header the
 * access guard requires of browser sessions) and report the answer in their status line.
 *
 * Served as written (no build step) under /assets/app.js; type-checked with tsconfig.assets.json.
 *
 * @typedef {(method: string, url: string, body?: unknown, type?: string) => Promise<any>} ApiCall
 *   Sends `body` as JSON (or as is, with `type`); resolves to the parsed answer, rejects with its message.
 * @typedef {(form: HTMLFormElement, body: Record<string, unknown>, call: ApiCall, status: HTMLElement | null) => Promise<boolean>} FormHandler
 *   A page's own handling of one data-api form; `false` means it has reported the outcome itself.
 * @typedef {Window & { certificatesApi?: ApiCall, certificatesForms?: Record<string, FormHandler> }} PageWindow
 */
(function () {
  'use strict';
  const page = /** @type {PageWindow} */ (window);
  const HEADERS = { 'x-requested-by': 'certificates-ui', accept: 'application/json' };

  /** @param {HTMLFormElement} form */
  function statusOf(form) { return form.querySelector('.status') || document.getElementById(form.getAttribute('data-status') ?? ''); }
  /** @param {Element | null} el @param {string} text @param {boolean | null} ok */
  function say(el, text, ok) { if (!el) return; el.textContent = text; el.className = 'status ' + (ok === null ? 'busy' : ok ? 'ok' : 'bad'); }

  /**
   * Asks on a modal dialog answered with "Ok" or "Cancel" (seed 002: "Confirm on the modal by
   * clicking on "Ok""); Escape cancels. Resolves to true for "Ok".
   * @param {string} text
   * @returns {Promise<boolean>}
   */
  function confirmOnModal(text) {
    return new Promise(function (resolve) {
      const dialog = document.createElement('dialog');
      dialog.className = 'confirm';
      const question = document.createElement('p');
      question.id = 'confirm-text';
      question.textContent = text;
      dialog.setAttribute('aria-describedby', question.id);
      const buttons = document.createElement('form');
      buttons.method = 'dialog';
      buttons.className = 'actions';
      const ok = document.createElement('button');
      ok.type = 'submit';
      ok.value = 'ok';
      ok.textContent = 'Ok';
      const cancel = document.createElement('button');
      cancel.type = 'submit';
      cancel.value = 'cancel';
      cancel.className = 'secondary';
      cancel.textContent = 'Cancel';
      buttons.append(ok, cancel);
      dialog.append(question, buttons);
      dialog.addEventListener('close', function () {
        resolve(dialog.returnValue === 'ok');
        dialog.remove();
      });
      document.body.appendChild(dialog);
      dialog.showModal();
      ok.focus();
    });
  }

  /** @type {ApiCall} */
  async function call(method, url, body, type) {
    /** @type {Record<string, string>} */
    const headers = Object.assign({}, HEADERS);
    if (body !== undefined) headers['content-type'] = type || 'application/json';
    const payload = body === undefined ? undefined : type ? /** @type {BodyInit} */ (body) : JSON.stringify(body);
    const response = await fetch(url, { method: method, headers: headers, body: payload, credentials: 'same-origin' });
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    if (!response.ok) throw Object.assign(new Error((data && data.message) || ('the service answered ' + response.status)), { data: data });
    return data;
  }
  page.certificatesApi = call;

  /**
   * The form's fields by name; a name ending in [] collects every value into a list.
   * @param {HTMLFormElement} form
   */
  function fields(form) {
    /** @type {Record<string, FormDataEntryValue | FormDataEntryValue[]>} */
    const out = {};
    new FormData(form).forEach(function (value, key) {
      if (key.slice(-2) === '[]') {
        key = key.slice(0, -2);
        const list = out[key];
        if (Array.isArray(list)) list.push(value);
        else out[key] = [value];
      } else out[key] = value;
    });
    return out;
  }

  /**
   * "Add to wallet": a fresh single-use offer of the certificate, shown as a QR code for a wallet on
   * a phone, a link for a wallet on this device, and the transaction code to type (never in the link).
   * @type {FormHandler}
   */
  async function showWalletOffer(form, _body, call, status) {
    /** @type {{ offerUrl: string, qrCode: string, txCode: string | null, expiresAt: string }} */
    const offer = await call('POST', form.getAttribute('action') ?? '', { txCode: true });
    const box = form.querySelector('.wallet-offer');
    if (!(box instanceof HTMLElement)) return true;
    const scan = document.createElement('p');
    scan.append('Scan this QR code with your wallet app' + (offer.txCode ? ', then type the transaction code it asks for: ' : '.'));
    if (offer.txCode) {
      const code = document.createElement('strong');
      code.className = 'tx-code';
      code.textContent = offer.txCode;
      scan.append(code);
    }
    const qr = document.createElement('img');
    qr.src = offer.qrCode;
    qr.alt = 'QR code of the offer for your wallet app';
    const here = document.createElement('p');
    here.className = 'small';
    const link = document.createElement('a');
    link.href = offer.offerUrl;
    link.textContent = 'Open in a wallet app on this device';
    here.append(link);
    const note = document.createElement('p');
    note.className = 'small muted';
    note.textContent = 'The offer works once, until ' + new Date(offer.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) + '. Ask for a new one if it expires.';
    box.replaceChildren(scan, qr, here, note);
    box.hidden = false;
    say(status, '', true);
    return false;
  }
  /** @type {Record<string, FormHandler>} */
  const FORMS = { 'wallet-offer': showWalletOffer };

  document.addEventListener('submit', async function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-api')) return;
    event.preventDefault();
    const confirmText = form.getAttribute('data-confirm');
    if (confirmText && !(await confirmOnModal(confirmText))) return;
    const status = /** @type {HTMLElement | null} */ (statusOf(form));
    const button = form.querySelector('button[type=submit]');
    if (button instanceof HTMLButtonElement) button.disabled = true;
    say(status, 'Working…', null);
    try {
      /** @type {Record<string, unknown>} */
      let body = fields(form);
      const extra = form.getAttribute('data-body');
      if (extra) body = Object.assign(JSON.parse(extra), body);
      const name = form.getAttribute('data-api') ?? '';
      const handler = (page.certificatesForms && page.certificatesForms[name]) || FORMS[name];
      const result = handler ? await handler(form, body, call, status) : await call(form.getAttribute('data-method') || 'POST', form.getAttribute('action') ?? '', body);
      if (result !== false) {
        say(status, form.getAttribute('data-done') || 'Done.', true);
        const next = form.getAttribute('data-go');
        if (next !== null) window.location.assign(next);
        else if (form.hasAttribute('data-reload')) setTimeout(function () { window.location.reload(); }, 400);
      }
    } catch (error) {
      say(status, error instanceof Error ? error.message : String(error), false);
    } finally {
      if (button instanceof HTMLButtonElement) button.disabled = false;
    }
  });
})();
