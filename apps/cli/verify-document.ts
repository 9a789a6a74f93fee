/**
 * npm run verify -- <certificate.pdf | badge.png | credential.jwt> [--jwks <file or URL>]
 *
 * Verifies a certificate document with the issuer's published keys, without our database: the
 * credential attached to the PDF, baked into the PNG, or the bare JWS. With --jwks pointing at a
 * saved copy of /.well-known/jwks.json it runs fully offline. Exit code 0 when valid.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { publicKeySet } from '../shared/credentials/signing-keys';
import { originOf, verifyCredentialToken } from '../shared/credentials/verify-credential';
import { extractCredential } from '../shared/documents/extract-credential';

async function loadJwks(source: string): Promise<{ keys: [] }> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`${source} answered ${response.status}`);
    return (await response.json()) as { keys: [] };
  }
  return JSON.parse(readFileSync(source, 'utf8')) as { keys: [] };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { jwks: { type: 'string' } }, allowPositionals: true });
  const file = positionals[0];
  if (!file) {
    console.error('usage: npm run verify -- <certificate.pdf | badge.png | credential.jwt> [--jwks <file or URL>]');
    return 2;
  }
  const token = extractCredential(readFileSync(file));
  if (!token) {
    console.error(`${file}: no credential found (expected a certificate PDF, a baked badge PNG or a compact JWS)`);
    return 1;
  }
  const origin = originOf(token);
  const jwksSource = values.jwks ?? (origin ? `${origin}/.well-known/jwks.json` : null);
  if (!jwksSource) {
    console.error('the credential names no issuer; pass --jwks');
    return 1;
  }
  if (!values.jwks) console.log(`keys: fetching the issuer's published keys from ${jwksSource}`);
  const keys = await publicKeySet(await loadJwks(jwksSource));
  const result = await verifyCredentialToken(token, { keys, publicUrl: origin ?? '' });
  const c = result.credential;
  console.log(`${result.verdict.toUpperCase()}${c ? `: ${c.credentialSubject?.name} — ${c.credentialSubject?.achievement?.name} — issued ${c.validFrom} by ${c.issuer?.name} (${c.issuer?.id})` : ''}`);
  for (const check of result.checks) console.log(`  ${check.ok ? '✔' : '✘'} ${check.name}: ${check.detail}`);
  console.log('  · revocation: not checked offline (open the verification link, or its status list, to check)');
  return result.verdict === 'valid' ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`verify: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
