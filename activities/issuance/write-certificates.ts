import { randomUUID } from 'node:crypto';
import { buildAchievementCredential } from '../../apps/shared/credentials/achievement-credential';
import { signCredential } from '../../apps/shared/credentials/sign-credential';
import { statusPosition, type StatusPosition } from '../../apps/shared/credentials/status-list';
import { isWithdrawal, WITHDRAWAL_PUBLIC_REASON, withdrawalNotes } from '../../apps/shared/domain/certificate-withdrawal';
import { eligibilityOf, type CourseFacts, type LearnerStanding } from '../../apps/shared/domain/learner-standing';
import type { CertificateWrite, IssuanceRepository, Withdrawal } from '../../apps/shared/repositories/issuance.repository';
import type { WrittenCertificate } from '../../workflows/definitions';
import type { ActivityDeps } from '../deps';

export interface WriteOptions {
  taskId: string | null;
  /** Re-sign certificates that are already downloadable (instructor regeneration). */
  resign: boolean;
  /** Who asked for this re-evaluation (the task's requester), recorded on a withdrawal; null: the system. */
  requestedBy?: string | null;
}

/** The row to record, and what to tell the learner. */
interface Outcome extends CertificateWrite {
  reason: string;
  message: string;
}

export type WriteDeps = Pick<ActivityDeps, 'keys' | 'issuer'> & { issuance: IssuanceRepository };

/** Eligible and not already holding a credential we keep: a credential must be signed. */
function needsSignature(course: CourseFacts, standing: LearnerStanding, resign: boolean): boolean {
  const decision = eligibilityOf(course, standing);
  return decision.eligible && !(standing.certificateStatus === 'downloadable' && standing.hasCredential && !resign);
}

async function decide(
  deps: WriteDeps,
  course: CourseFacts,
  standing: LearnerStanding,
  certificateId: string,
  resign: boolean,
  issuedAt: Date,
  position: StatusPosition | null,
): Promise<Outcome> {
  const decision = eligibilityOf(course, standing);
  const base = { learnerId: standing.learnerId, certificateId, grade: standing.grade, reason: decision.reason, message: decision.message, position };
  const none = { jws: null, keyId: null, issuedAt: null, errorReason: null };
  try {
    if (!decision.eligible) return { ...base, ...none, position: null, status: decision.status };
    if (!needsSignature(course, standing, resign)) return { ...base, ...none, position: null, status: 'downloadable' };
    const credential = buildAchievementCredential({
      certificateId,
      publicUrl: deps.issuer.publicUrl,
      issuerName: deps.issuer.name,
      issuerDidWeb: deps.issuer.didWeb,
      course: { id: course.id, title: course.title, passingGrade: course.passingGrade },
      learner: { id: standing.learnerId, name: standing.name, email: standing.email },
      issuedAt,
      grade: course.showsGrade ? standing.grade : undefined,
      status: position ?? undefined,
    });
    const jws = await signCredential(credential, deps.keys.active, { format: deps.issuer.format });
    return { ...base, status: 'downloadable', jws, keyId: deps.keys.active.kid, issuedAt, errorReason: null };
  } catch (error) {
    // One learner's failure must not stop the batch: it lands in error, visible and retryable.
    const errorReason = error instanceof Error ? error.message : String(error);
    return { ...base, ...none, position: null, status: 'error', errorReason, message: errorReason };
  }
}

/** Fresh Bitstring Status List positions, one per certificate that has none yet. */
async function allocatePositions(issuance: IssuanceRepository, count: number): Promise<StatusPosition[]> {
  const sequence = await issuance.nextStatusSequence(count);
  return sequence.map((n) => statusPosition(n));
}

/**
 * Learners whose certificate a re-evaluation withdrew automatically, and who qualify again: the
 * withdrawal is lifted and they are decided like everyone else. An invalidation made by the course
 * team is never lifted here.
 */
async function liftRequalified(issuance: IssuanceRepository, course: CourseFacts, standings: LearnerStanding[]): Promise<LearnerStanding[]> {
  const candidates = standings.filter((s) => s.invalidated && s.certificateId !== null && eligibilityOf(course, { ...s, invalidated: false }).eligible);
  const lifted = await issuance.liftAutomaticWithdrawals(course.id, candidates.map((s) => s.certificateId!));
  return standings.map((s) => (s.certificateId !== null && lifted.has(s.certificateId) ? { ...s, invalidated: false } : s));
}

