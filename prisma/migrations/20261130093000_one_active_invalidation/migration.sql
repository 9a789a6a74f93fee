-- A certificate has at most one active invalidation. Prisma's schema language cannot express a
-- partial unique index, so this one lives here only (see the comment on model Invalidation).

-- Concurrent requests could once leave two active invalidations on one certificate: the newest
-- stays active, the older ones are closed. They are not reinstatements (the certificate stays
-- revoked), so no one is recorded as having reinstated them.
UPDATE "invalidations" AS "older"
   SET "active" = false
 WHERE "older"."active"
   AND EXISTS (
         SELECT 1
           FROM "invalidations" AS "newer"
          WHERE "newer"."certificate_id" = "older"."certificate_id"
            AND "newer"."active"
            AND ("newer"."created_at", "newer"."id") > ("older"."created_at", "older"."id")
       );

-- CreateIndex
CREATE UNIQUE INDEX "invalidations_one_active_per_certificate" ON "invalidations"("certificate_id") WHERE "active";
