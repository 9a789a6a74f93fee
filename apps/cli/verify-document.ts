/**
 * npm run verify -- <certificate.pdf | badge.png | credential.jwt> [--issuer <origin>] [--jwks <file>]
 *
 * Verifies a certificate document against the issuer you trust, without our database: the
 * credential attached to the PDF, baked into the PNG, or the bare JWS. The trusted issuer is
 * --issuer, by default this service's PUBLIC_URL; a credential naming any other issuer is refused,
 * and keys are never fetched from what the credential itself says. Online, the keys come from
 * <issuer>/.well-known/jwks.json, revocation from the issuer's signed status list, and whether the
 * credential is still the current one from <issuer>/verify. With --jwks (a saved copy of that key
 * set) nothing is fetched and revocation is not checked. Exit code 0 only when valid.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../shared/config';
import { publicKeySet, type KeySet } from '../shared/credentials/signing-keys';
import { bitAt, readStatusListCredential } from '../shared/credentials/status-list';
import { originOf, verifyCredentialToken, type Check, type VerifiedCredential } from '../shared/credentials/verify-credential';
import { extractCredential } from '../shared/documents/extract-credential';

const USAGE = 'usage: npm run verify -- <certificate.pdf | badge.png | credential.jwt> [--issuer <origin>] [--jwks <file>]';
const TIMEOUT_MS = 10_000;

type Verdict = 'valid' | 'invalid' | 'revoked' | 'superseded';

/** The issuer's origin as given (no trailing slash), or null when it is not an http(s) URL. */
function trustedOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    if (url.search || url.hash || url.username || url.password) return null;
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

/** Only the trusted issuer is ever asked anything; redirects elsewhere are not followed. */
async function fetchFromIssuer(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
}

async function issuerKeys(issuer: string, jwksFile: string | undefined): Promise<Pick<KeySet, 'byKid'>> {
  if (jwksFile) return publicKeySet(JSON.parse(readFileSync(jwksFile, 'utf8')) as { keys: [] });
  const response = await fetchFromIssuer(`${issuer}/.well-known/jwks.json`);
  if (!response.ok) throw new Error(`${issuer}/.well-known/jwks.json answered ${response.status}`);
  return publicKeySet((await response.json()) as { keys: [] });
}

