'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/**
 * Creates a private JWK for development if the file does not exist yet: ES256 (P-256) by default,
 * EdDSA (Ed25519) when asked.
 * @param {string} file
 * @param {{ log?: (line: string) => void, algorithm?: 'ES256' | 'EdDSA' }} [options]
 */
function ensureDevelopmentKey(file, { log = console.log, algorithm = 'ES256' } = {}) {
  if (fs.existsSync(file)) return { file, created: false };
  const { privateKey } = algorithm === 'EdDSA' ? crypto.generateKeyPairSync('ed25519') : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(jwk)}\n`, { mode: 0o600 });
  log(`signing: created a development signing key (${algorithm}) at ${file}`);
  return { file, created: true };
}

module.exports = { ensureDevelopmentKey };
