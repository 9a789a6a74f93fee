/**
 * Who may fetch an issued certificate's files (PDF, baked badge, signed credential) from its public
 * link. Its learner decides: public (anyone with the link, e.g. an employer who scanned the QR
 * code, may download them and check them with their own tools) or private (the verification page
 * gives the verdict only). Until they choose, the issuer's default applies. Sharing never reaches
 * further than the learner's own download (certificate-downloads.ts): a certificate its learner
 * cannot download yet is not downloadable by anyone else either. Revocation wins over both.
 */
import { downloadRefusal, type DownloadCourse } from './certificate-downloads';
import type { CertificateVisibility } from './enums';

/** The visibility in force: the learner's choice, or the issuer's default when they made none. */
export function effectiveVisibility(chosen: CertificateVisibility | null, issuerDefault: CertificateVisibility): CertificateVisibility {
  return chosen ?? issuerDefault;
}

export interface SharedCertificate {
  visibility: CertificateVisibility;
  course: DownloadCourse;
}

/** Whether anyone with the link may download the certificate's files now (revocation aside). */
export function downloadableByAnyone(certificate: SharedCertificate, now: Date): boolean {
  return certificate.visibility === 'public' && downloadRefusal(certificate.course, 'learner', now) === null;
}
