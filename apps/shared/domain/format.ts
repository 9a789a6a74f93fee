/**
 * How grades and dates read, wherever a person sees them: pages, verification page, PDF, mails and
 * the messages of the rules. Pure and built by hand, not with Intl, so workflows can use it too
 * and the output does not depend on the machine's ICU data.
 */

/**
 * A grade fraction as a percentage number. Grades are stored with four decimals, so two decimals
 * of a percentage show a stored grade exactly: 0.655 is 65.5, never a rounded 66.
 */
export function percentOf(fraction: number): number {
  return Math.round(fraction * 10_000) / 100;
}

/** A grade fraction for reading: "65.5%"; no grade reads as an em dash. */
export function formatPercent(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined ? '—' : `${percentOf(fraction)}%`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const toDate = (value: string | Date): Date => (value instanceof Date ? value : new Date(value));

/** A day, in UTC so every reader sees the same one: "5 March 2026". Nothing reads as empty. */
export function formatDate(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const date = toDate(value);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** A moment, to the minute, in UTC: "2026-03-05 14:07 UTC". Nothing reads as empty. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  return `${toDate(value).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
