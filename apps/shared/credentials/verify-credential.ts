import { base64url, compactVerify, errors as joseErrors } from 'jose';
import type { AchievementCredential } from './achievement-credential';
import { OB_V3_CONTEXT, VC_V2_CONTEXT, isOurIssuerId } from './issuer';
import { SUPPORTED_ALGORITHMS, findKey, type KeySet } from './signing-keys';
import { DuplicateKeyError, JsonTooDeepError, parseStrictJson } from './strict-json';
import type { VerifiedSignatures } from './verified-signatures';

/** Larger tokens are refused before any parsing (HTTP answers 413). */
export const MAX_TOKEN_LENGTH = 16 * 1024;
/** Clock skew tolerated on validFrom. */
const SKEW_SECONDS = 60;
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'];
const ACCEPTED_TYPES = [undefined, 'JWT', 'vc+jwt', 'application/vc+jwt'];

export type VerifiedCredential = AchievementCredential & { iss: string; jti: string; sub: string; nbf: number; exp?: number; validUntil?: string };

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Steps whose failure means the input is not a well-formed token at all (HTTP 400). */
export const MALFORMED_STEPS = new Set(['format', 'header', 'payload']);

export interface TokenVerification {
  verdict: 'valid' | 'invalid' | 'revoked' | 'superseded';
  checks: Check[];
  /** The first check that failed. */
  failed: string | null;
  kid: string | null;
  credential: VerifiedCredential | null;
}

export interface VerifyContext {
  keys: Pick<KeySet, 'byKid'>;
  publicUrl: string;
  now?: Date;
  /**
   * Our record of the certificate; null when there is none. `superseded`: genuine, but a newer
   * credential replaced it (re-signed after a regrade or regeneration), so it no longer speaks.
   */
  record?: (credential: VerifiedCredential) => Promise<{ ok: boolean; detail: string; superseded?: boolean } | null>;
  /** Whether the certificate is revoked (status list bit / invalidation). */
  revocation?: (credential: VerifiedCredential) => Promise<{ revoked: boolean; detail: string }>;
  /** Signatures already verified by a key still in `keys`: their check and payload decoding are not redone. */
  verifiedSignatures?: VerifiedSignatures;
}

function decodeJson(segment: string): unknown {
  return parseStrictJson(new TextDecoder('utf-8', { fatal: true }).decode(base64url.decode(segment)));
}

