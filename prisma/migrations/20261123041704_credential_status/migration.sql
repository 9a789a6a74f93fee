-- AlterTable
ALTER TABLE "courses" ADD COLUMN     "certificate_shows_grade" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "certificates" ADD COLUMN     "status_index" INTEGER,
ADD COLUMN     "status_list" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "certificates_status_list_status_index_key" ON "certificates"("status_list", "status_index");

-- Status list positions are handed out from one sequence and scrambled into the list (see
-- activities/issuance/status-list.ts), so every certificate ever issued has its own bit.
CREATE SEQUENCE "certificate_status_seq" AS BIGINT START WITH 0 MINVALUE 0;
