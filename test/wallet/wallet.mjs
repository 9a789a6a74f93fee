// A wallet, built on a maintained third-party OpenID4VCI client (@openid4vc/openid4vci), that the
// integration tests run as a separate process (the library is ESM-only). It takes one JSON
// argument { offerUrl, txCode?, keyType?: 'did:jwk' | 'did:key' } and prints one JSON line:
// { did, credential } or { error, status?, body? }.
import { createHash, randomBytes } from 'node:crypto';
import { clientAuthenticationAnonymous } from '@openid4vc/oauth2';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { setGlobalConfig } from '@openid4vc/utils';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

// The test server runs on http://127.0.0.1.
setGlobalConfig({ allowInsecureUrls: true });

const args = JSON.parse(process.argv[2] ?? '{}');
const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
const { kty, crv, x, y } = await exportJWK(publicKey);
const did = `did:jwk:${Buffer.from(JSON.stringify({ kty, crv, x, y })).toString('base64url')}`;

const client = new Openid4vciClient({
  callbacks: {
    fetch,
    hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
    generateRandom: (length) => new Uint8Array(randomBytes(length)),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (_signer, { header, payload }) => ({ jwt: await new SignJWT(payload).setProtectedHeader(header).sign(privateKey), signerJwk: { kty, crv, x, y } }),
  },
});

try {
  const credentialOffer = await client.resolveCredentialOffer(args.offerUrl);
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata, txCode: args.txCode });
  const { c_nonce } = await client.requestNonce({ issuerMetadata });
  const credentialConfigurationId = credentialOffer.credential_configuration_ids[0];
  const { jwt } = await client.createCredentialRequestJwtProof({
    issuerMetadata,
    credentialConfigurationId,
    nonce: c_nonce,
    signer: { method: 'did', didUrl: `${did}#0`, alg: 'ES256' },
  });
  const response = await client.retrieveCredentials({ issuerMetadata, credentialConfigurationId, accessToken: accessTokenResponse.access_token, proofs: { jwt: [jwt] } });
  const body = response.credentialResponse;
  const credential = body.credentials?.[0]?.credential ?? body.credential;
  process.stdout.write(`${JSON.stringify({ did, credential, format: issuerMetadata.credentialIssuer.credential_configurations_supported[credentialConfigurationId].format })}\n`);
} catch (error) {
  const details = error?.errorResponse ?? error?.response?.body ?? null;
  process.stdout.write(`${JSON.stringify({ error: String(error?.message ?? error).slice(0, 2000), details })}\n`);
}
