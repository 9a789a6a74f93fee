'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

/** @typedef {{ id: number, from: string, to: string[], cc: string[], subject: string, text: string, html: string, date: string, raw: string }} CaughtMail */

/**
 * A local SMTP server that accepts every mail and keeps it: in memory (tests read them back),
 * optionally as .eml files and on a small web page (`npm start` shows where). Nothing leaves the
 * machine.
 * @param {{ port?: number, host?: string, dir?: string | null, webPort?: number | null, log?: (line: string) => void }} [options]
 */
async function startMailCatcher({ port = 0, host = '127.0.0.1', dir = null, webPort = null, log = () => undefined } = {}) {
  const { SMTPServer } = require('smtp-server');
  const { simpleParser } = require('mailparser');
  /** @type {CaughtMail[]} */
  const messages = [];
  /** @type {Set<() => void>} */
  const waiters = new Set();
  if (dir) fs.mkdirSync(dir, { recursive: true });

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      /** @type {Buffer[]} */
      const chunks = [];
      stream.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        try {
          const parsed = await simpleParser(raw);
          // The service addresses mail to mailboxes, never to groups, so every entry has an address.
          /** @param {import('mailparser').AddressObject | import('mailparser').AddressObject[] | undefined} field @returns {string[]} */
          const addresses = (field) => (field ? (Array.isArray(field) ? field : [field]).flatMap((a) => a.value.map((v) => /** @type {string} */ (v.address))) : []);
          const message = {
            id: messages.length + 1,
            from: parsed.from?.text ?? '',
            to: addresses(parsed.to),
            cc: addresses(parsed.cc),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            date: new Date().toISOString(),
            raw,
          };
          messages.push(message);
          if (dir) fs.writeFileSync(path.join(dir, `${message.date.replace(/[:.]/g, '-')}-${message.id}.eml`), raw);
          log(`mail: to ${message.to.join(', ')}: ${message.subject}`);
          for (const waiter of waiters) waiter();
          callback();
        } catch (error) {
          callback(/** @type {Error} */ (error));
        }
      });
    },
  });
  await /** @type {Promise<void>} */ (
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    })
  );
  const smtpPort = /** @type {import('node:net').AddressInfo} */ (server.server.address()).port;

  /** @type {import('node:http').Server | null} */
  let web = null;
  if (webPort !== null) {
    web = http.createServer((req, res) => {
      const match = /^\/(\d+)$/.exec(req.url ?? '');
      /** @param {unknown} s */
      const escape = (s) => String(s).replace(/[&<>"]/g, (c) => /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
      if (match) {
        const m = messages[Number(match[1]) - 1];
        if (!m) return res.writeHead(404).end('no such mail');
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(`<p><a href="/">← all mail</a></p><p><b>To:</b> ${escape(m.to.join(', '))}${m.cc.length ? ` <b>Cc:</b> ${escape(m.cc.join(', '))}` : ''}<br><b>Subject:</b> ${escape(m.subject)}</p><hr>${m.html || `<pre>${escape(m.text)}</pre>`}`);
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      const rows = messages.slice().reverse().map((m) => `<tr><td>${escape(m.date)}</td><td>${escape(m.to.join(', '))}</td><td><a href="/${m.id}">${escape(m.subject)}</a></td></tr>`).join('');
      res.end(`<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Local mail</title><h1>Mail caught on this machine (${messages.length})</h1><table border="1" cellpadding="4"><tr><th>When</th><th>To</th><th>Subject</th></tr>${rows}</table>`);
    });
    const listening = web;
    await /** @type {Promise<void>} */ (
      new Promise((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(webPort, host, resolve);
      })
    );
  }

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    webUrl: web ? `http://${host}:${/** @type {import('node:net').AddressInfo} */ (web.address()).port}` : null,
    messages,
    /**
     * Resolves when `count` mails matching `filter` have arrived.
     * @param {number} count
     * @param {(mail: CaughtMail) => boolean} [filter]
     * @param {number} [timeoutMs]
     * @returns {Promise<CaughtMail[]>}
     */
    waitFor(count, filter = () => true, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.filter(filter);
          if (found.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} mails, got ${messages.filter(filter).length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      await /** @type {Promise<void>} */ (new Promise((resolve) => server.close(resolve)));
      if (web) {
        const open = web;
        await /** @type {Promise<void>} */ (new Promise((resolve) => open.close(() => resolve())));
      }
    },
  };
}

module.exports = { startMailCatcher };
