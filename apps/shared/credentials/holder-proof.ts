import { createPublicKey } from 'node:crypto';
import { base64url, compactVerify, errors as joseErrors, importJWK, type JWK } from 'jose';
import { SUPPORTED_ALGORITHMS } from './signing-keys';

/**
 * The wallet's proof of possession (OpenID for Verifiable Credential Issuance 1.0, appendix F.1,
 * JWT proof type): which key it names, and whether it signed a fresh nonce for us with that key.
 */

/** A JWT proof is a few hundred bytes; anything much longer is refused before any parsing. */
export const MAX_PROOF_LENGTH = 8 * 1024;
/** A did:key / did:jwk of our two key types is well under this. */
const MAX_DID_LENGTH = 1024;
/** How old a proof's `iat` may be, and how far in the future (clock skew). */
export const PROOF_MAX_AGE_SECONDS = 300;
const PROOF_SKEW_SECONDS = 60;
export const PROOF_TYP = 'openid4vci-proof+jwt';

export type ProofError = 'invalid_proof' | 'invalid_nonce';
export type HolderKey = { did: string; jwk: JWK; alg: (typeof SUPPORTED_ALGORITHMS)[number] };
export type ProofCheck = { ok: true; holder: HolderKey; nonce: string } | { ok: false; error: ProofError; description: string };

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** base58btc (Bitcoin alphabet); null for any other character. */
export function decodeBase58(text: string): Uint8Array | null {
  const bytes: number[] = [];
  for (const char of text) {
    let carry = BASE58.indexOf(char);
    if (carry < 0) return null;
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i] * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < text.length && text[i] === '1'; i++) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

// SPKI prefix of a compressed P-256 point: OpenSSL expands it, and jose then exports x and y.
const P256_COMPRESSED_SPKI = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');

function algorithmOf(jwk: JWK): HolderKey['alg'] | null {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.x === 'string' && typeof jwk.y === 'string') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string' && jwk.y === undefined) return 'EdDSA';
  return null;
}

function publicMembers(jwk: JWK): JWK {
  return jwk.kty === 'EC' ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

/** The public key a did:key names (Ed25519 or P-256, multibase base58btc); null otherwise. */
export function didKeyToJwk(did: string): JWK | null {
  if (did.length > MAX_DID_LENGTH || !did.startsWith('did:key:z')) return null;
  const bytes = decodeBase58(did.slice('did:key:z'.length));
  if (!bytes) return null;
  // Multicodec varints: 0xed 0x01 = ed25519-pub, 0x80 0x24 = p256-pub (compressed point).
  if (bytes.length === 34 && bytes[0] === 0xed && bytes[1] === 0x01) {
    return { kty: 'OKP', crv: 'Ed25519', x: base64url.encode(bytes.subarray(2)) };
  }
  if (bytes.length === 35 && bytes[0] === 0x80 && bytes[1] === 0x24 && (bytes[2] === 2 || bytes[2] === 3)) {
    try {
      const key = createPublicKey({ key: Buffer.concat([P256_COMPRESSED_SPKI, bytes.subarray(2)]), format: 'der', type: 'spki' });
      const { kty, crv, x, y } = key.export({ format: 'jwk' });
      return { kty, crv, x, y };
    } catch {
      return null;
    }
  }
  return null;
}

/** The public key a did:jwk carries; null when it is not one, or carries a private key. */
export function didJwkToJwk(did: string): JWK | null {
  if (did.length > MAX_DID_LENGTH || !did.startsWith('did:jwk:')) return null;
  try {
    const jwk = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64url.decode(did.slice('did:jwk:'.length)))) as unknown;
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk) || 'd' in jwk) return null;
    return jwk as JWK;
  } catch {
    return null;
  }
}

export function didJwkOf(jwk: JWK): string {
  return `did:jwk:${base64url.encode(JSON.stringify(publicMembers(jwk)))}`;
}

