-- AlterTable
ALTER TABLE "courses" ADD COLUMN     "certificate_template" JSONB;
