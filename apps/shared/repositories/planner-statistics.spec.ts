import { statisticsAreStale } from './planner-statistics.repository';

describe('planner statistics', () => {
  it('are stale once half the rows changed since the last ANALYZE, and never for fewer than 1,000 changes', () => {
    expect(statisticsAreStale({ modifiedSinceAnalyze: 999, liveRows: 0 })).toBe(false);
    expect(statisticsAreStale({ modifiedSinceAnalyze: 1000, liveRows: 0 })).toBe(true);
    expect(statisticsAreStale({ modifiedSinceAnalyze: 1000, liveRows: 1500 })).toBe(true);
    expect(statisticsAreStale({ modifiedSinceAnalyze: 49_999, liveRows: 100_000 })).toBe(false);
    expect(statisticsAreStale({ modifiedSinceAnalyze: 50_000, liveRows: 100_000 })).toBe(true);
    // A regeneration rewrites 800,000 of 1,000,000 certificates.
    expect(statisticsAreStale({ modifiedSinceAnalyze: 800_000, liveRows: 1_000_000 })).toBe(true);
  });
});
