import { SignJWT } from 'jose';
import { keyIdFor } from './issuer';
import type { SigningKey } from './signing-keys';

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

/**
 * Secures the credential as a compact JWS (VC-JWT as Open Badges 3.0 describes it): the
 * credential is the payload, and iss/jti/nbf/sub repeat its issuer, id, validFrom and subject.
 */
export async function signCredential(credential: SignableCredential, key: SigningKey, options: { format?: CredentialFormat } = {}): Promise<string> {
  const typ = options.format === 'vc-jose-cose' ? 'vc+jwt' : 'JWT';
  const jwt = new SignJWT({ ...credential })
    .setProtectedHeader({ alg: key.alg, kid: keyIdFor(credential.issuer.id, key.kid), typ })
    .setIssuer(credential.issuer.id)
    .setJti(credential.id)
    .setSubject(credential.credentialSubject.id)
    .setNotBefore(Math.floor(Date.parse(credential.validFrom) / 1000));
  // exp repeats validUntil when there is one.
  if (credential.validUntil) jwt.setExpirationTime(Math.floor(Date.parse(credential.validUntil) / 1000));
  return jwt.sign(key.privateKey);
}