/** The automatic invalidations of the certificates this batch takes away, with their reasons. */
function withdrawalsOf(course: CourseFacts, outcomes: Outcome[], previous: Map<string, LearnerStanding>, requestedBy: string | null): Withdrawal[] {
  return outcomes.flatMap((o) => {
    const before = previous.get(o.learnerId)!;
    const decision = eligibilityOf(course, before);
    if (!isWithdrawal(before.certificateStatus, decision)) return [];
    const notes = withdrawalNotes(decision, {
      grade: before.grade,
      passingGrade: course.passingGrade,
      requiredLessons: { total: course.requiredLessons, completed: before.requiredDone },
      requestedBy,
    });
    return [{ certificateId: o.certificateId, notes, publicReason: WITHDRAWAL_PUBLIC_REASON, invalidatedBy: requestedBy ?? 'system' }];
  });
}

/**
 * Decides and records the certificates of a batch of learners. Idempotent, and safe beside
 * another writer for the same learner (an on-demand request during a bulk run): a credential is
 * always signed for the public id stored in the database, and a learner who got a row meanwhile
 * is re-decided against that row. Invalidated certificates are never touched, except automatic
 * withdrawals of learners who qualify again, which are lifted. A certificate this batch takes away
 * is recorded as an automatic invalidation, in the same transaction as its new status.
 */
export async function writeCertificates(deps: WriteDeps, course: CourseFacts, given: LearnerStanding[], options: WriteOptions): Promise<WrittenCertificate[]> {
  const { issuance } = deps;
  const issuedAt = new Date();
  const standings = await liftRequalified(issuance, course, given);
  const live = standings.filter((s) => !s.invalidated);
  // A certificate keeps its status list position for life; new ones get the next free position.
  const needing = live.filter((s) => s.statusIndex === null && needsSignature(course, s, options.resign));
  const freshPositions = await allocatePositions(issuance, needing.length);
  const positionOf = new Map<string, StatusPosition>(needing.map((s, i) => [s.learnerId, freshPositions[i]]));
  const position = (s: LearnerStanding): StatusPosition | null =>
    s.statusIndex !== null && s.statusList !== null ? { list: s.statusList, index: s.statusIndex } : (positionOf.get(s.learnerId) ?? null);
  const outcomes = await Promise.all(
    live.map((s) => decide(deps, course, s, s.certificateId ?? randomUUID(), options.resign, issuedAt, position(s))),
  );
  const fresh = outcomes.filter((o, i) => live[i].certificateId === null);
  const existing = outcomes.filter((o, i) => live[i].certificateId !== null);
  const previous = new Map(live.map((s) => [s.learnerId, s]));
  const lost = await issuance.insertNew(course.id, options.taskId, fresh);
  if (lost.size) {
    const rows = await issuance.findStoredCertificates(course.id, [...lost]);
    for (const row of rows) {
      const standing = live.find((s) => s.learnerId === row.learnerId)!;
      const current = { ...standing, certificateId: row.certificateId, certificateStatus: row.status, hasCredential: row.hasCredential, statusList: row.statusList, statusIndex: row.statusIndex };
      previous.set(row.learnerId, current);
      const redo = await decide(deps, course, current, row.certificateId, options.resign, issuedAt, position(current) ?? positionOf.get(row.learnerId) ?? null);
      const index = outcomes.findIndex((o) => o.learnerId === row.learnerId);
      outcomes[index] = redo;
      existing.push(redo);
    }
  }
  await issuance.updateExisting(course.id, options.taskId, existing, withdrawalsOf(course, existing, previous, options.requestedBy ?? null));
  // Only the marks read with the standings: a mark made since is for a change not decided here.
  await issuance.clearPendingReevaluation(course.id, live.filter((s) => s.pendingReevaluation !== false).map((s) => s.learnerId));
  const written = outcomes.map((o) => ({ learnerId: o.learnerId, certificateId: o.certificateId, status: o.status, reason: o.reason, message: o.message }));
  for (const s of standings.filter((x) => x.invalidated)) {
    written.push({ learnerId: s.learnerId, certificateId: s.certificateId!, status: s.certificateStatus ?? 'unavailable', reason: 'invalidated', message: 'This certificate has been invalidated by the course team.' });
  }
  return written;
}
