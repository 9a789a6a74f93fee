import { DOWNLOAD_REFUSALS, downloadRefusal, notYetVisibleReason, type DownloadCourse } from './certificate-downloads';
import { DISPLAY_BEHAVIORS } from './enums';

const endAt = new Date('2026-06-01T12:00:00Z');
const availableAt = new Date('2026-07-01T00:00:00Z');
const before = new Date('2026-05-01T00:00:00Z');
const between = new Date('2026-06-15T00:00:00Z');
const after = new Date('2026-08-01T00:00:00Z');

const course = (displayBehavior: DownloadCourse['displayBehavior'], certificatesActive = true): DownloadCourse => ({
  displayBehavior,
  endAt,
  certificateAvailableAt: availableAt,
  certificatesActive,
});

describe('downloadRefusal: display behaviour x moment x downloader x activation', () => {
  // null: the download is served. Dates read as the pages write them.
  const expected = {
    end: { before: DOWNLOAD_REFUSALS.notYetVisible('1 June 2026'), between: null, after: null },
    end_with_date: { before: DOWNLOAD_REFUSALS.notYetVisible('1 July 2026'), between: DOWNLOAD_REFUSALS.notYetVisible('1 July 2026'), after: null },
    early_no_info: { before: null, between: null, after: null },
    early_with_info: { before: null, between: null, after: null },
  } as const;
  const moments = { before, between, after };
  const rows = DISPLAY_BEHAVIORS.flatMap((behavior) => (Object.keys(moments) as Array<keyof typeof moments>).map((moment) => [behavior, moment] as const));

  it.each(rows)('%s, %s the dates', (behavior, moment) => {
    const now = moments[moment];
    expect(downloadRefusal(course(behavior), 'learner', now)).toBe(expected[behavior][moment]);
    expect(downloadRefusal(course(behavior, false), 'learner', now)).toBe(DOWNLOAD_REFUSALS.notEnabled);
    // Staff check what learners get, whatever the date or the activation.
    expect(downloadRefusal(course(behavior), 'staff', now)).toBeNull();
    expect(downloadRefusal(course(behavior, false), 'staff', now)).toBeNull();
  });

  it('falls back to the course end when end_with_date has no date', () => {
    expect(downloadRefusal({ ...course('end_with_date'), certificateAvailableAt: null }, 'learner', before)).toBe('This certificate will be available on 1 June 2026.');
    expect(downloadRefusal({ ...course('end_with_date'), certificateAvailableAt: null }, 'learner', between)).toBeNull();
  });

  it('becomes visible at the very moment, not the next day', () => {
    expect(notYetVisibleReason(course('end'), new Date(endAt.getTime() - 1))).toBe('This certificate will be available on 1 June 2026.');
    expect(notYetVisibleReason(course('end'), endAt)).toBeNull();
  });
});
