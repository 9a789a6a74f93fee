/**
 * When a course's issued certificates become visible to learners: shown on the Progress page and
 * course card, downloadable, shared and mailed. The Certificates Display Behavior setting decides,
 * whatever the pacing (seed 000: on-demand certificates are downloadable early only under
 * "early_no_info"):
 * - `end`: from the course end;
 * - `end_with_date`: from the certificate available date (the course end when no date is set);
 * - `early_no_info`, `early_with_info`: as soon as they are issued.
 */
import type { DisplayBehavior } from './enums';

export interface VisibilityInput {
  displayBehavior: DisplayBehavior;
  endAt: Date;
  certificateAvailableAt: Date | null;
}

/** The moment certificates become visible, or null when they are visible as soon as issued. */
export function certificatesVisibleFrom(course: VisibilityInput): Date | null {
  switch (course.displayBehavior) {
    case 'end':
      return course.endAt;
    case 'end_with_date':
      return course.certificateAvailableAt ?? course.endAt;
    case 'early_no_info':
    case 'early_with_info':
      return null;
  }
}

export function certificatesVisible(course: VisibilityInput, now: Date): boolean {
  const from = certificatesVisibleFrom(course);
  return from === null || now >= from;
}
