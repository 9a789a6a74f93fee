/**
 * The rules of domain/certificate-validity.ts for queries: SQL fragments for raw queries and Prisma
 * filters for the query builder. test/certificate-validity.test.ts runs them over a table of
 * certificates and fails when either disagrees with the TypeScript predicate.
 */
import { Prisma } from '../../prisma/generated/client';

const ALIAS = /^[a-z_][a-z0-9_]*$/;

function alias(name: string): Prisma.Sql {
  // Aliases are written by us, never taken from a request; refuse anything that is not one.
  if (!ALIAS.test(name)) throw new Error(`not a table alias: ${name}`);
  return Prisma.raw(name);
}

/** The invalidation row `invalidation` is the active one of the certificate row `certificate`. */
export function activeInvalidationOf(certificate: string, invalidation: string): Prisma.Sql {
  return Prisma.sql`${alias(invalidation)}.certificate_id = ${alias(certificate)}.id AND ${alias(invalidation)}.active`;
}

/** The certificate row `certificate` has an active invalidation. */
export function hasActiveInvalidationSql(certificate: string): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM invalidations inv WHERE ${activeInvalidationOf(certificate, 'inv')})`;
}

/** The certificate row `certificate` is valid (isValidCertificate). */
export function isValidCertificateSql(certificate: string): Prisma.Sql {
  const c = alias(certificate);
  return Prisma.sql`(${c}.status = 'downloadable' AND ${c}.jws IS NOT NULL AND NOT ${hasActiveInvalidationSql(certificate)})`;
}

/** Prisma filter on a certificate's invalidations: the active one. */
export const activeInvalidationWhere = { active: true } satisfies Prisma.InvalidationWhereInput;

/** Prisma filter for valid certificates (isValidCertificate). */
export const validCertificateWhere = {
  status: 'downloadable',
  jws: { not: null },
  invalidations: { none: activeInvalidationWhere },
} satisfies Prisma.CertificateWhereInput;
