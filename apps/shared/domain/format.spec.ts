import { formatDate, formatDateTime, formatPercent, percentOf } from './format';

describe('formatPercent', () => {
  it.each<[number | null | undefined, string]>([
    [0.655, '65.5%'],
    [0.6555, '65.55%'],
    [0.7, '70%'],
    [0.285, '28.5%'],
    [0.29, '29%'],
    [0.57, '57%'],
    [0.6999, '69.99%'],
    [1, '100%'],
    [0, '0%'],
    [0.00005, '0.01%'],
    [null, '—'],
    [undefined, '—'],
  ])('%p reads %p', (fraction, expected) => {
    expect(formatPercent(fraction)).toBe(expected);
  });

  it('never rounds a stored grade to a whole number', () => {
    // Grades are stored with four decimals: every one of them must read back exactly.
    for (let stored = 0; stored <= 10_000; stored++) {
      const fraction = stored / 10_000;
      expect(Math.round(percentOf(fraction) * 100)).toBe(stored);
      expect(formatPercent(fraction)).toBe(`${percentOf(fraction)}%`);
    }
  });
});

describe('formatDate', () => {
  it.each<[string | Date | null | undefined, string]>([
    ['2026-03-05T10:00:00Z', '5 March 2026'],
    [new Date('2026-12-31T23:59:59Z'), '31 December 2026'],
    // UTC, whatever the offset the time was written with.
    ['2026-01-01T00:30:00+02:00', '31 December 2025'],
    ['2024-02-29', '29 February 2024'],
    [null, ''],
    [undefined, ''],
    ['', ''],
  ])('%p reads %p', (value, expected) => {
    expect(formatDate(value)).toBe(expected);
  });
});

describe('formatDateTime', () => {
  it.each<[string | Date | null | undefined, string]>([
    ['2026-03-05T14:07:59.999Z', '2026-03-05 14:07 UTC'],
    [new Date('2026-03-05T00:00:00+05:30'), '2026-03-04 18:30 UTC'],
    [null, ''],
    [undefined, ''],
  ])('%p reads %p', (value, expected) => {
    expect(formatDateTime(value)).toBe(expected);
  });
});
