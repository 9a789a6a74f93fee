-- CreateEnum
CREATE TYPE "DisplayBehavior" AS ENUM ('end', 'end_with_date', 'early_no_info', 'early_with_info');

-- CreateEnum
CREATE TYPE "GenerationKind" AS ENUM ('all_learners', 'regenerate', 'exceptions_missing', 'exceptions_all', 'regrade', 'single_learner');

-- CreateEnum
CREATE TYPE "GenerationState" AS ENUM ('queued', 'running', 'succeeded', 'failed');

-- AlterTable
ALTER TABLE "courses" ADD COLUMN     "certificate_available_at" TIMESTAMP(3),
ADD COLUMN     "certificates_active" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "display_behavior" "DisplayBehavior" NOT NULL DEFAULT 'early_no_info',
ADD COLUMN     "honor_eligible" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "id_verification_required" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "learner_generated_enabled" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "learners" ADD COLUMN     "id_verified" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "enrollments" ADD COLUMN     "pending_reevaluation" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "certificates" ADD COLUMN     "error_reason" TEXT,
ADD COLUMN     "task_id" UUID;

-- CreateTable
CREATE TABLE "lessons" (
    "id" TEXT NOT NULL,
    "course_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "required" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "lessons_pkey" PRIMARY KEY ("course_id","id")
);

-- CreateTable
CREATE TABLE "lesson_completions" (
    "course_id" TEXT NOT NULL,
    "learner_id" TEXT NOT NULL,
    "lesson_id" TEXT NOT NULL,
    "completed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lesson_completions_pkey" PRIMARY KEY ("course_id","learner_id","lesson_id")
);

-- CreateTable
CREATE TABLE "certificate_exceptions" (
    "course_id" TEXT NOT NULL,
    "learner_id" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "granted_by" TEXT NOT NULL,
    "granted_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "removed_by" TEXT,
    "removed_at" TIMESTAMP(3),

    CONSTRAINT "certificate_exceptions_pkey" PRIMARY KEY ("course_id","learner_id")
);

-- CreateTable
CREATE TABLE "generation_tasks" (
    "id" UUID NOT NULL,
    "course_id" TEXT NOT NULL,
    "kind" "GenerationKind" NOT NULL,
    "groups" "CertificateStatus"[],
    "learner_id" TEXT,
    "requested_by" TEXT NOT NULL,
    "requested_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "state" "GenerationState" NOT NULL DEFAULT 'queued',
    "total" INTEGER,
    "done" INTEGER NOT NULL DEFAULT 0,
    "issued" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "workflow_id" TEXT,
    "run_id" TEXT,
    "error" TEXT,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "retry_of" UUID,

    CONSTRAINT "generation_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "lesson_completions_course_id_lesson_id_idx" ON "lesson_completions"("course_id", "lesson_id");

-- CreateIndex
CREATE INDEX "generation_tasks_course_id_requested_at_idx" ON "generation_tasks"("course_id", "requested_at");

-- CreateIndex
CREATE INDEX "certificates_task_id_idx" ON "certificates"("task_id");

-- AddForeignKey
ALTER TABLE "lessons" ADD CONSTRAINT "lessons_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lesson_completions" ADD CONSTRAINT "lesson_completions_course_id_lesson_id_fkey" FOREIGN KEY ("course_id", "lesson_id") REFERENCES "lessons"("course_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lesson_completions" ADD CONSTRAINT "lesson_completions_course_id_learner_id_fkey" FOREIGN KEY ("course_id", "learner_id") REFERENCES "enrollments"("course_id", "learner_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificate_exceptions" ADD CONSTRAINT "certificate_exceptions_course_id_learner_id_fkey" FOREIGN KEY ("course_id", "learner_id") REFERENCES "enrollments"("course_id", "learner_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generation_tasks" ADD CONSTRAINT "generation_tasks_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;
