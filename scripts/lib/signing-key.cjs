'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/**
 * Creates an ES256 (P-256) private JWK for development if the file does not exist yet.
 * @param {string} file
 * @param {{ log?: (line: string) => void }} [options]
 */
function ensureDevelopmentKey(file, { log = console.log } = {}) {
  if (fs.existsSync(file)) return { file, created: false };
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(jwk)}\n`, { mode: 0o600 });
  log(`signing: created a development signing key (ES256) at ${file}`);
  return { file, created: true };
}

module.exports = { ensureDevelopmentKey };
