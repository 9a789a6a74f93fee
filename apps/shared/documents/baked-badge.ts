import { inflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { MAX_TOKEN_LENGTH } from '../credentials/verify-credential';

/** Open Badges 3.0 baking: the compact JWS in a PNG iTXt chunk named openbadgecredential. */
export const BADGE_KEYWORD = 'openbadgecredential';
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Far more than any badge image has (ours has five); walking stops there. */
const MAX_CHUNKS = 4096;
/** A baked credential is at most MAX_TOKEN_LENGTH characters; compressed text stops inflating there. */
const MAX_CREDENTIAL_BYTES = MAX_TOKEN_LENGTH + 1024;

/** The upload is not a PNG we can read; the message says why. */
export class UnreadableImageError extends Error {}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

interface PngChunk {
  type: string;
  data: Buffer;
  start: number;
}

/** Walks the chunks in one pass; every length is checked against the file before it is used. */
function* chunks(png: Buffer): Generator<PngChunk> {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new UnreadableImageError('not a PNG file');
  let offset = 8;
  for (let count = 0; offset + 12 <= png.length; count++) {
    if (count >= MAX_CHUNKS) throw new UnreadableImageError(`more than ${MAX_CHUNKS} PNG chunks`);
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (offset + 12 + length > png.length) throw new UnreadableImageError('truncated PNG chunk');
    yield { type, data: png.subarray(offset + 8, offset + 8 + length), start: offset };
    if (type === 'IEND') return;
    offset += 12 + length;
  }
}

/** Inserts the credential before IEND; an existing openbadgecredential chunk is replaced. */
export function bakeBadge(png: Buffer, jws: string): Buffer {
  const parts: Buffer[] = [png.subarray(0, 8)];
  for (const c of chunks(png)) {
    if (c.type === 'iTXt' && c.data.toString('latin1', 0, BADGE_KEYWORD.length + 1) === `${BADGE_KEYWORD}\0`) continue;
    if (c.type === 'IEND') {
      // keyword \0, compression flag 0, method 0, empty language \0, empty translated keyword \0, UTF-8 text
      parts.push(chunk('iTXt', Buffer.concat([Buffer.from(`${BADGE_KEYWORD}\0\0\0\0\0`, 'latin1'), Buffer.from(jws, 'utf8')])));
    }
    parts.push(png.subarray(c.start, c.start + 12 + c.data.length));
  }
  return Buffer.concat(parts);
}

const KEYWORD_PREFIX = Buffer.from(`${BADGE_KEYWORD}\0`, 'latin1');

/** The credential baked into a badge (iTXt openbadgecredential), or null. */
export function extractFromBadge(png: Buffer): string | null {
  for (const c of chunks(png)) {
    if (c.type !== 'iTXt' || !c.data.subarray(0, KEYWORD_PREFIX.length).equals(KEYWORD_PREFIX)) continue;
    // keyword \0, compression flag, compression method, language \0, translated keyword \0, text
    const flag = c.data[KEYWORD_PREFIX.length];
    const language = c.data.indexOf(0, KEYWORD_PREFIX.length + 2);
    const translated = language < 0 ? -1 : c.data.indexOf(0, language + 1);
    if (translated < 0) throw new UnreadableImageError('malformed openbadgecredential chunk');
    const text = c.data.subarray(translated + 1);
    if (flag === 0) return text.toString('utf8');
    try {
      return inflateSync(text, { maxOutputLength: MAX_CREDENTIAL_BYTES }).toString('utf8');
    } catch {
      throw new UnreadableImageError('the compressed openbadgecredential chunk does not inflate to a credential');
    }
  }
  return null;
}

/** The badge image: the verification QR code, with the credential baked in. */
export async function renderBadge(verifyUrl: string, jws: string): Promise<Buffer> {
  const png = await QRCode.toBuffer(verifyUrl, { type: 'png', errorCorrectionLevel: 'M', width: 480, margin: 2 });
  return bakeBadge(png, jws);
}
