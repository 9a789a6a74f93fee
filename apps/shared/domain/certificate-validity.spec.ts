import { CERTIFICATE_STATUSES } from './enums';
import { GENERIC_REVOCATION_REASON, REQUIREMENTS_NO_LONGER_MET_REASON, isValidCertificate, revocationOf } from './certificate-validity';

describe('isValidCertificate', () => {
  it('accepts only an issued, downloadable certificate without an active invalidation', () => {
    for (const status of CERTIFICATE_STATUSES) {
      for (const hasCredential of [true, false]) {
        for (const activeInvalidation of [true, false]) {
          expect(isValidCertificate({ status, hasCredential, activeInvalidation })).toBe(status === 'downloadable' && hasCredential && !activeInvalidation);
        }
      }
    }
  });
});

describe('revocationOf', () => {
  const updatedAt = new Date('2026-03-01T00:00:00Z');
  const createdAt = new Date('2026-02-01T00:00:00Z');

  it('is null for a standing certificate', () => {
    expect(revocationOf({ status: 'downloadable', updatedAt, invalidation: null })).toBeNull();
  });

  it("gives the course team's public reason, or a generic one, from the invalidation date", () => {
    expect(revocationOf({ status: 'downloadable', updatedAt, invalidation: { createdAt, publicReason: 'Plagiarism' } })).toEqual({ cause: 'invalidated', revokedAt: createdAt, reason: 'Plagiarism' });
    expect(revocationOf({ status: 'notpassing', updatedAt, invalidation: { createdAt, publicReason: null } })).toEqual({ cause: 'invalidated', revokedAt: createdAt, reason: GENERIC_REVOCATION_REASON });
  });

  it('withdraws a certificate whose learner no longer stands, from its last change', () => {
    for (const status of CERTIFICATE_STATUSES.filter((s) => s !== 'downloadable')) {
      expect(revocationOf({ status, updatedAt, invalidation: null })).toEqual({ cause: 'requirements_no_longer_met', revokedAt: updatedAt, reason: REQUIREMENTS_NO_LONGER_MET_REASON });
    }
  });
});
