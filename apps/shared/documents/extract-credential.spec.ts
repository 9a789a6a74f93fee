import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { buildAchievementCredential } from '../credentials/achievement-credential';
import { MAX_TOKEN_LENGTH } from '../credentials/verify-credential';
import { bakeBadge, BADGE_KEYWORD, extractFromBadge, UnreadableImageError } from './baked-badge';
import { extractFromPdf, renderCertificatePdf } from './certificate-pdf';
import { extractCredential } from './extract-credential';

/** Not signed: extraction only looks for the shape of a compact JWS. */
const JWS = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from('{"id":"x"}').toString('base64url')}.${'s'.repeat(86)}`;
const FIVE_MB = 5 * 1024 * 1024;

function timed<T>(work: () => T): { ms: number; value: T | Error } {
  const started = performance.now();
  let value: T | Error;
  try {
    value = work();
  } catch (error) {
    value = error as Error;
  }
  return { ms: performance.now() - started, value };
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  // The CRC is not checked when extracting; zeros keep the hostile files cheap to build.
  return Buffer.concat([head, data, Buffer.alloc(4)]);
}

function smallPng(): Buffer {
  const png = new PNG({ width: 4, height: 4 });
  png.data.fill(255);
  return PNG.sync.write(png);
}

const pdfWith = (body: string | Buffer) => Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1')]);
const embeddedFile = (data: Buffer, flate: boolean) =>
  Buffer.concat([
    Buffer.from(`1 0 obj\n<< /Type /EmbeddedFile${flate ? ' /Filter /FlateDecode' : ''} /Length ${data.length} >>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream\nendobj\n', 'latin1'),
  ]);

describe('extractFromPdf', () => {
  it('finds the credential attached to a certificate PDF', async () => {
    const credential = buildAchievementCredential({
      certificateId: '7a1c7a43-5b7a-4cf5-9f0c-3b9a8f0b6d11',
      publicUrl: 'https://certs.example.org',
      issuerName: 'Example University',
      course: { id: 'c', title: 'Parsing', passingGrade: 0.5 },
      learner: { id: 'l', name: 'Ada' },
      issuedAt: new Date('2026-11-20T10:00:00Z'),
    });
    const pdf = await renderCertificatePdf({ credential, jws: JWS, verifyUrl: 'https://certs.example.org/verify/x' });
    expect(extractFromPdf(pdf)).toBe(JWS);
    expect(extractCredential(pdf)).toBe(JWS);
    expect(extractFromPdf(pdfWith(embeddedFile(deflateSync(JWS), true)))).toBe(JWS);
    expect(extractFromPdf(pdfWith(embeddedFile(Buffer.from(JWS), false)))).toBe(JWS);
  });

  it.each<[string, () => Buffer]>([
    // Each marker used to scan back to the start of the file and forward to the end: 671 s for 5 MB.
    ['5 MB of embedded-file markers', () => pdfWith('/Type /EmbeddedFile '.repeat(FIVE_MB / 20))],
    ['5 MB of markers inside one dictionary', () => pdfWith(`<<${'/Type/EmbeddedFile'.repeat(FIVE_MB / 18)}>>\nstream\n`)],
    ['5 MB of complete embedded files with no credential', () => pdfWith(embeddedFile(Buffer.from('x'), false).toString('latin1').repeat(FIVE_MB / 80))],
    ['5 MB of name-tree markers (/EmbeddedFiles)', () => pdfWith('<< /Type /EmbeddedFiles '.repeat(FIVE_MB / 24))],
    ['a marker followed by 5 MB of blanks', () => pdfWith(`<< /Type${' '.repeat(FIVE_MB)}/EmbeddedFile >>`)],
    ['a /Length far beyond the file', () => pdfWith(`<< /Type /EmbeddedFile /Length 999999999999 >>\nstream\n${JWS}`)],
  ])('reads %s in linear time and finds nothing', (_name, build) => {
    const { ms, value } = timed(() => extractFromPdf(build()));
    expect(value).toBeNull();
    expect(ms).toBeLessThan(5_000);
  });

  it('stops inflating at the size of a credential: a deflate bomb finds nothing, quickly', () => {
    // 64 MB of zeros in 64 KB; the old extractor inflated all of it (200 MB took 3 s).
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024));
    const { ms, value } = timed(() => extractFromPdf(pdfWith(embeddedFile(bomb, true))));
    expect(value).toBeNull();
    expect(ms).toBeLessThan(5_000);
    // Just over a credential's size is already too much; corrupt data is skipped, not thrown.
    expect(extractFromPdf(pdfWith(embeddedFile(deflateSync('a'.repeat(MAX_TOKEN_LENGTH + 2048)), true)))).toBeNull();
    expect(extractFromPdf(pdfWith(embeddedFile(Buffer.from('not deflate data'), true)))).toBeNull();
  });
});

describe('extractFromBadge', () => {
  it('finds a baked credential, plain or compressed', () => {
    expect(extractFromBadge(bakeBadge(smallPng(), JWS))).toBe(JWS);
    const png = smallPng();
    const compressed = pngChunk('iTXt', Buffer.concat([Buffer.from(`${BADGE_KEYWORD}\0\x01\0\0\0`, 'latin1'), deflateSync(JWS)]));
    expect(extractFromBadge(Buffer.concat([png.subarray(0, 33), compressed, png.subarray(33)]))).toBe(JWS);
  });

  it.each<[string, () => Buffer, string]>([
    ['a truncated chunk', () => Buffer.concat([smallPng().subarray(0, 8), pngChunk('tEXt', Buffer.alloc(100)).subarray(0, 50)]), 'truncated PNG chunk'],
    ['a chunk length of 4 GB', () => Buffer.concat([smallPng().subarray(0, 8), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from('iTXt'), Buffer.alloc(64)]), 'truncated PNG chunk'],
    ['5 MB of empty chunks', () => Buffer.concat([smallPng().subarray(0, 8), ...Array<Buffer>(Math.floor(FIVE_MB / 12)).fill(pngChunk('tEXt', Buffer.alloc(0)))]), 'more than 4096 PNG chunks'],
    [
      'a compressed credential that inflates to 64 MB',
      () => Buffer.concat([smallPng().subarray(0, 8), pngChunk('iTXt', Buffer.concat([Buffer.from(`${BADGE_KEYWORD}\0\x01\0\0\0`, 'latin1'), deflateSync(Buffer.alloc(64 * 1024 * 1024, 'A'))]))]),
      'does not inflate to a credential',
    ],
    ['a credential chunk without its separators', () => Buffer.concat([smallPng().subarray(0, 8), pngChunk('iTXt', Buffer.from(`${BADGE_KEYWORD}\0\0`, 'latin1'))]), 'malformed openbadgecredential chunk'],
  ])('refuses %s quickly, saying why', (_name, build, message) => {
    const png = build();
    const { ms, value } = timed(() => extractFromBadge(png));
    expect(value).toBeInstanceOf(UnreadableImageError);
    expect((value as Error).message).toContain(message);
    expect(ms).toBeLessThan(5_000);
  });
});
