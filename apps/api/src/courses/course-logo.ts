import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { logoHeaderProblem, MAX_LOGO_SIDE, readImageHeader } from '../../../shared/documents/image-header';

const DATA_URL = /^data:image\/(png|jpeg);base64,([A-Za-z0-9+/]+=*)$/;

export type LogoOutcome = { ok: true; dataUrl: string } | { ok: false; message: string };

/**
 * A course logo as uploaded (PNG or JPEG data URL) becomes a PNG we decoded and encoded ourselves:
 * its size is checked from the header before any pixel is decoded, decoding is bounded, and
 * certificates then draw only an image we made, never the bytes someone sent.
 */
export function normalizeLogo(dataUrl: string): LogoOutcome {
  const match = DATA_URL.exec(dataUrl);
  if (!match) return { ok: false, message: 'a data: URL of a PNG or JPEG image' };
  const bytes = Buffer.from(match[2], 'base64');
  const header = readImageHeader(bytes);
  const problem = logoHeaderProblem(header);
  if (problem) return { ok: false, message: problem };
  if (header!.type !== match[1]) return { ok: false, message: `the data is a ${header!.type.toUpperCase()} image, not ${match[1].toUpperCase()}` };

  let image: { width: number; height: number; data: Buffer };
  try {
    image =
      header!.type === 'png'
        ? PNG.sync.read(bytes)
        : jpeg.decode(bytes, { formatAsRGBA: true, maxResolutionInMP: (MAX_LOGO_SIDE * MAX_LOGO_SIDE) / 1e6, maxMemoryUsageInMB: 64 });
  } catch (error) {
    return { ok: false, message: `the image cannot be decoded (${error instanceof Error ? error.message : String(error)})` };
  }
  if (image.width !== header!.width || image.height !== header!.height) return { ok: false, message: 'the image header does not match its pixels' };

  let opaque = true;
  for (let i = 3; i < image.data.length; i += 4) {
    if (image.data[i] !== 255) {
      opaque = false;
      break;
    }
  }
  const png = PNG.sync.write(Object.assign(new PNG({ width: image.width, height: image.height }), { data: image.data }), {
    colorType: opaque ? 2 : 6,
    deflateLevel: 9,
  });
  return { ok: true, dataUrl: `data:image/png;base64,${png.toString('base64')}` };
}
