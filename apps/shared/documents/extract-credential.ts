import { extractFromBadge } from './baked-badge';
import { extractFromPdf } from './certificate-pdf';

/** The compact JWS in a certificate PDF (attachment), a baked badge PNG (iTXt), or a bare token. */
export function extractCredential(bytes: Buffer): string | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return extractFromPdf(bytes);
  if (bytes.subarray(1, 4).toString('latin1') === 'PNG') return extractFromBadge(bytes);
  const text = bytes.toString('utf8').trim();
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text) ? text : null;
}

