import { decodeProtectedHeader, jwtVerify, errors as joseErrors } from 'jose';
import type { AchievementCredential } from './achievement-credential';
import { SUPPORTED_ALGORITHMS, type KeySet } from './signing-keys';

export type SignatureCheck =
  | { ok: true; kid: string; credential: AchievementCredential & { iss: string; jti: string; sub: string; nbf: number } }
  | { ok: false; reason: string };

/** Verifies a compact JWS against our own key set only: a key the token names or carries is never trusted. */
export async function verifyCredentialJws(jws: string, keys: KeySet): Promise<SignatureCheck> {
  let header;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    return { ok: false, reason: 'not a compact JWS' };
  }
  if (typeof header.alg !== 'string' || !(SUPPORTED_ALGORITHMS as readonly string[]).includes(header.alg)) {
    return { ok: false, reason: `algorithm ${String(header.alg)} is not accepted` };
  }
  const key = typeof header.kid === 'string' ? keys.byKid.get(header.kid) : undefined;
  if (!key) return { ok: false, reason: 'signed by a key that is not ours' };
  if (key.alg !== header.alg) return { ok: false, reason: 'algorithm does not match the key' };
  try {
    const { payload } = await jwtVerify(jws, key.publicKey, { algorithms: [key.alg] });
    return { ok: true, kid: key.kid, credential: payload as unknown as Extract<SignatureCheck, { ok: true }>['credential'] };
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) return { ok: false, reason: 'signature does not match' };
    if (error instanceof joseErrors.JOSEError) return { ok: false, reason: error.message };
    throw error;
  }
}
