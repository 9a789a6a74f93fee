import { SignJWT } from 'jose';
import type { AchievementCredential } from './achievement-credential';
import type { SigningKey } from './signing-keys';

/**
 * Secures the credential as a compact JWS (VC-JWT as Open Badges 3.0 describes it): the
 * credential is the payload, and iss/jti/nbf/sub repeat its issuer, id, validFrom and subject.
 */
export async function signCredential(credential: AchievementCredential, key: SigningKey): Promise<string> {
  return new SignJWT({ ...credential })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(credential.issuer.id)
    .setJti(credential.id)
    .setSubject(credential.credentialSubject.id)
    .setNotBefore(Math.floor(Date.parse(credential.validFrom) / 1000))
    .sign(key.privateKey);
}
