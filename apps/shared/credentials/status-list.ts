import { gunzipSync, gzipSync } from 'node:zlib';
import { base64url, compactVerify, errors as joseErrors } from 'jose';
import { JWT_CLAIMS_CONTEXT, OB_V3_CONTEXT, VC_V2_CONTEXT, credentialIssuerId, isOurIssuerId, issuerId, type JsonLdContext } from './issuer';
import { findKey, type KeySet } from './signing-keys';
import { parseStrictJson } from './strict-json';

/** W3C Bitstring Status List v1.0: at least 131,072 entries (16 KB) per list, for herd privacy. */
export const STATUS_LIST_SIZE = 131_072;
// An odd multiplier is a bijection modulo a power of two: positions look random and never collide.
const SCRAMBLE = 0x1d3a5;
const OFFSET = 0x0b1e7;

export interface StatusPosition {
  list: number;
  index: number;
}

/** The n-th certificate ever issued gets its own bit: list n / size, index scrambled within it. */
export function statusPosition(n: number): StatusPosition {
  const list = Math.floor(n / STATUS_LIST_SIZE) + 1;
  const slot = n % STATUS_LIST_SIZE;
  return { list, index: (slot * SCRAMBLE + OFFSET) % STATUS_LIST_SIZE };
}

export function statusListUrl(publicUrl: string, list: number): string {
  return `${publicUrl}/status/${list}`;
}

export function statusEntry(publicUrl: string, position: StatusPosition) {
  return {
    id: `${statusListUrl(publicUrl, position.list)}#${position.index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: String(position.index),
    statusListCredential: statusListUrl(publicUrl, position.list),
  };
}

/** Bit 0 is the most significant bit of the first byte; GZIP, base64url, multibase prefix `u`. */
export function encodeStatusList(setIndexes: Iterable<number>, size = STATUS_LIST_SIZE): string {
  const bytes = new Uint8Array(size / 8);
  for (const index of setIndexes) bytes[index >> 3] |= 0x80 >> (index & 7);
  return `u${gzipSync(bytes).toString('base64url')}`;
}

export function decodeStatusList(encoded: string): Uint8Array {
  if (!encoded.startsWith('u')) throw new Error('encodedList must be multibase base64url (prefix u)');
  // A few bytes of GZIP can claim gigabytes: a list is never larger than 64 times the standard size.
  return new Uint8Array(gunzipSync(Buffer.from(encoded.slice(1), 'base64url'), { maxOutputLength: 64 * (STATUS_LIST_SIZE / 8) }));
}

export function bitAt(list: Uint8Array, index: number): boolean {
  return (list[index >> 3] & (0x80 >> (index & 7))) !== 0;
}

/** VC 2.0, OB 3.0.3 (the issuer is an OB Profile) and the jti claim; no credentialSchema, so no extensions. */
export const STATUS_LIST_CREDENTIAL_CONTEXTS: readonly JsonLdContext[] = [VC_V2_CONTEXT, OB_V3_CONTEXT, JWT_CLAIMS_CONTEXT];

const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** validUntil tells a fresh copy from a stale one: verifiers refuse a list past it. */
export function buildStatusListCredential(input: { publicUrl: string; issuerName: string; issuerDidWeb?: boolean; list: number; encodedList: string; validFrom: Date; validUntil: Date }) {
  const id = statusListUrl(input.publicUrl, input.list);
  return {
    '@context': [...STATUS_LIST_CREDENTIAL_CONTEXTS],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: { id: credentialIssuerId({ publicUrl: input.publicUrl, didWeb: input.issuerDidWeb }), type: ['Profile'], name: input.issuerName },
    validFrom: isoSeconds(input.validFrom),
    validUntil: isoSeconds(input.validUntil),
    credentialSubject: { id: `${id}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: input.encodedList },
  };
}

/** Clocks of issuer and verifier disagree a little; a list is accepted this long around its period. */
const STATUS_LIST_SKEW_MS = 60_000;

export type StatusListReading = { ok: true; bits: Uint8Array; validUntil: string } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A verifier's reading of a status list credential fetched from `url`: signed with one of the
 * trusted issuer's keys (by kid, never a key the token carries), issued by that issuer, for that
 * list, and within its validity period, so a stale or foreign copy cannot clear a revocation.
 */
export async function readStatusListCredential(
  jws: string,
  ctx: { keys: Pick<KeySet, 'byKid'>; publicUrl: string; url: string; now?: Date },
): Promise<StatusListReading> {
  const parts = jws.trim().split('.');
  if (parts.length !== 3) return { ok: false, reason: 'the status list is not a compact JWS' };
  let header: unknown;
  let payload: unknown;
  try {
    header = parseStrictJson(new TextDecoder('utf-8', { fatal: true }).decode(base64url.decode(parts[0])));
    payload = parseStrictJson(new TextDecoder('utf-8', { fatal: true }).decode(base64url.decode(parts[1])));
  } catch {
    return { ok: false, reason: 'the status list is not a well-formed JWS' };
  }
  if (!isObject(header) || !isObject(payload)) return { ok: false, reason: 'the status list is not a well-formed JWS' };
  const key = findKey(ctx.keys, ctx.publicUrl, header.kid);
  if (!key) return { ok: false, reason: `the status list is not signed with a key of ${ctx.publicUrl}` };
  try {
    await compactVerify(jws.trim(), key.publicKey, { algorithms: [key.alg] });
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return { ok: false, reason: 'the status list signature does not match its content' };
    throw error;
  }
  const types = Array.isArray(payload.type) ? payload.type : [];
  const subject = isObject(payload.credentialSubject) ? payload.credentialSubject : {};
  const issuer = isObject(payload.issuer) ? payload.issuer.id : payload.issuer;
  if (!types.includes('BitstringStatusListCredential')) return { ok: false, reason: 'not a BitstringStatusListCredential' };
  if (!isOurIssuerId(ctx.publicUrl, issuer)) return { ok: false, reason: `the status list is issued by ${String(issuer)}, not ${issuerId(ctx.publicUrl)}` };
  if (payload.id !== ctx.url) return { ok: false, reason: `the status list is ${String(payload.id)}, not ${ctx.url}` };
  if (subject.statusPurpose !== 'revocation' || typeof subject.encodedList !== 'string') return { ok: false, reason: 'the status list is not a revocation list' };
  const now = (ctx.now ?? new Date()).getTime();
  const validFrom = typeof payload.validFrom === 'string' ? Date.parse(payload.validFrom) : NaN;
  const validUntil = typeof payload.validUntil === 'string' ? Date.parse(payload.validUntil) : NaN;
  if (Number.isNaN(validFrom) || validFrom > now + STATUS_LIST_SKEW_MS) return { ok: false, reason: `the status list is not valid yet (${String(payload.validFrom)})` };
  if (Number.isNaN(validUntil)) return { ok: false, reason: 'the status list has no validUntil, so a stale copy cannot be told from a fresh one' };
  if (validUntil + STATUS_LIST_SKEW_MS <= now) return { ok: false, reason: `the status list expired on ${String(payload.validUntil)} (a stale copy)` };
  let bits: Uint8Array;
  try {
    bits = decodeStatusList(subject.encodedList);
  } catch {
    return { ok: false, reason: 'the status list bits cannot be decoded' };
  }
  if (bits.length * 8 < STATUS_LIST_SIZE) return { ok: false, reason: `the status list is shorter than ${STATUS_LIST_SIZE} entries` };
  return { ok: true, bits, validUntil: String(payload.validUntil) };
}
