// What every credential this service signs shares, achievement or status list: the VC 2.0 and
// Open Badges 3.0 contexts and the issuer's profile id.
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
/** Defines `1EdTechJsonSchemaValidator2019`, the type of the OB 3.0 schema entry in `credentialSchema`. */
export const OB_V3_EXTENSIONS_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';

/**
 * The VC-JWT payload is the credential itself, with the registered JWT claims beside it. VC 2.0's
 * context defines iss, sub, nbf and exp but not jti, which JSON-LD would silently drop; this
 * defines it exactly as 1EdTech's validator's copy of the OB 3.0.3 context does, so the two agree
 * (an identical redefinition of a protected term is allowed) and every processor keeps it.
 */
export const JWT_CLAIMS_CONTEXT = { jti: { '@id': 'https://www.iana.org/assignments/jwt#jti', '@type': '@id' } } as const;

export type JsonLdContext = string | Readonly<Record<string, unknown>>;

/** The issuer Profile's URL: the issuer id of every credential unless the issuer is a did:web DID. */
export function issuerId(publicUrl: string): string {
  return `${publicUrl}/issuer`;
}

/**
 * Our did:web DID (W3C did:web method): the host of PUBLIC_URL, a port percent-encoded as `%3A`,
 * then each path segment after a colon. https://certs.example.org/a/b → did:web:certs.example.org:a:b.
 */
export function didWeb(publicUrl: string): string {
  const url = new URL(publicUrl);
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  const segments = url.pathname.split('/').filter(Boolean).map((segment) => encodeURIComponent(decodeURIComponent(segment)));
  return ['did:web', host, ...segments].join(':');
}

/** Where a did:web resolver reads our DID document, relative to PUBLIC_URL: /.well-known/did.json, or /did.json under a path. */
export function didDocumentPath(publicUrl: string): string {
  return new URL(publicUrl).pathname.replace(/\/+$/, '') === '' ? '/.well-known/did.json' : '/did.json';
}

/** The issuer id new credentials carry: the did:web DID when ISSUER_DID_WEB is on, else the Profile URL. */
export function credentialIssuerId(issuer: { publicUrl: string; didWeb?: boolean }): string {
  return issuer.didWeb ? didWeb(issuer.publicUrl) : issuerId(issuer.publicUrl);
}

/**
 * Every issuer id that is ours: the Profile URL, and the did:web DID of the same PUBLIC_URL (so
 * credentials issued with either stay verifiable when ISSUER_DID_WEB is switched). Nothing else.
 */
export function isOurIssuerId(publicUrl: string, id: unknown): boolean {
  return typeof id === 'string' && (id === issuerId(publicUrl) || id === ourDid(publicUrl));
}

/** Our DID, or null when PUBLIC_URL is not a URL (an offline verifier that was given no issuer). */
function ourDid(publicUrl: string): string | null {
  try {
    return didWeb(publicUrl);
  } catch {
    return null;
  }
}

/**
 * The kid of a credential: under a did:web issuer, `<did>#<thumbprint>` (a verification method of
 * our DID document); otherwise the key's URL on the issuer's origin, where the bare public JWK is served.
 */
export function keyIdFor(credentialIssuer: string, thumbprint: string): string {
  if (credentialIssuer.startsWith('did:web:')) return `${credentialIssuer}#${thumbprint}`;
  return `${credentialIssuer.replace(/\/issuer$/, '')}/keys/${thumbprint}`;
}

/** The thumbprint an accepted kid names: our key URL, `<our did>#<thumbprint>`, or the bare thumbprint. */
export function thumbprintOfKid(publicUrl: string, kid: string): string {
  const url = `${publicUrl}/keys/`;
  if (kid.startsWith(url)) return kid.slice(url.length);
  const did = ourDid(publicUrl);
  if (did && kid.startsWith(`${did}#`)) return kid.slice(did.length + 1);
  return kid;
}
