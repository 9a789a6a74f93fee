/**
 * The worst request bodies we know for each parser of outside input, each as large as the API
 * accepts. test/hostile-input.test.ts checks every one is answered with a clear 4xx, quickly;
 * npm run bench:hostile sends them while a second client reads a verification page.
 */
import { constants, deflateRawSync, inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

/** body-parser's limits ('2mb', '5mb'), less a little room. */
export const MAX_TEXT_BODY = 2 * 1024 * 1024 - 64;
export const MAX_DOCUMENT_BODY = 5 * 1024 * 1024 - 64;

export interface HostileRequest {
  name: string;
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  contentType: string;
  body: Buffer;
  /** The answer of a parser that stays linear and bounded. */
  status: number;
  /** Needs a signed-in caller (an admin or the LMS's API key). */
  signedIn: boolean;
}

/** `unit` repeated to fill `size` bytes after `head`, then `tail`. */
function fill(head: string, unit: string, size: number, tail = ''): Buffer {
  const count = Math.max(0, Math.floor((size - head.length - tail.length) / unit.length));
  return Buffer.from(head + unit.repeat(count) + tail, 'latin1');
}

/**
 * A zlib stream of `size` bytes that inflates to about a thousand times more: the same flushed
 * block of compressed zeros, repeated (no final block; inflating everything ends in an error,
 * only after the whole output was produced).
 */
export function deflateBomb(size: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(16 * 1024 * 1024), { finishFlush: constants.Z_FULL_FLUSH });
  const count = Math.max(1, Math.floor((size - 2) / block.length));
  return Buffer.concat([Buffer.from([0x78, 0x9c]), ...Array<Buffer>(count).fill(block)]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, data, Buffer.alloc(4)]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A 2 × 2 PNG whose header claims `width` × `height` pixels. */
function pngClaiming(width: number, height: number): Buffer {
  const png = new PNG({ width: 2, height: 2 });
  const bytes = PNG.sync.write(png);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

/** A minimal baseline JPEG header (SOI, SOF0) claiming `width` × `height` pixels. */
function jpegClaiming(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xd9])]);
}

const json = (value: string) => Buffer.from(value, 'utf8');
const logoPatch = (bytes: Buffer, type: 'png' | 'jpeg') => json(JSON.stringify({ certificateTemplate: { logo: `data:image/${type};base64,${bytes.toString('base64')}` } }));

