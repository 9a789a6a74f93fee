/** A course logo is drawn about 110 × 56 points wide; larger images only cost memory to decode. */
export const MAX_LOGO_SIDE = 1024;

export interface ImageHeader {
  type: 'png' | 'jpeg';
  width: number;
  height: number;
  /** Adam7 interlacing (PNG only). */
  interlaced: boolean;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** JPEG segments read before giving up on finding the frame header. */
const MAX_JPEG_SEGMENTS = 256;

/**
 * Type and size of a PNG (IHDR) or JPEG (SOFn) image, read from its header without decoding any
 * pixel, so an image's cost is known before anything is allocated for it. Null when the bytes are
 * neither, or the header is missing or damaged.
 */
export function readImageHeader(bytes: Buffer): ImageHeader | null {
  if (bytes.length >= 29 && bytes.subarray(0, 8).equals(PNG_SIGNATURE) && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return { type: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), interlaced: bytes[28] !== 0 };
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let offset = 2;
  for (let segments = 0; segments < MAX_JPEG_SEGMENTS && offset + 4 <= bytes.length; segments++) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    // Start of scan or end of image before any frame header: not an image we can size.
    if (marker === 0xda || marker === 0xd9) return null;
    const length = bytes.readUInt16BE(offset + 2);
    if (length < 2) return null;
    const isFrameHeader = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrameHeader) {
      if (offset + 9 > bytes.length) return null;
      return { type: 'jpeg', height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7), interlaced: false };
    }
    offset += 2 + length;
  }
  return null;
}

/** Why an image cannot be a logo, or null when its header is fine to decode. */
export function logoHeaderProblem(header: ImageHeader | null): string | null {
  if (!header) return 'not a readable PNG or JPEG image';
  if (header.width < 1 || header.height < 1) return 'the image has no pixels';
  if (header.width > MAX_LOGO_SIDE || header.height > MAX_LOGO_SIDE) {
    return `the image is ${header.width} × ${header.height} pixels; at most ${MAX_LOGO_SIDE} × ${MAX_LOGO_SIDE}`;
  }
  // Interlaced PNG data is inflated without a size limit by the decoders we use.
  if (header.interlaced) return 'interlaced PNG images are not accepted; save it without interlacing';
  return null;
}
