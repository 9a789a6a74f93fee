import { courseCountsFrom } from './course-counts';
import { CERTIFICATE_STATUSES } from './enums';

describe('courseCountsFrom', () => {
  it('is all zeros for a course without rows', () => {
    expect(courseCountsFrom([])).toEqual({
      enrollments: 0,
      certificates: {},
      issued: 0,
      invalidated: 0,
      exceptions: 0,
      certificateMail: { sent: 0, pending: 0, failed: 0 },
    });
  });

  it('reads every counter into its place', () => {
    const counts = courseCountsFrom([
      { counter: 'enrollments', total: 12 },
      { counter: 'certificates:downloadable', total: 7 },
      { counter: 'certificates:notpassing', total: 3 },
      { counter: 'issued', total: 6 },
      { counter: 'invalidated', total: 2 },
      { counter: 'exceptions', total: 1 },
      { counter: 'mail_sent', total: 4 },
      { counter: 'mail_pending', total: 1 },
      { counter: 'mail_failed', total: 1 },
    ]);
    expect(counts).toEqual({
      enrollments: 12,
      certificates: { downloadable: 7, notpassing: 3 },
      issued: 6,
      invalidated: 2,
      exceptions: 1,
      certificateMail: { sent: 4, pending: 1, failed: 1 },
    });
  });

  it('leaves out a status whose certificates all moved on, as a status no certificate has', () => {
    const counts = courseCountsFrom([
      { counter: 'certificates:error', total: 0 },
      { counter: 'certificates:downloadable', total: 2 },
    ]);
    expect(counts.certificates).toEqual({ downloadable: 2 });
  });

  it('knows every certificate status and ignores counters it does not know', () => {
    const counts = courseCountsFrom([...CERTIFICATE_STATUSES.map((status, i) => ({ counter: `certificates:${status}`, total: i + 1 })), { counter: 'certificates:generating', total: 9 }, { counter: 'something_else', total: 5 }]);
    expect(Object.keys(counts.certificates)).toEqual([...CERTIFICATE_STATUSES]);
    expect(Object.values(counts.certificates)).toEqual(CERTIFICATE_STATUSES.map((_, i) => i + 1));
  });
});
