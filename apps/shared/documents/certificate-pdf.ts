import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { AchievementCredential } from '../credentials/achievement-credential';
import { MAX_TOKEN_LENGTH } from '../credentials/verify-credential';
import { formatDate } from '../domain/format';
import { logoHeaderProblem, readImageHeader } from './image-header';

export interface CertificateTemplate {
  /** The course's or institution's logo, as a data: URL (PNG or JPEG), drawn at the top left. */
  logo?: string;
  /** Main colour of the border and headings, #rrggbb. */
  color: string;
  heading: string;
  /** The line between the learner's name and the course title. */
  body: string;
  signatories: Array<{ name: string; title: string }>;
}

export const DEFAULT_TEMPLATE: CertificateTemplate = {
  color: '#1d4e89',
  heading: 'Certificate of Completion',
  body: 'has successfully completed the course',
  signatories: [],
};

export interface PdfInput {
  credential: AchievementCredential;
  /** The compact JWS, attached to the PDF so the document alone can be verified offline. */
  jws: string | null;
  verifyUrl: string | null;
  template?: Partial<CertificateTemplate>;
  /** Instructor preview: watermarked, no QR code, no credential. */
  specimen?: boolean;
}

export const ATTACHMENT_NAME = 'credential.jwt';

// DejaVu Sans (embedded, subset per document) covers Latin, Greek, Cyrillic and more, so learners'
// names print as written; PDF's built-in Helvetica only knows Latin-1.
// Parsed once per process and shared by every document (pdfkit accepts a fontkit font): parsing
// the TTF files for each render made a cold render 15 times slower (npm run bench:verify).
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const fontkit = require('fontkit') as { create(data: Buffer): object };
const REGULAR = fontkit.create(readFileSync(path.join(FONT_DIR, 'DejaVuSans.ttf')));
const BOLD = fontkit.create(readFileSync(path.join(FONT_DIR, 'DejaVuSans-Bold.ttf')));

function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  // Runs of dark modules per row become single rectangles: vectors, crisp at any print size.
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!qr.modules.data[row * n + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && qr.modules.data[row * n + col]) col++;
      doc.rect(x + start * cell, y + row * cell, (col - start) * cell, cell);
    }
  }
  doc.fill('#000000');
}

/** A4 landscape, rendered from the signed credential so it can never disagree with it. */
export function renderCertificatePdf(input: PdfInput): Promise<Buffer> {
  const t = { ...DEFAULT_TEMPLATE, ...input.template };
  const c = input.credential;
  const subject = c.credentialSubject;
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    info: {
      Title: `${t.heading}: ${subject.achievement.name}`,
      Author: c.issuer.name,
      Subject: input.specimen ? 'SPECIMEN — not a certificate' : `Certificate ${c.id}`,
      CreationDate: new Date(c.validFrom),
    },
  });
  doc.registerFont('Regular', REGULAR as unknown as string);
  doc.registerFont('Bold', BOLD as unknown as string);
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const W = doc.page.width;
  const H = doc.page.height;

  doc.lineWidth(6).strokeColor(t.color).rect(24, 24, W - 48, H - 48).stroke();
  doc.lineWidth(1).rect(36, 36, W - 72, H - 72).stroke();
  if (t.logo) {
    const data = /^data:image\/(?:png|jpeg);base64,(.+)$/.exec(t.logo)?.[1];
    const image = data ? Buffer.from(data, 'base64') : null;
    // Logos are re-encoded at upload; one stored before that is drawn only if its header is sane.
    if (image && !logoHeaderProblem(readImageHeader(image))) doc.image(image, 56, 52, { fit: [110, 56] });
  }
  doc.fillColor(t.color).font('Bold').fontSize(14).text(c.issuer.name.toUpperCase(), 0, 64, { align: 'center', characterSpacing: 2 });
  doc.font('Bold').fontSize(34).text(t.heading, 0, 100, { align: 'center' });
  doc.fillColor('#333333').font('Regular').fontSize(14).text('This certifies that', 0, 170, { align: 'center' });
  doc.fillColor('#111111').font('Bold').fontSize(30).text(subject.name, 60, 195, { align: 'center', width: W - 120 });
  doc.fillColor('#333333').font('Regular').fontSize(14).text(t.body, 0, 245, { align: 'center' });
  doc.fillColor(t.color).font('Bold').fontSize(22).text(subject.achievement.name, 80, 270, { align: 'center', width: W - 160 });
  const grade = subject.result?.[0]?.value;
  const facts = [`Issued on ${formatDate(c.validFrom)}`, grade ? `Final grade ${grade}%` : null].filter(Boolean).join('   ·   ');
  doc.fillColor('#333333').font('Regular').fontSize(12).text(facts, 0, 330, { align: 'center' });

  t.signatories.slice(0, 3).forEach((s, i) => {
    const x = 90 + i * 190;
    doc.moveTo(x, 470).lineTo(x + 160, 470).lineWidth(0.8).strokeColor('#555555').stroke();
    doc.fillColor('#111111').font('Bold').fontSize(11).text(s.name, x, 476, { width: 160, align: 'center' });
    doc.fillColor('#555555').font('Regular').fontSize(9).text(s.title, x, 490, { width: 160, align: 'center' });
  });

  if (input.specimen) {
    doc.save().rotate(-24, { origin: [W / 2, H / 2] });
    doc.fillColor('#c81e1e').opacity(0.18).font('Bold').fontSize(120).text('SPECIMEN', 0, H / 2 - 60, { align: 'center', width: W });
    doc.restore().opacity(1);
    doc.fillColor('#c81e1e').font('Bold').fontSize(11).text('SPECIMEN — not a certificate, cannot be verified', 0, H - 70, { align: 'center' });
  } else if (input.verifyUrl) {
    const size = 104;
    drawQr(doc, input.verifyUrl, W - 60 - size, H - 72 - size - 26, size);
    doc.fillColor('#333333').font('Regular').fontSize(8).text('Scan to verify', W - 60 - size, H - 72 - 18, { width: size, align: 'center' });
    doc.font('Regular').fontSize(8).fillColor('#555555').text(`Verify at ${input.verifyUrl}`, 60, H - 82, { width: W - 260 });
    doc.text(`Certificate ${c.id.replace('urn:uuid:', '')}`, 60, H - 70, { width: W - 260 });
  }
  if (input.jws && !input.specimen) {
    doc.file(Buffer.from(input.jws, 'utf8'), {
      name: ATTACHMENT_NAME,
      type: 'application/vc+jwt',
      description: 'The signed Open Badges 3.0 credential (compact JWS) this certificate shows',
    });
  }
  doc.end();
  return done;
}