/** Why a segment is not the JSON we accept: a duplicate member, too deep, or not JSON at all. */
function jsonProblem(error: unknown): string {
  if (error instanceof DuplicateKeyError) return `has a ${error.message}`;
  if (error instanceof JsonTooDeepError) return `is ${error.message}`;
  return 'is not JSON';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every check an employer's verifier should make, in order, stopping at the first failure that
 * makes the rest meaningless. Only our own keys are used, chosen by kid.
 */
export async function verifyCredentialToken(token: string, ctx: VerifyContext): Promise<TokenVerification> {
  const checks: Check[] = [];
  let kid: string | null = null;
  let credential: VerifiedCredential | null = null;
  const fail = (name: string, detail: string): TokenVerification => {
    checks.push({ name, ok: false, detail });
    return { verdict: 'invalid', checks, failed: name, kid, credential };
  };
  const pass = (name: string, detail: string) => checks.push({ name, ok: true, detail });

  const jws = token.trim();
  if (jws.length > MAX_TOKEN_LENGTH) return fail('format', `the token is longer than ${MAX_TOKEN_LENGTH} characters`);
  const parts = jws.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[0] || !parts[1]) {
    return fail('format', 'not a compact JWS (three base64url parts)');
  }
  pass('format', 'compact JWS');

  let header: unknown;
  try {
    header = decodeJson(parts[0]);
  } catch (error) {
    return fail('header', `protected header ${jsonProblem(error)}`);
  }
  if (!isObject(header)) return fail('header', 'protected header is not a JSON object');
  pass('header', 'protected header is a JSON object');

  const alg = header.alg;
  if (typeof alg !== 'string' || !(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) {
    return fail('algorithm', `algorithm ${String(alg)} is not accepted (accepted: ${SUPPORTED_ALGORITHMS.join(', ')})`);
  }
  pass('algorithm', `${alg} is on the allow-list`);

  const embedded = FORBIDDEN_HEADERS.filter((h) => h in header);
  if (embedded.length) return fail('header_parameters', `the token carries its own key reference (${embedded.join(', ')}); only our published keys are used`);
  if ('crit' in header) return fail('header_parameters', `unknown critical header parameter(s): ${JSON.stringify(header.crit)}`);
  if (!ACCEPTED_TYPES.includes(header.typ as string | undefined)) return fail('header_parameters', `unexpected typ ${String(header.typ)}`);
  if ('b64' in header) return fail('header_parameters', 'unencoded payloads are not accepted');
  pass('header_parameters', 'no embedded keys, no critical extensions');

  kid = typeof header.kid === 'string' ? header.kid : null;
  const key = findKey(ctx.keys, ctx.publicUrl, header.kid);
  if (!key) return fail('key', kid ? `${kid} is not one of our published keys` : 'the token names no key (kid)');
  if (key.alg !== alg) return fail('key', `key ${key.kid} signs with ${key.alg}, not ${alg}`);
  pass('key', `our key ${key.kid}`);

  const known = ctx.verifiedSignatures?.get(jws, key);
  if (!known) {
    const signature = base64url.decode(parts[2]);
    if (alg === 'ES256' && (signature.length !== 64 || signature.subarray(0, 32).every((b) => b === 0) || signature.subarray(32).every((b) => b === 0))) {
      return fail('signature', 'malformed ECDSA signature');
    }
    try {
      await compactVerify(jws, key.publicKey, { algorithms: [key.alg] });
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return fail('signature', 'the signature does not match the content');
      throw error;
    }
  }
  pass('signature', 'the signature matches the content');

  let payload: unknown = known?.payload;
  if (!known) {
    try {
      payload = decodeJson(parts[1]);
    } catch (error) {
      return fail('payload', `payload ${jsonProblem(error)}`);
    }
    // The same bytes under the same key always decode and check alike: remember them for the next request.
    ctx.verifiedSignatures?.remember(jws, key, payload);
  }
  if (!isObject(payload)) return fail('payload', 'payload is not a JSON object');
  if ('vc' in payload || 'vp' in payload) return fail('payload', 'a "vc"/"vp" claim is not allowed: the credential itself is the payload');
  pass('payload', 'payload is the credential');
  const c = payload as unknown as VerifiedCredential;
  credential = c;

  const contexts = Array.isArray(c['@context']) ? c['@context'] : [];
  const types = Array.isArray(c.type) ? c.type : [];
  const missing = [
    contexts[0] !== VC_V2_CONTEXT && '@context (VC 2.0 first)',
    !contexts.includes(OB_V3_CONTEXT) && '@context (Open Badges 3.0)',
    !types.includes('VerifiableCredential') && 'type VerifiableCredential',
    !types.some((t) => t === 'OpenBadgeCredential' || t === 'AchievementCredential') && 'type OpenBadgeCredential',
    typeof c.id !== 'string' && 'id',
    !(isObject(c.issuer) && typeof c.issuer.id === 'string') && 'issuer.id',
    typeof c.validFrom !== 'string' && 'validFrom',
    !(isObject(c.credentialSubject) && typeof c.credentialSubject.id === 'string') && 'credentialSubject.id',
    !(isObject(c.credentialSubject) && isObject(c.credentialSubject.achievement) && typeof c.credentialSubject.achievement.name === 'string') &&
      'credentialSubject.achievement',
  ].filter(Boolean);
  if (missing.length) return fail('structure', `missing or wrong: ${missing.join(', ')}`);
  pass('structure', 'an Open Badges 3.0 AchievementCredential');

  const validFrom = Date.parse(c.validFrom);
  const mismatched = [
    !isOurIssuerId(ctx.publicUrl, c.issuer.id) && `issuer ${c.issuer.id} is not us`,
    c.iss !== c.issuer.id && 'iss ≠ issuer.id',
    c.jti !== c.id && 'jti ≠ id',
    c.sub !== c.credentialSubject.id && 'sub ≠ credentialSubject.id',
    (Number.isNaN(validFrom) || c.nbf !== Math.floor(validFrom / 1000)) && 'nbf ≠ validFrom',
    c.validUntil !== undefined && c.exp !== Math.floor(Date.parse(c.validUntil) / 1000) && 'exp ≠ validUntil',
    c.validUntil === undefined && c.exp !== undefined && 'exp without validUntil',
  ].filter(Boolean);
  if (mismatched.length) return fail('claims', mismatched.join('; '));
  pass('claims', 'iss, jti, sub and nbf agree with the credential');

  const now = (ctx.now ?? new Date()).getTime();
  if (validFrom > now + SKEW_SECONDS * 1000) return fail('validity_period', `not valid before ${c.validFrom}`);
  if (c.validUntil !== undefined && Date.parse(c.validUntil) <= now) return fail('validity_period', `expired on ${c.validUntil}`);
  pass('validity_period', c.validUntil ? `valid from ${c.validFrom} until ${c.validUntil}` : `valid since ${c.validFrom}`);

  if (ctx.record) {
    const record = await ctx.record(c);
    if (!record) return fail('record', 'we have no record of this certificate');
    if (record.superseded) {
      checks.push({ name: 'record', ok: false, detail: record.detail });
      return { verdict: 'superseded', checks, failed: 'record', kid, credential };
    }
    if (!record.ok) return fail('record', record.detail);
    pass('record', record.detail);
  }
  if (ctx.revocation) {
    const status = await ctx.revocation(c);
    checks.push({ name: 'revocation', ok: !status.revoked, detail: status.detail });
    if (status.revoked) return { verdict: 'revoked', checks, failed: 'revocation', kid, credential };
  }
  return { verdict: 'valid', checks, failed: null, kid, credential };
}

export type SignatureCheck = { ok: true; kid: string; credential: VerifiedCredential } | { ok: false; reason: string };

/** Signature and structure only (no record, no revocation): what an offline verifier can say. */
export async function verifyCredentialJws(jws: string, keys: Pick<KeySet, 'byKid'>, publicUrl?: string): Promise<SignatureCheck> {
  const origin = publicUrl ?? originOf(jws) ?? '';
  const result = await verifyCredentialToken(jws, { keys, publicUrl: origin });
  if (result.verdict === 'valid' && result.credential) {
    return { ok: true, kid: findKey(keys, origin, result.kid)!.kid, credential: result.credential };
  }
  return { ok: false, reason: result.checks.find((c) => !c.ok)?.detail ?? 'invalid' };
}

/** The issuer origin a token claims, used only to read its own key URL; keys still come from our set. */
export function originOf(jws: string): string | null {
  if (jws.length > MAX_TOKEN_LENGTH) return null;
  try {
    const payload = decodeJson(jws.split('.')[1] ?? '') as { issuer?: { id?: string } };
    const id = payload?.issuer?.id;
    if (typeof id !== 'string') return null;
    if (id.endsWith('/issuer')) return id.slice(0, -'/issuer'.length);
    return id.startsWith('did:web:') ? didWebOrigin(id) : null;
  } catch {
    return null;
  }
}

/** The https URL a did:web DID names (its host, port and path), or null when it is not a plain did:web. */
function didWebOrigin(did: string): string | null {
  const [host, ...segments] = did.slice('did:web:'.length).split(':');
  if (!host || did.length > 2048) return null;
  try {
    const url = new URL(`https://${decodeURIComponent(host)}/${segments.map(decodeURIComponent).map(encodeURIComponent).join('/')}`);
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return null;
  }
}
