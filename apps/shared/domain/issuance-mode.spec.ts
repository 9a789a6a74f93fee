import { PACINGS, type Pacing } from './enums';
import { issuanceMode, issuesAtIntervals, type IssuanceMode } from './issuance-mode';

describe('issuanceMode', () => {
  it.each<[Pacing, boolean, IssuanceMode]>([
    ['self', false, 'on_demand'],
    ['self', true, 'on_demand'],
    ['instructor', false, 'bulk'],
    ['instructor', true, 'on_demand'],
  ])('pacing %s, learner-generated %s → %s', (pacing, learnerGeneratedEnabled, mode) => {
    expect(issuanceMode({ pacing, learnerGeneratedEnabled })).toBe(mode);
  });

  it('the table covers every pacing', () => {
    expect([...PACINGS].sort()).toEqual(['instructor', 'self']);
  });
});

describe('issuesAtIntervals', () => {
  it.each<[Pacing, boolean]>([
    ['self', true],
    ['instructor', false],
  ])('pacing %s → %s (seed 000: "at specific intervals for self-paced courses")', (pacing, expected) => {
    expect(issuesAtIntervals({ pacing })).toBe(expected);
  });
});
