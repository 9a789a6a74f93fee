import { certificatesVisible, certificatesVisibleFrom } from './certificate-visibility';

const endAt = new Date('2026-06-01T00:00:00Z');
const date = new Date('2026-07-01T00:00:00Z');
const before = new Date('2026-05-01T00:00:00Z');
const between = new Date('2026-06-15T00:00:00Z');
const after = new Date('2026-08-01T00:00:00Z');

describe('certificatesVisibleFrom', () => {
  it.each([
    ['end', null, endAt],
    ['end', date, endAt],
    ['end_with_date', date, date],
    ['end_with_date', null, endAt],
    ['early_no_info', date, null],
    ['early_with_info', null, null],
  ] as const)('%s with available date %s: from %s', (displayBehavior, certificateAvailableAt, expected) => {
    expect(certificatesVisibleFrom({ displayBehavior, endAt, certificateAvailableAt })).toEqual(expected);
  });
});

describe('certificatesVisible', () => {
  it.each([
    ['end', before, false],
    ['end', between, true],
    ['end_with_date', between, false],
    ['end_with_date', after, true],
    ['early_no_info', before, true],
    ['early_with_info', before, true],
  ] as const)('%s at %s: %s', (displayBehavior, now, expected) => {
    expect(certificatesVisible({ displayBehavior, endAt, certificateAvailableAt: date }, now)).toBe(expected);
  });
});
