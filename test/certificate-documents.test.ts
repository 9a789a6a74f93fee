import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { extractFromBadge } from '../apps/shared/documents/baked-badge';
import { buildAchievementCredential } from '../apps/shared/credentials/achievement-credential';
import { extractFromPdf, renderCertificatePdf } from '../apps/shared/documents/certificate-pdf';
import { uniqueCourseId, useService } from './helpers/service';

const root = path.join(__dirname, '..');

function solidPng(width: number, height: number, [r, g, b]: number[]): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([r, g, b, 255], i * 4);
  return PNG.sync.write(png);
}

/** Reads the QR code of a PDF's first page the way a phone would: rasterize, then decode. */
function readQr(pdf: Buffer, dir: string): string | null {
  const file = path.join(dir, 'certificate.pdf');
  fs.writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', file, path.join(dir, 'page')]);
  const png = PNG.sync.read(fs.readFileSync(path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('page'))!)));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}

describe('certificate documents: PDF with QR code, baked badge, offline verification', () => {
  const ctx = useService();
  const upload = async (document: Buffer, type: string) => {
    const response = await fetch(`${ctx.service.baseUrl}/verify`, { method: 'POST', headers: { 'content-type': type, accept: 'application/json' }, body: document });
    return { status: response.status, body: (await response.json()) as any };
  };
  let dir: string;
  let certificateId: string;
  let courseId: string;
  let jws: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certificate-documents-'));
    courseId = uniqueCourseId('Documents');
    await ctx.api.post('/courses', {
      id: courseId,
      title: 'Applied Cryptography',
      pacing: 'self',
      endAt: new Date(Date.now() + 86_400_000).toISOString(),
      certificatesActive: true,
      passingGrade: 0.6,
      certificateShowsGrade: true,
      certificateTemplate: {
        logo: `data:image/png;base64,${solidPng(96, 48, [122, 31, 92]).toString('base64')}`,
        color: '#7a1f5c',
        heading: 'Certificate of Achievement',
        signatories: [{ name: 'Prof. Claude Shannon', title: 'Course Lead' }],
      },
    });
    const learner = `d-${courseId.slice(-8)}`;
    await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId: learner, email: `${learner}@example.org`, name: 'Whitfield Diffie', mode: 'verified' }] });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: learner, grade: 0.93 }] });
    certificateId = (await ctx.api.post(`/courses/${courseId}/learners/${learner}/certificate`)).body.certificateId;
    jws = (await ctx.service.db.certificate.findUniqueOrThrow({ where: { id: certificateId } })).jws!;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders a PDF whose QR code leads to VALID, with the signed credential attached', async () => {
    const response = await ctx.api.fetch(`/certificates/${certificateId}/certificate.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer());

    const url = readQr(pdf, dir);
    expect(url).toBe(`${ctx.service.config.http.publicUrl}/verify/${certificateId}`);
    const verdict = await ctx.api.get(new URL(url!).pathname);
    expect(verdict.body).toMatchObject({ verdict: 'valid', learner: { name: 'Whitfield Diffie' }, course: { title: 'Applied Cryptography' } });

    expect(extractFromPdf(pdf)).toBe(jws);
    const uploaded = await upload(pdf, 'application/pdf');
    expect(uploaded.status).toBe(200);
    expect(uploaded.body.verdict).toBe('valid');
  });

  it('bakes the credential into the badge PNG, serves the JWS, and offers share links', async () => {
    const png = Buffer.from(await (await ctx.api.fetch(`/certificates/${certificateId}/badge.png`)).arrayBuffer());
    expect(extractFromBadge(png)).toBe(jws);
    const image = PNG.sync.read(png);
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(`${ctx.service.config.http.publicUrl}/verify/${certificateId}`);
    const uploaded = await upload(png, 'image/png');
    expect(uploaded.body.verdict).toBe('valid');

    expect(await (await ctx.api.fetch(`/certificates/${certificateId}/credential.jwt`)).text()).toBe(jws);
    const share = await ctx.api.get(`/certificates/${certificateId}/share`);
    const linkedIn = new URL(share.body.linkedInUrl);
    expect(linkedIn.origin + linkedIn.pathname).toBe('https://www.linkedin.com/profile/add');
    expect(Object.fromEntries(linkedIn.searchParams)).toMatchObject({ name: 'Applied Cryptography', certId: certificateId, certUrl: share.body.verifyUrl });
  });

  it('verifies the PDF offline with the published keys, and refuses a forged credential', async () => {
    const jwks = path.join(dir, 'jwks.json');
    fs.writeFileSync(jwks, JSON.stringify((await ctx.api.get('/.well-known/jwks.json')).body));
    const pdfFile = path.join(dir, 'offline.pdf');
    fs.writeFileSync(pdfFile, Buffer.from(await (await ctx.api.fetch(`/certificates/${certificateId}/certificate.pdf`)).arrayBuffer()));
    const cli = (file: string) =>
      spawnSync(process.execPath, ['-r', '@swc-node/register', path.join(root, 'apps/cli/verify-document.ts'), file, '--jwks', jwks, '--issuer', ctx.service.config.http.publicUrl], { cwd: root, encoding: 'utf8' });
    const ok = cli(pdfFile);
    expect(ok.stdout).toContain('VALID: Whitfield Diffie — Applied Cryptography');
    expect(ok.status).toBe(0);

    const forged = path.join(dir, 'forged.jwt');
    const [h, p, s] = jws.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.credentialSubject.name = 'Mallory';
    fs.writeFileSync(forged, `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`);
    const bad = cli(forged);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('INVALID');
  });

  it('prints names as written, beyond Latin-1', async () => {
    const credential = buildAchievementCredential({
      certificateId: '7a1c7a43-5b7a-4cf5-9f0c-3b9a8f0b6d11',
      publicUrl: 'https://certs.example.org',
      issuerName: 'Université de Genève',
      course: { id: 'c', title: 'Αλγόριθμοι', passingGrade: 0.5 },
      learner: { id: 'l', name: 'Łukasz Żółć Ярослав' },
      issuedAt: new Date('2026-11-20T10:00:00Z'),
    });
    const file = path.join(dir, 'unicode.pdf');
    fs.writeFileSync(file, await renderCertificatePdf({ credential, jws: null, verifyUrl: 'https://certs.example.org/verify/x' }));
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Łukasz Żółć Ярослав');
    expect(text).toContain('Αλγόριθμοι');
    expect(text).toContain('UNIVERSITÉ DE GENÈVE');
  });

  it('refuses a template logo that is not an image', async () => {
    const response = await ctx.api.patch(`/courses/${courseId}`, { certificateTemplate: { logo: 'https://example.org/logo.png' } });
    expect(response.status).toBe(400);
    expect(response.body.fields[0].field).toBe('body.certificateTemplate.logo');
  });

  it('offers instructors a SPECIMEN preview that carries no credential and cannot be verified', async () => {
    const response = await ctx.api.fetch(`/courses/${courseId}/certificate-preview.pdf`);
    expect(response.status).toBe(200);
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(extractFromPdf(pdf)).toBeNull();
    expect(readQr(pdf, fs.mkdtempSync(path.join(dir, 'specimen-')))).toBeNull();
    expect((await upload(pdf, 'application/pdf')).status).toBe(400);
  });

  it('stops serving documents of a revoked certificate, and refuses oversized uploads', async () => {
    await ctx.api.post(`/certificates/${certificateId}/invalidations`, { notes: 'Revoked', invalidatedBy: 'prof' });
    for (const doc of ['certificate.pdf', 'badge.png', 'credential.jwt']) {
      expect((await ctx.api.get(`/certificates/${certificateId}/${doc}`)).status).toBe(410);
    }
    await ctx.api.post(`/certificates/${certificateId}/reinstatement`, { reinstatedBy: 'prof' });
    expect((await ctx.api.get(`/certificates/${certificateId}/certificate.pdf`)).status).toBe(200);
    const huge = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(6 * 1024 * 1024)]);
    expect((await upload(huge, 'application/pdf')).status).toBe(413);
  });
});
