import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import { thumbprintOfKid } from './issuer';

export const SUPPORTED_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

export interface VerificationKey {
  kid: string;
  alg: SigningAlgorithm;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export interface SigningKey extends VerificationKey {
  privateKey: CryptoKey;
}

/** The key that signs new credentials, and every key whose credentials still verify (rotation). */
export interface KeySet {
  active: SigningKey;
  byKid: ReadonlyMap<string, VerificationKey>;
}

/** Where a key is published; credentials name their key by this URL (kid). */
export function keyUrl(publicUrl: string, thumbprint: string): string {
  return `${publicUrl}/keys/${thumbprint}`;
}

/**
 * Our key for a kid: the key URL on our origin, `<our did:web DID>#<thumbprint>`, or the bare
 * thumbprint. Never a key the token carries, nor one of another DID: nothing is ever resolved.
 */
export function findKey(keys: Pick<KeySet, 'byKid'>, publicUrl: string, kid: unknown): VerificationKey | undefined {
  if (typeof kid !== 'string') return undefined;
  return keys.byKid.get(thumbprintOfKid(publicUrl, kid));
}

export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

function algorithmFor(jwk: JWK): SigningAlgorithm {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw new SigningKeyError(`unsupported signing key type ${jwk.kty}/${jwk.crv}; use EC P-256 (ES256) or OKP Ed25519 (EdDSA)`);
}

function publicPart(jwk: JWK): JWK {
  const { kty, crv, x, y } = jwk;
  return y === undefined ? { kty, crv, x } : { kty, crv, x, y };
}

async function toVerificationKey(jwk: JWK): Promise<VerificationKey> {
  const alg = algorithmFor(jwk);
  const publicJwk = publicPart(jwk);
  // The kid is the RFC 7638 thumbprint, so it identifies the key material itself.
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const publicKey = (await importJWK(publicJwk, alg)) as CryptoKey;
  return { kid, alg, publicKey, publicJwk: { ...publicJwk, kid, alg, use: 'sig' } };
}

/**
 * Builds a key set from JWKs: a single private JWK, or `{ "keys": [...] }` where the first
 * key signs and the others (private or public) only verify credentials issued before rotation.
 */
export async function keySetFromJwks(document: unknown): Promise<KeySet> {
  const keys = (document as { keys?: JWK[] })?.keys ?? [document as JWK];
  if (!Array.isArray(keys) || keys.length === 0 || typeof keys[0] !== 'object' || keys[0] === null) {
    throw new SigningKeyError('the signing key document holds no JWK');
  }
  const [first, ...older] = keys;
  if (!first.d) throw new SigningKeyError('the first key of the signing key set must be a private key');
  const activePublic = await toVerificationKey(first);
  const privateKey = (await importJWK(first, activePublic.alg)) as CryptoKey;
  const byKid = new Map<string, VerificationKey>([[activePublic.kid, activePublic]]);
  for (const jwk of older) {
    const key = await toVerificationKey(jwk);
    byKid.set(key.kid, key);
  }
  return { active: { ...activePublic, privateKey }, byKid };
}

/** Loads the key set from SIGNING_KEY (inline JSON) or else the key file. Never echoes key material. */
export async function loadKeySet(source: { keyJwk?: string; keyFile: string }): Promise<KeySet> {
  let text = source.keyJwk;
  if (!text) {
    try {
      text = await readFile(source.keyFile, 'utf8');
    } catch (error) {
      throw new SigningKeyError(
        `cannot read the signing key file ${source.keyFile} (${(error as NodeJS.ErrnoException).code ?? 'error'}); ` +
          'set SIGNING_KEY_FILE or SIGNING_KEY, or run `npm start` once to create a development key',
      );
    }
  }
  if (text.trimStart().startsWith('-----BEGIN')) return keySetFromJwks(await jwkFromPem(text));
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new SigningKeyError('the signing key is neither JSON (a JWK or a JWK set) nor a PEM private key');
  }
  return keySetFromJwks(document);
}

/** Verification only, from published public keys (a JWKS): what an offline verifier holds. */
export async function publicKeySet(jwks: { keys?: JWK[] }): Promise<Pick<KeySet, 'byKid'>> {
  if (!Array.isArray(jwks?.keys) || jwks.keys.length === 0) throw new SigningKeyError('the key set holds no keys');
  const byKid = new Map<string, VerificationKey>();
  for (const jwk of jwks.keys) {
    const key = await toVerificationKey(jwk);
    byKid.set(key.kid, key);
  }
  return { byKid };
}

/** A PKCS#8 PEM private key (P-256 or Ed25519) as a JWK; the PEM text never reaches an error message. */
async function jwkFromPem(pem: string): Promise<JWK> {
  for (const alg of SUPPORTED_ALGORITHMS) {
    try {
      return await exportJWK(await importPKCS8(pem, alg, { extractable: true }));
    } catch {
      // not this algorithm's key
    }
  }
  throw new SigningKeyError('the PEM signing key is not a PKCS#8 P-256 (ES256) or Ed25519 (EdDSA) private key');
}

export function publicJwks(keys: KeySet): { keys: JWK[] } {
  return { keys: [...keys.byKid.values()].map((key) => key.publicJwk) };
}

