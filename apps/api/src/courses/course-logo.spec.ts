import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { MAX_LOGO_SIDE, readImageHeader } from '../../../shared/documents/image-header';
import { normalizeLogo } from './course-logo';
import { createCourseSchema } from './courses.schemas';

function rgbaPng(width: number, height: number, alpha = 255, options: { interlace?: boolean } = {}): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([i % 256, 40, 200, alpha], i * 4);
  const bytes = PNG.sync.write(png);
  if (options.interlace) bytes[28] = 1;
  return bytes;
}

/** A PNG whose header claims width × height but that carries only a few bytes of pixels. */
function claimedPng(width: number, height: number): Buffer {
  const bytes = rgbaPng(2, 2);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

function jpegOf(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4, 128);
  return jpeg.encode({ width, height, data }, 80).data;
}

const dataUrl = (type: 'png' | 'jpeg', bytes: Buffer) => `data:image/${type};base64,${bytes.toString('base64')}`;
const decodedPng = (url: string) => PNG.sync.read(Buffer.from(url.split(',')[1], 'base64'));

describe('readImageHeader', () => {
  it('reads the size of PNG and JPEG images without decoding them', () => {
    expect(readImageHeader(rgbaPng(7, 3))).toEqual({ type: 'png', width: 7, height: 3, interlaced: false });
    expect(readImageHeader(jpegOf(33, 17))).toEqual({ type: 'jpeg', width: 33, height: 17, interlaced: false });
    expect(readImageHeader(claimedPng(100_000, 100_000))).toMatchObject({ width: 100_000, height: 100_000 });
  });

  it('gives up on anything else, and on a JPEG that never reaches its frame header', () => {
    expect(readImageHeader(Buffer.from('GIF89a'))).toBeNull();
    expect(readImageHeader(Buffer.alloc(0))).toBeNull();
    // Thousands of empty comment segments: the walk stops after a fixed number.
    const comments = Buffer.concat([Buffer.from([0xff, 0xd8]), ...Array<Buffer>(100_000).fill(Buffer.from([0xff, 0xfe, 0x00, 0x02]))]);
    expect(readImageHeader(comments)).toBeNull();
  });
});

describe('normalizeLogo', () => {
  it('re-encodes a PNG or JPEG logo as a PNG of the same size', () => {
    const fromPng = normalizeLogo(dataUrl('png', rgbaPng(40, 20, 128)));
    expect(fromPng.ok).toBe(true);
    const png = decodedPng((fromPng as { dataUrl: string }).dataUrl);
    expect([png.width, png.height, png.data[3]]).toEqual([40, 20, 128]);

    const fromJpeg = normalizeLogo(dataUrl('jpeg', jpegOf(64, 32)));
    expect(fromJpeg.ok).toBe(true);
    expect((fromJpeg as { dataUrl: string }).dataUrl).toMatch(/^data:image\/png;base64,/);
    expect(decodedPng((fromJpeg as { dataUrl: string }).dataUrl)).toMatchObject({ width: 64, height: 32 });
  });

  it('accepts the largest logo and refuses one pixel more, by its header, before decoding', () => {
    expect(normalizeLogo(dataUrl('png', rgbaPng(MAX_LOGO_SIDE, 8))).ok).toBe(true);
    expect(normalizeLogo(dataUrl('png', rgbaPng(MAX_LOGO_SIDE + 1, 8)))).toEqual({ ok: false, message: `the image is ${MAX_LOGO_SIDE + 1} × 8 pixels; at most ${MAX_LOGO_SIDE} × ${MAX_LOGO_SIDE}` });
    const started = performance.now();
    // Decoding 100,000 × 100,000 pixels would need 40 GB.
    expect(normalizeLogo(dataUrl('png', claimedPng(100_000, 100_000)))).toMatchObject({ ok: false, message: expect.stringContaining('100000 × 100000 pixels') });
    const huge = jpegOf(8, 8);
    const sof = huge.indexOf(Buffer.from([0xff, 0xc0]));
    huge.writeUInt16BE(60_000, sof + 5);
    huge.writeUInt16BE(60_000, sof + 7);
    expect(normalizeLogo(dataUrl('jpeg', huge))).toMatchObject({ ok: false, message: expect.stringContaining('60000 × 60000 pixels') });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses interlaced, mislabelled and damaged images, saying why', () => {
    expect(normalizeLogo(dataUrl('png', rgbaPng(8, 8, 255, { interlace: true })))).toMatchObject({ ok: false, message: expect.stringContaining('interlaced') });
    expect(normalizeLogo(dataUrl('jpeg', rgbaPng(8, 8)))).toMatchObject({ ok: false, message: 'the data is a PNG image, not JPEG' });
    const damaged = rgbaPng(8, 8);
    damaged.fill(0x41, 41, damaged.length - 12);
    expect(normalizeLogo(dataUrl('png', damaged))).toMatchObject({ ok: false, message: expect.stringContaining('cannot be decoded') });
    expect(normalizeLogo(dataUrl('png', Buffer.from('hello')))).toMatchObject({ ok: false, message: 'not a readable PNG or JPEG image' });
  });

  it('runs at the edge: the course schema stores the re-encoded PNG and names the field when it refuses', () => {
    const course = { id: 'c', title: 'T', pacing: 'self', endAt: '2030-01-01T00:00:00Z', passingGrade: 0.5 };
    const ok = createCourseSchema.parse({ ...course, certificateTemplate: { logo: dataUrl('jpeg', jpegOf(16, 16)) } });
    expect(ok.certificateTemplate?.logo).toMatch(/^data:image\/png;base64,/);
    const refused = createCourseSchema.safeParse({ ...course, certificateTemplate: { logo: dataUrl('png', claimedPng(5000, 5000)) } });
    expect(refused.error?.issues).toEqual([expect.objectContaining({ path: ['certificateTemplate', 'logo'], message: expect.stringContaining('5000 × 5000') })]);
  });
});
