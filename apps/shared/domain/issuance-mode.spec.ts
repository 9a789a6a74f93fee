import { PACINGS, type Pacing } from './enums';
import { issuanceMode, type IssuanceMode } from './issuance-mode';

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