/** The holder's key named by the proof header: a did:key / did:jwk DID URL in `kid`, or a bare public `jwk`. */
export function holderKeyOf(header: Record<string, unknown>): HolderKey | string {
  if ('kid' in header && 'jwk' in header) return 'the proof names its key twice (kid and jwk)';
  if (typeof header.kid === 'string') {
    const [did, fragment, ...rest] = header.kid.split('#');
    if (rest.length || fragment === undefined) return 'kid must be a DID URL (did:key or did:jwk with a #fragment)';
    const jwk = did.startsWith('did:key:') ? didKeyToJwk(did) : did.startsWith('did:jwk:') ? didJwkToJwk(did) : null;
    if (!jwk) return `kid ${header.kid.slice(0, 80)} is not a did:key or did:jwk of an Ed25519 or P-256 key`;
    const alg = algorithmOf(jwk);
    if (!alg) return 'the DID names a key that is neither Ed25519 nor P-256';
    return { did, jwk: publicMembers(jwk), alg };
  }
  if (typeof header.jwk === 'object' && header.jwk !== null && !Array.isArray(header.jwk)) {
    const jwk = header.jwk as JWK;
    if ('d' in jwk || 'p' in jwk || 'k' in jwk) return 'the jwk header carries a private or symmetric key';
    const alg = algorithmOf(jwk);
    if (!alg) return 'the jwk is neither an Ed25519 nor a P-256 public key';
    return { did: didJwkOf(jwk), jwk: publicMembers(jwk), alg };
  }
  return 'the proof names no key (kid or jwk)';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function decodeSegment(segment: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64url.decode(segment))) as unknown;
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Checks a JWT proof: type, algorithm, key, signature by that key, audience (our credential
 * issuer identifier), recent `iat`. The nonce is returned, not judged: whether we issued it and
 * it is unused is the caller's single-use check.
 */
export async function checkJwtProof(jwt: unknown, expected: { audience: string; now?: Date }): Promise<ProofCheck> {
  const invalid = (description: string): ProofCheck => ({ ok: false, error: 'invalid_proof', description });
  if (typeof jwt !== 'string') return invalid('the jwt proof must be a string');
  if (jwt.length > MAX_PROOF_LENGTH) return invalid(`the jwt proof is longer than ${MAX_PROOF_LENGTH} characters`);
  const parts = jwt.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return invalid('the proof is not a compact JWS');
  const header = decodeSegment(parts[0]);
  const payload = decodeSegment(parts[1]);
  if (!header || !payload) return invalid('the proof header or payload is not a JSON object');
  if (header.typ !== PROOF_TYP) return invalid(`the proof typ must be ${PROOF_TYP}`);
  if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(header.alg as string)) return invalid(`the proof alg must be one of ${SUPPORTED_ALGORITHMS.join(', ')}`);
  if ('crit' in header || 'x5c' in header || 'trust_chain' in header) return invalid('the proof header carries parameters we do not accept (crit, x5c, trust_chain)');
  const holder = holderKeyOf(header);
  if (typeof holder === 'string') return invalid(holder);
  if (holder.alg !== header.alg) return invalid(`the proof key signs with ${holder.alg}, not ${String(header.alg)}`);
  try {
    await compactVerify(jwt, await importJWK(holder.jwk, holder.alg), { algorithms: [holder.alg] });
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return invalid('the proof is not signed by the key it names');
    throw error;
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(expected.audience)) return invalid(`the proof aud must be the credential issuer ${expected.audience}`);
  const now = Math.floor((expected.now ?? new Date()).getTime() / 1000);
  if (typeof payload.iat !== 'number') return invalid('the proof has no iat');
  if (payload.iat > now + PROOF_SKEW_SECONDS) return invalid('the proof iat is in the future');
  if (payload.iat < now - PROOF_MAX_AGE_SECONDS) return invalid(`the proof iat is older than ${PROOF_MAX_AGE_SECONDS} seconds`);
  if (typeof payload.nonce !== 'string' || payload.nonce.length === 0 || payload.nonce.length > 256) {
    return { ok: false, error: 'invalid_nonce', description: 'the proof carries no c_nonce from our nonce endpoint' };
  }
  return { ok: true, holder, nonce: payload.nonce };
}
