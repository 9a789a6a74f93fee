import { CERTIFICATE_STATUSES, type CertificateStatus } from './enums';
import { REGENERATION_GROUP_MEMBERS, REGENERATION_GROUPS, regenerationGroupOf, regenerationSelection } from './regeneration-groups';

describe('regeneration groups (seed 003: the five groups of "Regenerate Certificates")', () => {
  it('are exactly the five groups of the seed', () => {
    expect(REGENERATION_GROUPS).toEqual(['downloadable', 'notpassing', 'audit_passing', 'audit_notpassing', 'error']);
  });

  // Every enrolled learner, whatever their certificate (or none), is in exactly one group.
  it.each([
    [null, 'notpassing'],
    ['downloadable', 'downloadable'],
    ['notpassing', 'notpassing'],
    ['unavailable', 'notpassing'],
    ['audit_passing', 'audit_passing'],
    ['audit_notpassing', 'audit_notpassing'],
    ['error', 'error'],
  ] as const)('a learner whose certificate is %s is in %s, and in no other group', (status, group) => {
    expect(regenerationGroupOf(status)).toBe(group);
    expect(REGENERATION_GROUPS.filter((g) => REGENERATION_GROUP_MEMBERS[g].includes(status))).toEqual([group]);
  });

  it('covers every certificate status the schema knows', () => {
    const covered = REGENERATION_GROUPS.flatMap((g) => REGENERATION_GROUP_MEMBERS[g]).filter((s): s is CertificateStatus => s !== null);
    expect([...covered].sort()).toEqual([...CERTIFICATE_STATUSES].sort());
  });

  it('turns chosen groups into statuses and "no certificate yet"', () => {
    expect(regenerationSelection(['downloadable'])).toEqual({ statuses: ['downloadable'], withoutCertificate: false });
    expect(regenerationSelection(['notpassing'])).toEqual({ statuses: ['notpassing', 'unavailable'], withoutCertificate: true });
    expect(regenerationSelection(['error', 'audit_passing'])).toEqual({ statuses: ['error', 'audit_passing'], withoutCertificate: false });
    expect(regenerationSelection([])).toEqual({ statuses: [], withoutCertificate: false });
  });
});