/** How far before an embedded file's /Type its dictionary opens, and after it its stream starts. */
const DICTIONARY_WINDOW = 2048;
/** Occurrences of /EmbeddedFile looked at (the /EmbeddedFiles name tree among them)... */
const MAX_MARKERS = 64;
/** ...and embedded files among them: ours carries one. */
const MAX_EMBEDDED_FILES = 8;
/** A credential is at most MAX_TOKEN_LENGTH characters; a little room for line breaks around it. */
const MAX_ATTACHMENT_BYTES = MAX_TOKEN_LENGTH + 1024;
const MARKER = Buffer.from('/EmbeddedFile', 'latin1');
const NAME_CHARACTER = /[A-Za-z0-9_]/;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The credential attached to a certificate PDF, or null. The file is searched as bytes (never
 * copied into a string), a fixed amount of work is done per marker and a fixed number of markers
 * is looked at, and decompression stops at the size of a credential: neither a file full of
 * markers nor a deflate bomb costs more than reading the upload.
 */
export function extractFromPdf(pdf: Buffer): string | null {
  let markers = 0;
  let examined = 0;
  for (let at = pdf.indexOf(MARKER); at >= 0 && markers < MAX_MARKERS && examined < MAX_EMBEDDED_FILES; at = pdf.indexOf(MARKER, at + MARKER.length)) {
    markers++;
    const next = pdf[at + MARKER.length];
    if (next !== undefined && NAME_CHARACTER.test(String.fromCharCode(next))) continue;
    const before = pdf.toString('latin1', Math.max(0, at - DICTIONARY_WINDOW), at);
    if (!/\/Type\s*$/.test(before)) continue;
    examined++;
    const after = pdf.toString('latin1', at, at + DICTIONARY_WINDOW);
    const opening = before.lastIndexOf('<<');
    const streamOffset = after.indexOf('stream');
    if (opening < 0 || streamOffset < 0) continue;
    const dict = before.slice(opening) + after.slice(0, streamOffset);
    const length = Number(/\/Length\s+(\d{1,9})\b/.exec(dict)?.[1]);
    if (!Number.isSafeInteger(length) || length > MAX_ATTACHMENT_BYTES) continue;
    const streamAt = at + streamOffset;
    const dataStart = streamAt + 'stream'.length + (pdf[streamAt + 6] === 0x0d ? 2 : 1);
    const raw = pdf.subarray(dataStart, dataStart + length);
    let data: Buffer = raw;
    if (/\/Filter\s*\/FlateDecode/.test(dict)) {
      try {
        data = inflateSync(raw, { maxOutputLength: MAX_ATTACHMENT_BYTES });
      } catch {
        // Corrupt, or inflates beyond any credential (ERR_BUFFER_TOO_LARGE): not ours.
        continue;
      }
    }
    const content = data.toString('utf8').trim();
    if (COMPACT_JWS.test(content)) return content;
  }
  return null;
}
