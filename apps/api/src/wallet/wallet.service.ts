import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import type { AppConfig } from '../../../shared/config';
import { buildAchievementCredential } from '../../../shared/credentials/achievement-credential';
import { checkJwtProof } from '../../../shared/credentials/holder-proof';
import { signCredential } from '../../../shared/credentials/sign-credential';
import { SUPPORTED_ALGORITHMS, type KeySet } from '../../../shared/credentials/signing-keys';
import { WalletRepository } from '../../../shared/repositories';
import type { RedeemRefusal } from '../../../shared/repositories/wallet.repository';
import { DocumentsService } from '../certificates/documents.service';
import { DomainError } from '../common/errors';
import { CONFIG, KEY_SET } from '../common/tokens';
import { WalletProtocolError } from './wallet-errors';
import { CREDENTIAL_CONFIGURATION_ID, PRE_AUTHORIZED_CODE_GRANT, TX_CODE_LENGTH, type CredentialRequest } from './wallet.schemas';

export const ACCESS_TOKEN_TTL_SECONDS = 300;
export const NONCE_TTL_SECONDS = 300;
/**
 * Expired offers and c_nonces are deleted this long after they expire (a late wallet still hears
 * "expired" rather than "unknown"), at most PURGE_BATCH of each per token or nonce request.
 */
export const PURGE_GRACE_MS = 60 * 60_000;
export const PURGE_BATCH = 100;

