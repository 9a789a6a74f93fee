import { randomUUID } from 'node:crypto';
import { loadConfig } from '../apps/shared/config';
import { activeInvalidationOf, hasActiveInvalidationSql, isValidCertificateSql, validCertificateWhere } from '../apps/shared/certificate-validity.sql';
import { createDatabase, type Database } from '../apps/shared/database';
import { isValidCertificate, revocationOf } from '../apps/shared/domain/certificate-validity';
import { CERTIFICATE_STATUSES, type CertificateStatus } from '../apps/shared/domain/enums';
import { Prisma } from '../prisma/generated/client';
import { uniqueCourseId } from './helpers/service';

type InvalidationHistory = 'none' | 'active' | 'reinstated' | 'reinstated_then_active';
const HISTORIES: InvalidationHistory[] = ['none', 'active', 'reinstated', 'reinstated_then_active'];

interface Case {
  learnerId: string;
  status: CertificateStatus;
  hasCredential: boolean;
  history: InvalidationHistory;
}

/**
 * The rule "a valid certificate" exists once in TypeScript and once for queries (SQL fragments and
 * a Prisma filter). Every combination of status, credential and invalidation history is written
 * to the real database, and each query form must pick exactly the rows the predicate accepts.
 */
describe('certificate validity: SQL, Prisma and TypeScript agree', () => {
  let db: Database;
  const courseId = uniqueCourseId('Validity');
  const cases: Case[] = CERTIFICATE_STATUSES.flatMap((status) =>
    [true, false].flatMap((hasCredential) => HISTORIES.map((history) => ({ learnerId: `${status}-${hasCredential ? 'jws' : 'nojws'}-${history}-${randomUUID().slice(0, 4)}`, status, hasCredential, history }))),
  );
  const ids = new Map<string, string>();
  const expectedValid = (c: Case) => isValidCertificate({ status: c.status, hasCredential: c.hasCredential, activeInvalidation: c.history === 'active' || c.history === 'reinstated_then_active' });

  beforeAll(async () => {
    db = createDatabase(loadConfig().database.url, 2);
    await db.course.create({ data: { id: courseId, title: 'Validity', pacing: 'self', startAt: new Date(), endAt: new Date(), certificatesActive: true, passingGrade: 0.5 } });
    await db.learner.createMany({ data: cases.map((c) => ({ id: c.learnerId, email: `${c.learnerId}@example.org`, name: c.learnerId })) });
    for (const c of cases) {
      const certificate = await db.certificate.create({
        data: { courseId, learnerId: c.learnerId, status: c.status, jws: c.hasCredential ? `header.${c.learnerId}.signature` : null, issuedAt: c.hasCredential ? new Date() : null },
      });
      ids.set(certificate.id, c.learnerId);
      const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
      if (c.history === 'reinstated' || c.history === 'reinstated_then_active') {
        await db.invalidation.create({
          data: { certificateId: certificate.id, notes: 'old', publicReason: 'reinstated reason', invalidatedBy: 'staff', createdAt: at(0), active: false, reinstatedBy: 'staff', reinstatedAt: at(1) },
        });
      }
      if (c.history === 'active' || c.history === 'reinstated_then_active') {
        await db.invalidation.create({ data: { certificateId: certificate.id, notes: 'now', publicReason: 'active reason', invalidatedBy: 'staff', createdAt: at(2) } });
      }
    }
  });
  afterAll(async () => {
    await db?.course.delete({ where: { id: courseId } }).catch(() => undefined);
    await db?.$disconnect();
  });

  it('covers every status, with and without a credential, and each invalidation history', () => {
    expect(cases).toHaveLength(CERTIFICATE_STATUSES.length * 2 * HISTORIES.length);
    // The table is not one-sided: some rows are valid and most are not.
    expect(cases.filter(expectedValid).length).toBe(2);
  });

  it('the SQL fragments decide every row as the TypeScript predicate does', async () => {
    const rows = await db.$queryRaw<Array<{ id: string; valid: boolean; invalidated: boolean }>>`
      SELECT c.id::text AS id, ${isValidCertificateSql('c')} AS valid, ${hasActiveInvalidationSql('c')} AS invalidated
        FROM certificates c WHERE c.course_id = ${courseId}`;
    expect(rows).toHaveLength(cases.length);
    const byLearner = new Map(cases.map((c) => [c.learnerId, c]));
    const disagreements = rows.flatMap((row) => {
      const c = byLearner.get(ids.get(row.id)!)!;
      const activeInvalidation = c.history === 'active' || c.history === 'reinstated_then_active';
      return row.valid !== expectedValid(c) || row.invalidated !== activeInvalidation ? [{ ...c, sql: row }] : [];
    });
    expect(disagreements).toEqual([]);
  });

  it('the Prisma filter selects exactly the valid certificates', async () => {
    const selected = await db.certificate.findMany({ where: { courseId, ...validCertificateWhere }, select: { learnerId: true } });
    expect(selected.map((s) => s.learnerId).sort()).toEqual(cases.filter(expectedValid).map((c) => c.learnerId).sort());
  });

  it('the active invalidation found in SQL gives the revocation reason the domain decides', async () => {
    const rows = await db.$queryRaw<Array<{ id: string; status: CertificateStatus; updatedAt: Date; createdAt: Date | null; publicReason: string | null }>>`
      SELECT c.id::text AS id, c.status::text AS status, c.updated_at AS "updatedAt", i.created_at AS "createdAt", i.public_reason AS "publicReason"
        FROM certificates c
        LEFT JOIN LATERAL (SELECT created_at, public_reason FROM invalidations i WHERE ${activeInvalidationOf('c', 'i')} ORDER BY created_at DESC LIMIT 1) i ON TRUE
       WHERE c.course_id = ${courseId} AND c.jws IS NOT NULL`;
    const byLearner = new Map(cases.map((c) => [c.learnerId, c]));
    for (const row of rows) {
      const c = byLearner.get(ids.get(row.id)!)!;
      const revocation = revocationOf({ status: row.status, updatedAt: row.updatedAt, invalidation: row.createdAt ? { createdAt: row.createdAt, publicReason: row.publicReason } : null });
      // Revoked exactly when an issued certificate is not valid; a reinstated invalidation never speaks.
      expect({ learner: c.learnerId, revoked: revocation !== null }).toEqual({ learner: c.learnerId, revoked: !expectedValid(c) });
      if (c.history === 'active' || c.history === 'reinstated_then_active') expect(revocation).toMatchObject({ cause: 'invalidated', reason: 'active reason' });
      else if (revocation) expect(revocation.cause).toBe('requirements_no_longer_met');
    }
    expect(rows).toHaveLength(cases.length / 2);
  });

  it('refuses anything but a table alias', () => {
    expect(() => isValidCertificateSql('c; DROP TABLE certificates')).toThrow('not a table alias');
    expect(Prisma.sql`${isValidCertificateSql('cert')}`.values).toEqual([]);
  });
});
