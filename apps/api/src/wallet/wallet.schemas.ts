import { z } from 'zod';
import { MAX_PROOF_LENGTH } from '../../../shared/credentials/holder-proof';

export const PRE_AUTHORIZED_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
/** The one credential configuration we offer: the certificate as an Open Badges 3.0 VC-JWT. */
export const CREDENTIAL_CONFIGURATION_ID = 'OpenBadgeCredential_jwt_vc_json';
export const TX_CODE_LENGTH = 6;

/** `txCode` (default true): the wallet must also type a 6-digit code shown beside the QR code. */
export const createWalletOfferSchema = z.object({ txCode: z.boolean().default(true) }).strict();
export type CreateWalletOfferDto = z.infer<typeof createWalletOfferSchema>;

const secret = z.string().min(1).max(512);

/** The token request (RFC 6749 §4.1.3, OpenID4VCI §6.1), form fields as strings. */
export const tokenRequestSchema = z.object({
  grant_type: z.string().min(1).max(200),
  'pre-authorized_code': secret.optional(),
  tx_code: z.string().min(1).max(64).optional(),
  client_id: z.string().max(512).optional(),
});

// Longer proofs still parse here: the proof check refuses them as invalid_proof (the request body is bounded anyway).
const jwtProof = z.string().min(1).max(8 * MAX_PROOF_LENGTH);

/** The credential request (OpenID4VCI 1.0 §8.2); `proof` is the draft-era single proof, still accepted. */
export const credentialRequestSchema = z.object({
  credential_configuration_id: z.string().min(1).max(200).optional(),
  credential_identifier: z.string().min(1).max(200).optional(),
  proofs: z.object({ jwt: z.array(jwtProof).min(1).max(1, 'one proof per request (batch size 1)') }).strict().optional(),
  proof: z.object({ proof_type: z.literal('jwt'), jwt: jwtProof }).strict().optional(),
});
export type CredentialRequest = z.infer<typeof credentialRequestSchema>;
