import { renderVerificationPage } from './verification-page';
import { GENERIC_REVOCATION_REASON } from '../../../shared/domain/certificate-validity';
import type { VerificationResult } from './verification.service';

const about = {
  certificateId: '7a1c7a43-5b7a-4cf5-9f0c-3b9a8f0b6d11',
  checks: [{ name: 'signature', ok: true, detail: 'the signature matches the content' }],
  learner: { name: 'Ada Lovelace' },
  course: { id: 'c', title: 'Computing 1' },
  issuedAt: '2026-11-20T10:00:00Z',
};

describe('the public verification page', () => {
  it('says SUPERSEDED and links to the current certificate', () => {
    const verifyUrl = 'https://certs.example.org/verify/7a1c7a43-5b7a-4cf5-9f0c-3b9a8f0b6d11';
    const result: VerificationResult = { ...about, verdict: 'superseded', failed: 'record', current: { verifyUrl, issuedAt: '2026-12-01T09:00:00Z' } };
    const page = renderVerificationPage(result, 'Example University');
    expect(page).toContain('<h1>SUPERSEDED</h1>');
    expect(page).toContain(`<a href="${verifyUrl}">${verifyUrl}</a>`);
    expect(page).not.toContain('<h1>VALID</h1>');
  });

  it('shows the public reason of a revocation, escaped', () => {
    const page = renderVerificationPage({ ...about, verdict: 'revoked', revocation: { revokedAt: '2026-12-01T09:00:00Z', reason: 'Issued in error <sorry>' } }, 'Example University');
    expect(page).toContain('<h1>REVOKED</h1>');
    expect(page).toContain('Issued in error &lt;sorry&gt;');
    expect(renderVerificationPage({ ...about, verdict: 'revoked', revocation: { revokedAt: '2026-12-01T09:00:00Z', reason: GENERIC_REVOCATION_REASON } }, 'X')).toContain(GENERIC_REVOCATION_REASON);
  });

  it('offers the files of a certificate its learner shares publicly, and none otherwise', () => {
    const base = 'https://certs.example.org/certificates/7a1c7a43-5b7a-4cf5-9f0c-3b9a8f0b6d11';
    const downloads = { pdfUrl: `${base}/certificate.pdf`, badgeUrl: `${base}/badge.png`, credentialUrl: `${base}/credential.jwt` };
    const shared = renderVerificationPage({ ...about, verdict: 'valid', downloads }, 'Example University');
    for (const url of Object.values(downloads)) expect(shared).toContain(`<a href="${url}" download>`);
    const kept = renderVerificationPage({ ...about, verdict: 'valid' }, 'Example University');
    expect(kept).toContain('<h1>VALID</h1>');
    expect(kept).not.toContain('/certificates/');
  });
});