/** Every hostile request, against the course `courseId` (which must exist). */
export function hostileRequests(courseId: string): HostileRequest[] {
  const course = `/courses/${encodeURIComponent(courseId)}`;
  const pdf = (name: string, body: Buffer): HostileRequest => ({ name, method: 'POST', path: '/verify', contentType: 'application/pdf', body, status: 400, signedIn: false });
  const png = (name: string, body: Buffer): HostileRequest => ({ name, method: 'POST', path: '/verify', contentType: 'image/png', body, status: 400, signedIn: false });
  const bomb = deflateBomb(MAX_DOCUMENT_BODY - 200);
  const deepHeader = Buffer.from('['.repeat(6000) + ']'.repeat(6000)).toString('base64url');
  const nested = Math.floor((MAX_TEXT_BODY - 100) / 2);
  return [
    pdf('pdf: embedded-file markers', fill('%PDF-1.7\n', '/Type /EmbeddedFile ', MAX_DOCUMENT_BODY)),
    pdf('pdf: markers in one dictionary', fill('%PDF-1.7\n<<', '/Type/EmbeddedFile', MAX_DOCUMENT_BODY, '>>\nstream\n')),
    pdf(
      'pdf: deflate bomb',
      Buffer.concat([Buffer.from(`%PDF-1.7\n1 0 obj\n<< /Type /EmbeddedFile /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n`, 'latin1'), bomb, Buffer.from('\nendstream\nendobj\n%%EOF\n')]),
    ),
    png('png: empty chunks', Buffer.concat([PNG_SIGNATURE, ...Array<Buffer>(Math.floor((MAX_DOCUMENT_BODY - 8) / 12)).fill(pngChunk('tEXt', Buffer.alloc(0)))])),
    png('png: compressed credential bomb', Buffer.concat([PNG_SIGNATURE, pngChunk('iTXt', Buffer.concat([Buffer.from('openbadgecredential\0\x01\0\0\0', 'latin1'), bomb]))])),
    png('png: chunk length past the end', Buffer.concat([PNG_SIGNATURE, Buffer.from([0xff, 0xff, 0xff, 0xf0]), fill('iTXt', '\0', MAX_DOCUMENT_BODY - 12)])),
    { name: 'jws: 2 MB credential', method: 'POST', path: '/verify', contentType: 'application/json', body: json(JSON.stringify({ credential: 'A'.repeat(MAX_TEXT_BODY - 20) })), status: 413, signedIn: false },
    { name: 'jws: 2 MB of dots', method: 'POST', path: '/verify', contentType: 'application/jwt', body: fill('', 'a.', MAX_TEXT_BODY), status: 413, signedIn: false },
    { name: 'jws: deeply nested header', method: 'POST', path: '/verify', contentType: 'application/jwt', body: json(`${deepHeader}.e30.${'A'.repeat(86)}`), status: 400, signedIn: false },
    { name: 'json: deep nesting', method: 'PATCH', path: course, contentType: 'application/json', body: json(`{"certificateTemplate":{"signatories":${'['.repeat(nested)}${']'.repeat(nested)}}}`), status: 400, signedIn: true },
    { name: 'json: huge array', method: 'PUT', path: `${course}/enrollments`, contentType: 'application/json', body: fill('{"enrollments":[', '1,', MAX_TEXT_BODY, '1]}'), status: 400, signedIn: true },
    { name: 'json: many members', method: 'PATCH', path: course, contentType: 'application/json', body: json(`{${Array.from({ length: Math.floor(MAX_TEXT_BODY / 12) }, (_, i) => `"k${i}":1`).join(',')}}`), status: 400, signedIn: true },
    { name: 'csv: quotes after a value', method: 'POST', path: `${course}/imports/grades`, contentType: 'text/csv', body: fill('learnerId,grade\na', '"', MAX_TEXT_BODY), status: 400, signedIn: true },
    { name: 'csv: lines', method: 'POST', path: `${course}/imports/grades`, contentType: 'text/csv', body: fill('learnerId,grade\n', 'a,1\n', MAX_TEXT_BODY), status: 400, signedIn: true },
    { name: 'csv: commas', method: 'POST', path: `${course}/imports/grades`, contentType: 'text/csv', body: fill('learnerId,grade\n', ',', MAX_TEXT_BODY), status: 400, signedIn: true },
    { name: 'csv: exception lines', method: 'POST', path: `${course}/exceptions/import?grantedBy=bench`, contentType: 'text/csv', body: fill('', 'a\n', MAX_TEXT_BODY), status: 400, signedIn: true },
    { name: 'logo: PNG claiming 100000 × 100000 pixels', method: 'PATCH', path: course, contentType: 'application/json', body: logoPatch(pngClaiming(100_000, 100_000), 'png'), status: 400, signedIn: true },
    { name: 'logo: JPEG claiming 60000 × 60000 pixels', method: 'PATCH', path: course, contentType: 'application/json', body: logoPatch(jpegClaiming(60_000, 60_000), 'jpeg'), status: 400, signedIn: true },
    // Over body-parser's limit: refused while reading, before any parser sees it.
    { ...pdf('pdf: over the upload limit', fill('%PDF-1.7\n', ' ', 6 * 1024 * 1024)), status: 413 },
  ];
}

/** Whether a zlib stream inflates to more than `bytes` (the tests check the bomb really is one). */
export function inflatesPast(stream: Buffer, bytes: number): boolean {
  try {
    inflateSync(stream, { maxOutputLength: bytes });
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
  }
}
