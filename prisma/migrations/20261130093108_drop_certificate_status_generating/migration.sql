-- The certificate status "generating" was never written: issuance stores each certificate's final
-- status in one step. It is dropped, so no code has to handle a state that cannot happen.
BEGIN;

-- A row carrying it could only have been written by hand: stop rather than guess what it meant.
-- These checks fail, naming the table and the value, when such a row exists. Then set those
-- certificates to 'error' (the course team can regenerate that group) and drop the value from the
-- tasks' groups, mark this migration rolled back (`prisma migrate resolve --rolled-back`) and deploy again.
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_status_is_never_generating" CHECK ("status"::text <> 'generating');
ALTER TABLE "generation_tasks" ADD CONSTRAINT "generation_tasks_groups_never_include_generating" CHECK (NOT ('generating' = ANY ("groups"::text[])));
ALTER TABLE "certificates" DROP CONSTRAINT "certificates_status_is_never_generating";
ALTER TABLE "generation_tasks" DROP CONSTRAINT "generation_tasks_groups_never_include_generating";

-- AlterEnum
CREATE TYPE "CertificateStatus_new" AS ENUM ('downloadable', 'notpassing', 'audit_passing', 'audit_notpassing', 'unavailable', 'error');
ALTER TABLE "certificates" ALTER COLUMN "status" TYPE "CertificateStatus_new" USING ("status"::text::"CertificateStatus_new");
ALTER TABLE "generation_tasks" ALTER COLUMN "groups" TYPE "CertificateStatus_new"[] USING ("groups"::text[]::"CertificateStatus_new"[]);
ALTER TYPE "CertificateStatus" RENAME TO "CertificateStatus_old";
ALTER TYPE "CertificateStatus_new" RENAME TO "CertificateStatus";
DROP TYPE "CertificateStatus_old";
COMMIT;