/** The certificate's bit in the issuer's signed status list; the list must come from the issuer and be fresh. */
async function revocationCheck(credential: VerifiedCredential, issuer: string, keys: Pick<KeySet, 'byKid'>): Promise<{ verdict: Verdict; check: Check }> {
  const entry = credential.credentialStatus;
  if (!entry) return { verdict: 'valid', check: { name: 'revocation', ok: true, detail: 'the credential has no status entry: nothing to revoke' } };
  const url = entry.statusListCredential;
  if (!url.startsWith(`${issuer}/status/`)) {
    return { verdict: 'invalid', check: { name: 'revocation', ok: false, detail: `the status list ${url} is not the issuer's; refused` } };
  }
  const response = await fetchFromIssuer(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const reading = await readStatusListCredential(await response.text(), { keys, publicUrl: issuer, url });
  if (!reading.ok) return { verdict: 'invalid', check: { name: 'revocation', ok: false, detail: `${url}: ${reading.reason}` } };
  const revoked = bitAt(reading.bits, Number(entry.statusListIndex));
  const detail = `${url}, index ${entry.statusListIndex}: ${revoked ? 'bit set (revoked)' : 'bit not set'}; the list is valid until ${reading.validUntil}`;
  return { verdict: revoked ? 'revoked' : 'valid', check: { name: 'revocation', ok: !revoked, detail } };
}

/** An online check that could not be made is said so; it neither passes nor fails the credential. */
async function attempt(name: string, run: () => Promise<{ verdict: Verdict; check: Check }>): Promise<{ verdict: Verdict | null; check: Check | null; note?: string }> {
  try {
    return await run();
  } catch (error) {
    return { verdict: null, check: null, note: `  · ${name}: not checked (${error instanceof Error ? error.message : String(error)})` };
  }
}

interface IssuerAnswer {
  verdict: string;
  failed?: string | null;
  checks?: Check[];
  current?: { verifyUrl: string };
  revocation?: { revokedAt: string; reason: string };
}

/** The issuer's own answer for this very token: whether it is still the current credential of its certificate. */
async function currencyCheck(token: string, issuer: string): Promise<{ verdict: Verdict; check: Check }> {
  const response = await fetchFromIssuer(`${issuer}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ credential: token }),
  });
  const answer = (await response.json()) as IssuerAnswer;
  if (answer.verdict === 'superseded') {
    return { verdict: 'superseded', check: { name: 'current', ok: false, detail: `a newer credential replaces this one: check the current one at ${answer.current?.verifyUrl ?? issuer}` } };
  }
  if (answer.verdict === 'valid') return { verdict: 'valid', check: { name: 'current', ok: true, detail: `${issuer} confirms it is the current credential of its certificate` } };
  if (answer.verdict === 'revoked') {
    const why = answer.revocation ? ` on ${answer.revocation.revokedAt}: ${answer.revocation.reason}` : '';
    return { verdict: 'revoked', check: { name: 'current', ok: false, detail: `${issuer} answers revoked${why}` } };
  }
  const failed = answer.checks?.find((c) => !c.ok);
  return { verdict: 'invalid', check: { name: 'current', ok: false, detail: `${issuer} answers ${answer.verdict}${failed ? ` (${failed.name}: ${failed.detail})` : ''}` } };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { issuer: { type: 'string' }, jwks: { type: 'string' } }, allowPositionals: true });
  const file = positionals[0];
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  const issuer = trustedOrigin(values.issuer ?? loadConfig().http.publicUrl);
  if (!issuer) {
    console.error(`--issuer must be the issuer's http(s) origin, e.g. https://certificates.example.org\n${USAGE}`);
    return 2;
  }
  if (values.jwks && /^https?:\/\//.test(values.jwks)) {
    console.error('--jwks takes a saved file; to fetch the keys, name the issuer with --issuer');
    return 2;
  }
  const token = extractCredential(readFileSync(file));
  if (!token) {
    console.error(`${file}: no credential found (expected a certificate PDF, a baked badge PNG or a compact JWS)`);
    return 1;
  }

  console.log(`issuer: trusting ${issuer} only; keys ${values.jwks ? `from ${values.jwks} (offline)` : `from ${issuer}/.well-known/jwks.json`}`);
  const claimed = originOf(token);
  // A did:web issuer names the same origin over https; our own DID counts as the issuer itself.
  if (claimed !== issuer && claimed !== issuer.replace(/^http:/, 'https:')) console.log(`issuer: the credential names ${claimed ?? 'no recognizable issuer'}, not ${issuer}`);
  const keys = await issuerKeys(issuer, values.jwks);
  const result = await verifyCredentialToken(token, { keys, publicUrl: issuer });
  let verdict: Verdict = result.verdict;
  const checks = [...result.checks];
  const notes: string[] = [];
  const online = !values.jwks && result.verdict === 'valid' && result.credential !== null;
  if (online) {
    const credential = result.credential!;
    // The first verdict that is not valid stands: revoked by the signed list, then replaced or refused by the issuer.
    for (const outcome of [await attempt('revocation', () => revocationCheck(credential, issuer, keys)), await attempt('current', () => currencyCheck(token, issuer))]) {
      if (outcome.check) checks.push(outcome.check);
      if (outcome.note) notes.push(outcome.note);
      if (verdict === 'valid' && outcome.verdict) verdict = outcome.verdict;
    }
  }

  const c = result.credential;
  const about = c && result.verdict === 'valid' ? `: ${c.credentialSubject?.name} — ${c.credentialSubject?.achievement?.name} — issued ${c.validFrom} by ${c.issuer?.name} (${c.issuer?.id})` : '';
  console.log(`${verdict.toUpperCase()}${about}`);
  for (const check of checks) console.log(`  ${check.ok ? '✔' : '✘'} ${check.name}: ${check.detail}`);
  for (const note of notes) console.log(note);
  if (!online && result.verdict === 'valid') console.log('  · revocation: not checked offline (open the verification link, or run without --jwks, to check)');
  return verdict === 'valid' ? 0 : 1;
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
