import { gunzipSync, gzipSync } from 'node:zlib';
import { OB_V3_CONTEXT, VC_V2_CONTEXT, issuerId } from './achievement-credential';

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
  return new Uint8Array(gunzipSync(Buffer.from(encoded.slice(1), 'base64url')));
}

export function bitAt(list: Uint8Array, index: number): boolean {
  return (list[index >> 3] & (0x80 >> (index & 7))) !== 0;
}

export function buildStatusListCredential(input: { publicUrl: string; issuerName: string; list: number; encodedList: string; validFrom: Date }) {
  const id = statusListUrl(input.publicUrl, input.list);
  return {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: { id: issuerId(input.publicUrl), type: ['Profile'], name: input.issuerName },
    validFrom: input.validFrom.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    credentialSubject: { id: `${id}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: input.encodedList },
  };
}
