import QRCode from 'qrcode';

/** Open Badges 3.0 baking: the compact JWS in a PNG iTXt chunk named openbadgecredential. */
export const BADGE_KEYWORD = 'openbadgecredential';
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

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

function* chunks(png: Buffer): Generator<PngChunk> {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file');
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (offset + 12 + length > png.length) throw new Error('truncated PNG chunk');
    yield { type, data: png.subarray(offset + 8, offset + 8 + length), start: offset };
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

export function extractFromBadge(png: Buffer): string | null {
  for (const c of chunks(png)) {
    if (c.type !== 'iTXt') continue;
    const nul = c.data.indexOf(0);
    if (c.data.toString('latin1', 0, nul) !== BADGE_KEYWORD) continue;
    if (c.data[nul + 1] !== 0) throw new Error('compressed badge credentials are not supported');
    const language = c.data.indexOf(0, nul + 3);
    const translated = c.data.indexOf(0, language + 1);
    return c.data.subarray(translated + 1).toString('utf8');
  }
  return null;
}

/** The badge image: the verification QR code, with the credential baked in. */
export async function renderBadge(verifyUrl: string, jws: string): Promise<Buffer> {
  const png = await QRCode.toBuffer(verifyUrl, { type: 'png', errorCorrectionLevel: 'M', width: 480, margin: 2 });
  return bakeBadge(png, jws);
}