/** RFC 6749 §5.2 as OpenID4VCI 1.0 §6.3 clarifies it: a transaction code sent against the offer is a malformed request. */
const REFUSALS: Record<RedeemRefusal, { error: 'invalid_grant' | 'invalid_request'; description: string }> = {
  unknown: { error: 'invalid_grant', description: 'the pre-authorized code is not one we issued' },
  expired: { error: 'invalid_grant', description: 'the offer has expired' },
  used: { error: 'invalid_grant', description: 'the offer was already used' },
  wrong_tx_code: { error: 'invalid_grant', description: 'the transaction code is wrong' },
  missing_tx_code: { error: 'invalid_request', description: 'this offer asks for a transaction code (tx_code)' },
  unexpected_tx_code: { error: 'invalid_request', description: 'this offer asks for no transaction code: send no tx_code' },
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const secret = () => randomBytes(32).toString('base64url');

/**
 * OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow: the learner's offer, the
 * token, nonce and credential endpoints a wallet calls, and the issuer metadata it reads first.
 */
@Injectable()
export class WalletService {
  constructor(
    private readonly wallet: WalletRepository,
    private readonly documents: DocumentsService,
    @Inject(KEY_SET) private readonly keys: KeySet,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  private get issuer(): string {
    return this.config.http.publicUrl;
  }

  credentialIssuerMetadata() {
    const base = this.issuer;
    return {
      credential_issuer: base,
      authorization_servers: [base],
      credential_endpoint: `${base}/oid4vci/credential`,
      nonce_endpoint: `${base}/oid4vci/nonce`,
      display: [{ name: this.config.signing.issuerName, locale: 'en' }],
      credential_configurations_supported: {
        [CREDENTIAL_CONFIGURATION_ID]: {
          format: 'jwt_vc_json',
          scope: 'OpenBadgeCredential',
          cryptographic_binding_methods_supported: ['did:key', 'did:jwk', 'jwk'],
          credential_signing_alg_values_supported: [this.keys.active.alg],
          proof_types_supported: { jwt: { proof_signing_alg_values_supported: [...SUPPORTED_ALGORITHMS] } },
          credential_definition: { type: ['VerifiableCredential', 'OpenBadgeCredential'] },
          credential_metadata: {
            display: [{ name: 'Course certificate', locale: 'en', description: `A course completion certificate (Open Badges 3.0) from ${this.config.signing.issuerName}` }],
          },
        },
      },
    };
  }

  authorizationServerMetadata() {
    return {
      issuer: this.issuer,
      token_endpoint: `${this.issuer}/oid4vci/token`,
      grant_types_supported: [PRE_AUTHORIZED_CODE_GRANT],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['none'],
      'pre-authorized_grant_anonymous_access_supported': true,
    };
  }

  /** A single-use offer of the certificate, if its learner may download it now (same gate as the downloads). */
  async createOffer(certificateId: string, options: { txCode: boolean }) {
    await this.documents.credentialJwt(certificateId, 'learner');
    const code = secret();
    const txCode = options.txCode ? String(randomInt(0, 10 ** TX_CODE_LENGTH)).padStart(TX_CODE_LENGTH, '0') : null;
    const expiresAt = new Date(Date.now() + this.config.wallet.offerTtlMs);
    await this.wallet.createGrant({ certificateId, codeHash: sha256(code), txCodeHash: txCode ? sha256(txCode) : null, expiresAt });
    const offer = {
      credential_issuer: this.issuer,
      credential_configuration_ids: [CREDENTIAL_CONFIGURATION_ID],
      grants: {
        [PRE_AUTHORIZED_CODE_GRANT]: {
          'pre-authorized_code': code,
          ...(txCode ? { tx_code: { input_mode: 'numeric', length: TX_CODE_LENGTH, description: 'The code shown beside the QR code' } } : {}),
        },
      },
    };
    const offerUrl = `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}`;
    const qrCode = await QRCode.toDataURL(offerUrl, { errorCorrectionLevel: 'M', margin: 2 });
    return { offer, offerUrl, qrCode, txCode, expiresAt: expiresAt.toISOString() };
  }

  /** RFC 6749 §5.1 / OpenID4VCI §6.2: the pre-authorized code, once, for a short-lived access token. */
  async token(form: { grant_type: string; 'pre-authorized_code'?: string; tx_code?: string }) {
    if (form.grant_type !== PRE_AUTHORIZED_CODE_GRANT) throw new WalletProtocolError(400, 'unsupported_grant_type', `grant_type must be ${PRE_AUTHORIZED_CODE_GRANT}`);
    const code = form['pre-authorized_code'];
    if (!code) throw new WalletProtocolError(400, 'invalid_request', 'pre-authorized_code is required');
    const accessToken = secret();
    const now = new Date();
    const refusal = await this.wallet.redeemCode({
      codeHash: sha256(code),
      txCodeHash: form.tx_code ? sha256(form.tx_code) : null,
      accessTokenHash: sha256(accessToken),
      accessTokenExpiresAt: new Date(now.getTime() + ACCESS_TOKEN_TTL_SECONDS * 1000),
      now,
    });
    await this.purgeExpired(now);
    if (refusal) throw new WalletProtocolError(400, REFUSALS[refusal].error, REFUSALS[refusal].description);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS };
  }

  async nonce() {
    const nonce = secret();
    const now = new Date();
    await this.purgeExpired(now);
    await this.wallet.createNonce(sha256(nonce), new Date(now.getTime() + NONCE_TTL_SECONDS * 1000));
    return { c_nonce: nonce, c_nonce_expires_in: NONCE_TTL_SECONDS };
  }

  /** Housekeeping on the wallet's own requests: a bounded delete, so no request waits on a backlog. */
  private async purgeExpired(now: Date): Promise<void> {
    await this.wallet.purgeExpired(new Date(now.getTime() - PURGE_GRACE_MS), PURGE_BATCH);
  }

  /** The certificate an access token was issued for; 401 invalid_token otherwise. */
  async authorize(authorization: string | undefined): Promise<string> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]{1,512}=*)$/.exec(authorization ?? '');
    if (!match) throw new WalletProtocolError(401, 'invalid_token', 'send the access token from the token endpoint as "Authorization: Bearer <token>"');
    const grant = await this.wallet.findAccessToken(sha256(match[1]), new Date());
    if (!grant) throw new WalletProtocolError(401, 'invalid_token', 'the access token is unknown or has expired');
    return grant.certificateId;
  }

  /** OpenID4VCI §8: the certificate as a credential bound to the wallet's key, sharing the certificate's status entry. */
  async credential(certificateId: string, request: CredentialRequest) {
    if (request.credential_identifier) throw new WalletProtocolError(400, 'invalid_credential_request', 'credential_identifier is not used: send credential_configuration_id');
    if (!request.credential_configuration_id) throw new WalletProtocolError(400, 'invalid_credential_request', 'credential_configuration_id is required');
    if (request.credential_configuration_id !== CREDENTIAL_CONFIGURATION_ID) {
      throw new WalletProtocolError(400, 'unknown_credential_configuration', `the only credential configuration is ${CREDENTIAL_CONFIGURATION_ID}`);
    }
    if (request.proof && request.proofs) throw new WalletProtocolError(400, 'invalid_credential_request', 'send proofs or proof, not both');
    const jwt = request.proofs?.jwt[0] ?? request.proof?.jwt;
    if (!jwt) throw new WalletProtocolError(400, 'invalid_proof', 'a jwt proof of possession of the holder key is required');
    const proof = await checkJwtProof(jwt, { audience: this.issuer });
    if (!proof.ok) throw new WalletProtocolError(400, proof.error, proof.description);
    if (!(await this.wallet.useNonce(sha256(proof.nonce), new Date()))) {
      throw new WalletProtocolError(400, 'invalid_nonce', 'the proof nonce is not a fresh c_nonce from our nonce endpoint (unknown, expired or used)');
    }
    // Still downloadable (not revoked, still shown): the same gate as when the offer was made.
    try {
      await this.documents.credentialJwt(certificateId, 'learner');
    } catch (error) {
      if (error instanceof DomainError) throw new WalletProtocolError(400, 'credential_request_denied', error.message);
      throw error;
    }
    const source = await this.wallet.findCopySource(certificateId);
    if (!source?.jws || source.statusList === null || source.statusIndex === null) {
      throw new WalletProtocolError(400, 'credential_request_denied', 'the certificate has no credential to copy');
    }
    const signed = JSON.parse(Buffer.from(source.jws.split('.')[1], 'base64url').toString('utf8')) as { credentialSubject?: { result?: unknown } };
    const id = randomUUID();
    const credential = buildAchievementCredential({
      certificateId: id,
      publicUrl: this.issuer,
      issuerName: this.config.signing.issuerName,
      issuerDidWeb: this.config.signing.issuerDidWeb,
      course: { id: source.course.id, title: source.course.title, passingGrade: source.course.passingGrade.toNumber() },
      learner: { id: source.learner.id, name: source.learner.name, email: source.learner.email },
      issuedAt: source.issuedAt ?? new Date(),
      // The copy says what the certificate says: the grade only if the certificate shows it.
      grade: signed.credentialSubject?.result && source.grade ? source.grade.toNumber() : undefined,
      status: { list: source.statusList, index: source.statusIndex },
    });
    credential.credentialSubject.id = proof.holder.did;
    const jws = await signCredential(credential, this.keys.active, { format: this.config.signing.format });
    await this.wallet.recordCopy({ id, certificateId, holder: proof.holder.did, jws, sourceJwsHash: sha256(source.jws) });
    return { credentials: [{ credential: jws }] };
  }
}
