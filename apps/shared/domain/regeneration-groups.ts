/**
 * The groups of learners an instructor may regenerate (seed 003, "Regenerate Certificates"):
 * - `downloadable`: "Learners who have already received certificates" (an invalidated one too:
 *   regeneration never touches it, it stays revoked);
 * - `notpassing`: "Learners who have not received certificates": every enrolled learner with no
 *   certificate yet, a failing one, or one withheld (`unavailable`: awaiting ID verification). The
 *   value is the one this API always had for the group (Open edX's), kept so that API clients and
 *   stored tasks keep working; it no longer means only "did not pass";
 * - `audit_passing`, `audit_notpassing`: "Learners with audit passing / not passing status";
 * - `error`: "Learners in an error state".
 * Every enrolled learner is in exactly one group. The standings repository selects them in SQL
 * from REGENERATION_GROUP_MEMBERS.
 */
import type { CertificateStatus } from './enums';

export const REGENERATION_GROUPS = ['downloadable', 'notpassing', 'audit_passing', 'audit_notpassing', 'error'] as const satisfies readonly CertificateStatus[];
export type RegenerationGroup = (typeof REGENERATION_GROUPS)[number];

/** The certificate statuses each group covers; null stands for a learner with no certificate row yet. */
export const REGENERATION_GROUP_MEMBERS: Record<RegenerationGroup, ReadonlyArray<CertificateStatus | null>> = {
  downloadable: ['downloadable'],
  notpassing: [null, 'notpassing', 'unavailable'],
  audit_passing: ['audit_passing'],
  audit_notpassing: ['audit_notpassing'],
  error: ['error'],
};

/** The one group a learner with this certificate status (null: none yet) belongs to. */
export function regenerationGroupOf(status: CertificateStatus | null): RegenerationGroup {
  return REGENERATION_GROUPS.find((group) => REGENERATION_GROUP_MEMBERS[group].includes(status))!;
}

/** What a selection of groups covers: the statuses, and whether learners without a certificate are in. */
export function regenerationSelection(groups: readonly RegenerationGroup[]): { statuses: CertificateStatus[]; withoutCertificate: boolean } {
  const members = [...new Set(groups.flatMap((group) => REGENERATION_GROUP_MEMBERS[group]))];
  return { statuses: members.filter((m): m is CertificateStatus => m !== null), withoutCertificate: members.includes(null) };
}
