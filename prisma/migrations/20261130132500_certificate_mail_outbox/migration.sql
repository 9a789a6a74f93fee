-- The certificate mail outbox: a claim so two senders never take the same mail, and the
-- failures a relay gave, so the course team sees what did not go out.
ALTER TABLE "certificates" ADD COLUMN "mail_claimed_until" TIMESTAMP(3);
ALTER TABLE "certificates" ADD COLUMN "mail_claimed_by" TEXT;
ALTER TABLE "certificates" ADD COLUMN "mail_attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "certificates" ADD COLUMN "mail_failed_at" TIMESTAMP(3);
ALTER TABLE "certificates" ADD COLUMN "mail_error" TEXT;

-- Pending mail of a course is found without reading its sent certificates.
CREATE INDEX "certificates_mail_pending_idx" ON "certificates"("course_id", "learner_id") WHERE "mail_sent_at" IS NULL AND "mail_failed_at" IS NULL;
