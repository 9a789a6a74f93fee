/**
 * Every public address of a certificate, built from the service's PUBLIC_URL. Mails, PDFs, badges,
 * credentials and API answers link to these, so a route can move in one place. The addresses a
 * credential names itself (issuer, signing keys, status lists) live beside their credential:
 * issuerId in credentials/issuer.ts, keyUrl in credentials/signing-keys.ts, statusListUrl in
 * credentials/status-list.ts.
 */

/** The human verification page of a certificate, printed on the PDF and its QR code. */
export function verifyPageUrl(publicUrl: string, certificateId: string): string {
  return `${publicUrl}/verify/${certificateId}`;
}

/** The downloadable files of a certificate. */
export function certificateFileUrls(publicUrl: string, certificateId: string): { pdfUrl: string; badgeUrl: string; credentialUrl: string } {
  const base = `${publicUrl}/certificates/${certificateId}`;
  return { pdfUrl: `${base}/certificate.pdf`, badgeUrl: `${base}/badge.png`, credentialUrl: `${base}/credential.jwt` };
}

/** The Open Badges achievement a course's credentials are for. */
export function achievementUrl(publicUrl: string, courseId: string): string {
  return `${publicUrl}/courses/${encodeURIComponent(courseId)}/achievement`;
}
