import { base64url } from 'jose';

/**
 * How a signed credential is served as a web resource. Open Badges 3.0 says a VC-JWT (typ JWT)
 * served on the web SHOULD be `text/plain`; W3C VC-JOSE-COSE registers `application/vc+jwt` for
 * tokens typed `vc+jwt`. Plain text is always available, so any client can read the token.
 */
export const TEXT_PLAIN = 'text/plain';
export const VC_JWT = 'application/vc+jwt';
export type CredentialMediaType = typeof TEXT_PLAIN | typeof VC_JWT;

export type MediaTypeChoice = { ok: true; mediaType: CredentialMediaType } | { ok: false; message: string };

/** A longer Accept header, or more ranges than this, is read only this far (bounded work). */
const MAX_ACCEPT_LENGTH = 2048;
const MAX_RANGES = 32;
const QUALITY = /^q=(0(\.\d{0,3})?|1(\.0{0,3})?)$/;

/** The media types a token can be served as, its default first: `application/vc+jwt` only for typ vc+jwt. */
export function servableMediaTypes(typ: unknown): CredentialMediaType[] {
  return typ === 'vc+jwt' || typ === VC_JWT ? [VC_JWT, TEXT_PLAIN] : [TEXT_PLAIN];
}

/** The `typ` of a compact JWS's protected header; undefined when it cannot be read. */
export function tokenTyp(jws: string): unknown {
  try {
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(jws.slice(0, jws.indexOf('.'))))) as unknown;
    return typeof header === 'object' && header !== null ? (header as Record<string, unknown>).typ : undefined;
  } catch {
    return undefined;
  }
}

interface Range {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(accept: string): Range[] {
  const ranges: Range[] = [];
  for (const part of accept.slice(0, MAX_ACCEPT_LENGTH).split(',', MAX_RANGES)) {
    const [mediaRange, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const slash = mediaRange.indexOf('/');
    if (slash <= 0 || slash === mediaRange.length - 1) continue;
    const qParam = params.find((p) => p.startsWith('q='));
    if (qParam !== undefined && !QUALITY.test(qParam.replace(/\s+/g, ''))) continue;
    ranges.push({ type: mediaRange.slice(0, slash), subtype: mediaRange.slice(slash + 1), q: qParam === undefined ? 1 : Number(qParam.replace(/\s+/g, '').slice(2)) });
  }
  return ranges;
}

/** The quality the client gives a media type: that of the most specific range matching it (0: none). */
function qualityOf(mediaType: CredentialMediaType, ranges: Range[]): number {
  const [type, subtype] = mediaType.split('/');
  let best = { specificity: 0, q: 0 };
  for (const range of ranges) {
    const specificity = range.type === type && range.subtype === subtype ? 3 : range.type === type && range.subtype === '*' ? 2 : range.type === '*' && range.subtype === '*' ? 1 : 0;
    if (specificity > best.specificity) best = { specificity, q: range.q };
  }
  return best.q;
}

/**
 * Content negotiation for a credential whose header says `typ`: no Accept (or nothing usable in
 * it) gets the format's default; otherwise the servable type the client rates highest, the
 * default on a tie; none acceptable is a clear refusal (HTTP 406).
 */
export function chooseCredentialMediaType(typ: unknown, accept: string | undefined): MediaTypeChoice {
  const servable = servableMediaTypes(typ);
  const ranges = accept === undefined ? [] : parseAccept(accept);
  if (ranges.length === 0) return { ok: true, mediaType: servable[0] };
  let chosen: { mediaType: CredentialMediaType; q: number } | null = null;
  for (const mediaType of servable) {
    const q = qualityOf(mediaType, ranges);
    if (q > 0 && (chosen === null || q > chosen.q)) chosen = { mediaType, q };
  }
  if (chosen) return { ok: true, mediaType: chosen.mediaType };
  const shown = accept!.length > 100 ? `${accept!.slice(0, 100)}…` : accept!;
  return { ok: false, message: `this credential is served as ${servable.join(' or ')}; the Accept header "${shown}" allows neither` };
}
