import { downloadableByAnyone, effectiveVisibility } from './certificate-sharing';

const DAY = 86_400_000;
const now = new Date('2026-12-01T12:00:00Z');
const shown = { certificatesActive: true, displayBehavior: 'early_no_info', endAt: new Date(now.getTime() + 30 * DAY), certificateAvailableAt: null } as const;

describe('certificate sharing', () => {
  it("takes the learner's choice, else the issuer's default", () => {
    expect(effectiveVisibility(null, 'public')).toBe('public');
    expect(effectiveVisibility(null, 'private')).toBe('private');
    expect(effectiveVisibility('private', 'public')).toBe('private');
    expect(effectiveVisibility('public', 'private')).toBe('public');
  });

  it('lets anyone download a public certificate its learner may download now', () => {
    expect(downloadableByAnyone({ visibility: 'public', course: shown }, now)).toBe(true);
  });

  it('keeps a private certificate to its learner and the course team', () => {
    expect(downloadableByAnyone({ visibility: 'private', course: shown }, now)).toBe(false);
  });

  it('never reaches further than the learner: not before the display behaviour shows it, not while certificates are off', () => {
    expect(downloadableByAnyone({ visibility: 'public', course: { ...shown, displayBehavior: 'end' } }, now)).toBe(false);
    expect(downloadableByAnyone({ visibility: 'public', course: { ...shown, displayBehavior: 'end', endAt: new Date(now.getTime() - DAY) } }, now)).toBe(true);
    expect(downloadableByAnyone({ visibility: 'public', course: { ...shown, certificatesActive: false } }, now)).toBe(false);
  });
});
