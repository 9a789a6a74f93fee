import { KeyObject, sign, type webcrypto } from 'node:crypto';
import { keyIdFor } from './issuer';
import type { SigningAlgorithm, SigningKey } from './signing-keys';

/** `ob-vc-jwt`: Open Badges 3.0 VC-JWT (typ JWT); `vc-jose-cose`: W3C VC-JOSE-COSE (typ vc+jwt). */
export type CredentialFormat = 'ob-vc-jwt' | 'vc-jose-cose';

/** What signing reads of a credential: an achievement credential (certificate) or a status list. */
export interface SignableCredential {
  id: string;
  issuer: { id: string };
  validFrom: string;
  /** Status lists expire; certificates do not. */
  validUntil?: string;
  credentialSubject: { id: string };
}

const keyObjects = new WeakMap<object, KeyObject>();

function keyObjectOf(key: SigningKey['privateKey']): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key as webcrypto.CryptoKey);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

/** The JWS signature (RFC 7518: ES256 as r‖s, EdDSA as is), computed off the event loop. */
function signatureOf(alg: SigningAlgorithm, input: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, signature: Buffer) => (error ? reject(error) : resolve(signature));
    if (alg === 'ES256') sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, done);
    else sign(null, input, key, done);
  });
}

/**
 * Secures the credential as a compact JWS (VC-JWT as Open Badges 3.0 describes it): the
 * credential is the payload, and iss/jti/sub/nbf (and exp) repeat its issuer, id, subject,
 * validFrom (and validUntil). The bytes are those jose's SignJWT writes (same member order, a
 * test compares them); the signature comes straight from node:crypto on the thread pool, because
 * jose's own path costs three times as much of the worker's one thread at bulk issuance's pace.
 * jose verifies every credential, ours and presented ones alike.
 */
export async function signCredential(credential: SignableCredential, key: SigningKey, options: { format?: CredentialFormat } = {}): Promise<string> {
  const typ = options.format === 'vc-jose-cose' ? 'vc+jwt' : 'JWT';
  const header = { alg: key.alg, kid: keyIdFor(credential.issuer.id, key.kid), typ };
  const nbf = Math.floor(Date.parse(credential.validFrom) / 1000);
  const exp = credential.validUntil ? Math.floor(Date.parse(credential.validUntil) / 1000) : undefined;
  if (!Number.isFinite(nbf) || (exp !== undefined && !Number.isFinite(exp))) throw new TypeError('validFrom and validUntil must be dates');
  const claims = { ...credential, iss: credential.issuer.id, jti: credential.id, sub: credential.credentialSubject.id, nbf, ...(exp === undefined ? {} : { exp }) };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = await signatureOf(key.alg, Buffer.from(input), keyObjectOf(key.privateKey));
  return `${input}.${signature.toString('base64url')}`;
}
