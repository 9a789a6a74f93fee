// What every credential this service signs shares, achievement or status list: the VC 2.0 and
// Open Badges 3.0 contexts and the issuer's profile id.
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

export function issuerId(publicUrl: string): string {
  return `${publicUrl}/issuer`;
}
