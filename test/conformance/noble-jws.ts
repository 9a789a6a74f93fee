import { createHash } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/p256';

export interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
}

const bytes = (b64url: string) => new Uint8Array(Buffer.from(b64url, 'base64url'));

/**
 * A compact JWS checked by @noble/curves alone (no jose): ES256 over SHA-256 of the signing
 * input with the raw r‖s signature (high-S allowed, as JWS does not normalise it), EdDSA over the
 * signing input itself. The algorithm comes from the key, never from the token.
 */
export function nobleVerifyJws(jws: string, jwk: PublicJwk): boolean {
  const [header, payload, signature] = jws.split('.');
  const signingInput = new TextEncoder().encode(`${header}.${payload}`);
  const sig = bytes(signature);
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.x && jwk.y) {
    if (sig.length !== 64) return false;
    const point = new Uint8Array([0x04, ...bytes(jwk.x), ...bytes(jwk.y)]);
    const digest = new Uint8Array(createHash('sha256').update(signingInput).digest());
    return p256.verify(sig, digest, point, { prehash: false, lowS: false, format: 'compact' });
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.x) return ed25519.verify(sig, signingInput, bytes(jwk.x));
  throw new Error(`unsupported key ${jwk.kty}/${jwk.crv}`);
}
