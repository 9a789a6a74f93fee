-- Per-course counts that do not scan the course: enrollments, certificates by status, issued and
-- invalidated certificates, the exception list and the "certificate available" mail. Every
-- statement that writes enrollments, certificates, exceptions or invalidations appends what it
-- changed as delta rows to "course_counts" (statement-level triggers over transition tables), so
-- every writer, present or future, keeps the counts true in its own transaction. Writers only
-- insert: concurrent writers of one course never wait on a shared row. A course's counts are the
-- sums of its few rows, which readers fold into one row per counter from time to time.
--
-- Prisma's PostgreSQL adapter runs a migration statement by statement, split at every semicolon:
-- the function bodies are E'' strings that write each semicolon as \073, and quote their own
-- strings with dollar quotes.
BEGIN;

-- Nothing else writes while the counts are taken.
LOCK TABLE "enrollments", "certificates", "certificate_exceptions", "invalidations" IN SHARE MODE;

-- Whether the certificate has an active invalidation, kept by the triggers on invalidations below:
-- with it, everything a certificate adds to the counts is read from its own row.
ALTER TABLE "certificates" ADD COLUMN "invalidated" BOOLEAN NOT NULL DEFAULT false;
UPDATE "certificates" AS c SET "invalidated" = true
 WHERE EXISTS (SELECT 1 FROM "invalidations" i WHERE i."certificate_id" = c."id" AND i."active");

