import { PACINGS, type Pacing } from './enums';
import { issuanceMode, issuesAtIntervals, learnerGeneratedByDefault, learnersMayRequest, type IssuanceMode } from './issuance-mode';

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

describe('learnersMayRequest', () => {
  it.each<[Pacing, boolean, boolean]>([
    ['self', true, true],
    ['self', false, false],
    ['instructor', true, true],
    ['instructor', false, false],
  ])('pacing %s, learner-generated %s → %s (seed 000: "To prevent learners from requesting certificates, select Disable")', (pacing, learnerGeneratedEnabled, expected) => {
    const course = { pacing, learnerGeneratedEnabled };
    expect(learnersMayRequest(course)).toBe(expected);
  });
});

describe('learnerGeneratedByDefault', () => {
  it.each<[Pacing, boolean]>([
    ['self', true],
    ['instructor', false],
  ])('pacing %s → %s (seed 001: self-paced "more convenient"; seed 002: instructor-paced "by default, the instructor will decide")', (pacing, expected) => {
    expect(learnerGeneratedByDefault(pacing)).toBe(expected);
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
