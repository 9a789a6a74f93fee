/**
 * Who may download an issued certificate (PDF, baked badge, signed credential, share links), and
 * when. Learners follow the course: certificates must be enabled (seed 002: "Before learners can
 * download certificates, you must enable certificates for your course") and visible under the
 * display behaviour (certificate-visibility.ts). Course staff may always download: they check what
 * learners will get. Revocation is decided elsewhere (certificate-validity.ts) and wins over both.
 */
import { certificatesVisible, certificatesVisibleFrom, type VisibilityInput } from './certificate-visibility';
import { formatDate } from './format';

export interface DownloadCourse extends VisibilityInput {
  certificatesActive: boolean;
}

/**
 * The certificate's learner, the course's staff (instructors, administrators, the LMS's API key),
 * or anyone else, for a certificate its learner shares publicly (certificate-sharing.ts): they get
 * no more than the learner.
 */
export type Downloader = 'learner' | 'staff' | 'public';

export const DOWNLOAD_REFUSALS = {
  notEnabled: 'Certificates are not enabled for this course: they can be downloaded once the course team enables them.',
  notYetVisible: (date: string) => `This certificate will be available on ${date}.`,
} as const;

/**
 * Why a course's issued certificate is not shown to anyone outside the course team yet (the date
 * it becomes visible), or null once it is. The public verification page follows it too.
 */
export function notYetVisibleReason(course: VisibilityInput, now: Date): string | null {
  if (certificatesVisible(course, now)) return null;
  return DOWNLOAD_REFUSALS.notYetVisible(formatDate(certificatesVisibleFrom(course)));
}

/** Why this downloader may not have the course's issued certificate now, or null when they may. */
export function downloadRefusal(course: DownloadCourse, downloader: Downloader, now: Date): string | null {
  if (downloader === 'staff') return null;
  if (!course.certificatesActive) return DOWNLOAD_REFUSALS.notEnabled;
  return notYetVisibleReason(course, now);
}