CREATE TABLE "course_counts" (
    "id" BIGSERIAL NOT NULL,
    "course_id" TEXT NOT NULL,
    "counter" TEXT NOT NULL,
    "delta" BIGINT NOT NULL,

    CONSTRAINT "course_counts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "course_counts_course_id_idx" ON "course_counts"("course_id");

-- The counters one certificate row adds 1 to. Valid is isValidCertificate (downloadable, signed,
-- no active invalidation), and pending and failed mail are counted for valid certificates only, sent
-- mail for every certificate.
CREATE FUNCTION certificate_counters(status TEXT, has_credential BOOLEAN, invalidated BOOLEAN, mail_sent BOOLEAN, mail_failed BOOLEAN)
RETURNS TEXT[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_remove(ARRAY[
    'certificates:' || status,
    CASE WHEN status = 'downloadable' AND has_credential THEN 'issued' END,
    CASE WHEN invalidated THEN 'invalidated' END,
    CASE WHEN mail_sent THEN 'mail_sent' END,
    CASE WHEN NOT mail_sent AND NOT mail_failed AND status = 'downloadable' AND has_credential AND NOT invalidated THEN 'mail_pending' END,
    CASE WHEN NOT mail_sent AND mail_failed AND status = 'downloadable' AND has_credential AND NOT invalidated THEN 'mail_failed' END
  ], NULL)
$$;

-- After each statement: the counters of the rows it wrote minus those of the rows it replaced or
-- deleted, one delta row per course and counter that changed. TG_ARGV[0] is the expression of a
-- row's counters over the alias r. Rows of a course being deleted are not counted.
CREATE FUNCTION record_course_counts() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  EXECUTE format($sql$
    INSERT INTO course_counts (course_id, counter, delta)
    SELECT g.course_id, k.counter, sum(g.n)
      FROM (SELECT c.course_id, c.counters, sum(c.sign) AS n FROM (%s) AS c GROUP BY c.course_id, c.counters) AS g
     CROSS JOIN LATERAL unnest(g.counters) AS k(counter)
     WHERE EXISTS (SELECT 1 FROM courses co WHERE co.id = g.course_id)
     GROUP BY g.course_id, k.counter
    HAVING sum(g.n) <> 0$sql$,
    CASE TG_OP
      WHEN $q$INSERT$q$ THEN format($q$SELECT r.course_id, %s AS counters, 1 AS sign FROM new_rows r$q$, TG_ARGV[0])
      WHEN $q$DELETE$q$ THEN format($q$SELECT r.course_id, %s AS counters, -1 AS sign FROM old_rows r$q$, TG_ARGV[0])
      ELSE format($q$SELECT r.course_id, %1$s AS counters, 1 AS sign FROM new_rows r UNION ALL SELECT r.course_id, %1$s, -1 FROM old_rows r$q$, TG_ARGV[0])
    END)\073
  RETURN NULL\073
END';

-- Transition tables allow one event per trigger: one trigger per event and table.
CREATE TRIGGER "enrollments_count_insert" AFTER INSERT ON "enrollments" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_course_counts('ARRAY[''enrollments'']');
CREATE TRIGGER "enrollments_count_delete" AFTER DELETE ON "enrollments" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_course_counts('ARRAY[''enrollments'']');

-- Grade updates are the bulk of enrollment writes and never change the count: no update trigger,
-- and an enrollment's course cannot change.
CREATE FUNCTION refuse_course_change() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''the course of a row of % cannot change'', TG_TABLE_NAME\073
END';
CREATE TRIGGER "enrollments_course_fixed" BEFORE UPDATE OF "course_id" ON "enrollments"
  FOR EACH ROW WHEN (OLD."course_id" IS DISTINCT FROM NEW."course_id") EXECUTE FUNCTION refuse_course_change();

CREATE TRIGGER "certificates_count_insert" AFTER INSERT ON "certificates" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_course_counts('certificate_counters(r.status::text, r.jws IS NOT NULL, r.invalidated, r.mail_sent_at IS NOT NULL, r.mail_failed_at IS NOT NULL)');
CREATE TRIGGER "certificates_count_update" AFTER UPDATE ON "certificates" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_course_counts('certificate_counters(r.status::text, r.jws IS NOT NULL, r.invalidated, r.mail_sent_at IS NOT NULL, r.mail_failed_at IS NOT NULL)');
CREATE TRIGGER "certificates_count_delete" AFTER DELETE ON "certificates" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_course_counts('certificate_counters(r.status::text, r.jws IS NOT NULL, r.invalidated, r.mail_sent_at IS NOT NULL, r.mail_failed_at IS NOT NULL)');

CREATE TRIGGER "certificate_exceptions_count_insert" AFTER INSERT ON "certificate_exceptions" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_course_counts('CASE WHEN r.active THEN ARRAY[''exceptions''] ELSE ARRAY[]::text[] END');
CREATE TRIGGER "certificate_exceptions_count_update" AFTER UPDATE ON "certificate_exceptions" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_course_counts('CASE WHEN r.active THEN ARRAY[''exceptions''] ELSE ARRAY[]::text[] END');
CREATE TRIGGER "certificate_exceptions_count_delete" AFTER DELETE ON "certificate_exceptions" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_course_counts('CASE WHEN r.active THEN ARRAY[''exceptions''] ELSE ARRAY[]::text[] END');

-- Before an invalidation of a certificate is opened, lifted or moved, the certificate row is locked
-- (until commit): every change of a certificate's invalidations and every write of the certificate
-- itself then happen one after the other, so "invalidated" and the counts derived from it follow
-- each one exactly, also when an instructor invalidates while a generation task rewrites the row.
CREATE FUNCTION lock_invalidated_certificate() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP <> $q$INSERT$q$ THEN
    PERFORM 1 FROM certificates WHERE id = OLD.certificate_id FOR NO KEY UPDATE\073
  END IF\073
  IF TG_OP <> $q$DELETE$q$ THEN
    PERFORM 1 FROM certificates WHERE id = NEW.certificate_id FOR NO KEY UPDATE\073
    RETURN NEW\073
  END IF\073
  RETURN OLD\073
END';
CREATE TRIGGER "invalidations_lock_certificate_insert" BEFORE INSERT ON "invalidations"
  FOR EACH ROW EXECUTE FUNCTION lock_invalidated_certificate();
CREATE TRIGGER "invalidations_lock_certificate_update" BEFORE UPDATE ON "invalidations"
  FOR EACH ROW WHEN (OLD."active" IS DISTINCT FROM NEW."active" OR OLD."certificate_id" IS DISTINCT FROM NEW."certificate_id")
  EXECUTE FUNCTION lock_invalidated_certificate();
CREATE TRIGGER "invalidations_lock_certificate_delete" BEFORE DELETE ON "invalidations"
  FOR EACH ROW EXECUTE FUNCTION lock_invalidated_certificate();

-- After each statement: the certificates whose invalidations it changed take their new state
-- (their own update then records the counts' deltas).
CREATE FUNCTION sync_certificate_invalidated() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  EXECUTE format($sql$
    UPDATE certificates AS c SET invalidated = s.now_invalidated
      FROM (SELECT t.id, EXISTS (SELECT 1 FROM invalidations i WHERE i.certificate_id = t.id AND i.active) AS now_invalidated
              FROM (SELECT DISTINCT certificate_id FROM (%s) AS x(certificate_id)) AS t(id)) AS s
     WHERE c.id = s.id AND c.invalidated IS DISTINCT FROM s.now_invalidated$sql$,
    CASE TG_OP
      WHEN $q$INSERT$q$ THEN $q$SELECT certificate_id FROM new_rows$q$
      WHEN $q$DELETE$q$ THEN $q$SELECT certificate_id FROM old_rows$q$
      ELSE $q$SELECT unnest(ARRAY[n.certificate_id, o.certificate_id]) FROM new_rows n JOIN old_rows o ON o.id = n.id
              WHERE o.active IS DISTINCT FROM n.active OR o.certificate_id IS DISTINCT FROM n.certificate_id$q$
    END)\073
  RETURN NULL\073
END';
CREATE TRIGGER "invalidations_sync_insert" AFTER INSERT ON "invalidations" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_certificate_invalidated();
CREATE TRIGGER "invalidations_sync_update" AFTER UPDATE ON "invalidations" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_certificate_invalidated();
CREATE TRIGGER "invalidations_sync_delete" AFTER DELETE ON "invalidations" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_certificate_invalidated();

-- A deleted course takes its counts with it (a course created again under its id starts at zero).
CREATE FUNCTION forget_course_counts() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  DELETE FROM course_counts WHERE course_id IN (SELECT id FROM old_rows)\073
  RETURN NULL\073
END';
CREATE TRIGGER "courses_forget_counts" AFTER DELETE ON "courses" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION forget_course_counts();

-- The counts of the existing data: one row per course and counter.
INSERT INTO "course_counts" ("course_id", "counter", "delta")
SELECT "course_id", 'enrollments', count(*) FROM "enrollments" GROUP BY "course_id"
UNION ALL
SELECT c."course_id", k.counter, count(*)
  FROM "certificates" c
 CROSS JOIN LATERAL unnest(certificate_counters(c."status"::text, c."jws" IS NOT NULL, c."invalidated", c."mail_sent_at" IS NOT NULL, c."mail_failed_at" IS NOT NULL)) AS k(counter)
 GROUP BY c."course_id", k.counter
UNION ALL
SELECT "course_id", 'exceptions', count(*) FROM "certificate_exceptions" WHERE "active" GROUP BY "course_id";

COMMIT;
