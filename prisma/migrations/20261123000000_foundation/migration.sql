-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Pacing" AS ENUM ('self', 'instructor');

-- CreateEnum
CREATE TYPE "EnrollmentMode" AS ENUM ('audit', 'honor', 'verified', 'professional', 'no_id_professional', 'masters', 'executive_education');

-- CreateEnum
CREATE TYPE "CertificateStatus" AS ENUM ('downloadable', 'notpassing', 'audit_passing', 'audit_notpassing', 'unavailable', 'error', 'generating');

-- CreateTable
CREATE TABLE "courses" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "pacing" "Pacing" NOT NULL,
    "start_at" TIMESTAMP(3) NOT NULL,
    "end_at" TIMESTAMP(3) NOT NULL,
    "passing_grade" DECIMAL(5,4) NOT NULL,
    "grades_finalized_at" TIMESTAMP(3),
    "certificates_generated_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "courses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "learners" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "learners_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "enrollments" (
    "course_id" TEXT NOT NULL,
    "learner_id" TEXT NOT NULL,
    "mode" "EnrollmentMode" NOT NULL,
    "grade" DECIMAL(5,4),
    "final_grade" DECIMAL(5,4),
    "enrolled_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "enrollments_pkey" PRIMARY KEY ("course_id","learner_id")
);

-- CreateTable
CREATE TABLE "certificates" (
    "id" UUID NOT NULL,
    "course_id" TEXT NOT NULL,
    "learner_id" TEXT NOT NULL,
    "status" "CertificateStatus" NOT NULL,
    "grade" DECIMAL(5,4),
    "jws" TEXT,
    "key_id" TEXT,
    "issued_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "certificates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invalidations" (
    "id" UUID NOT NULL,
    "certificate_id" UUID NOT NULL,
    "notes" TEXT NOT NULL,
    "invalidated_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "reinstated_by" TEXT,
    "reinstated_at" TIMESTAMP(3),

    CONSTRAINT "invalidations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "learners_email_key" ON "learners"("email");

-- CreateIndex
CREATE INDEX "certificates_course_id_status_idx" ON "certificates"("course_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "certificates_course_id_learner_id_key" ON "certificates"("course_id", "learner_id");

-- CreateIndex
CREATE INDEX "invalidations_certificate_id_active_idx" ON "invalidations"("certificate_id", "active");

-- AddForeignKey
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_learner_id_fkey" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_learner_id_fkey" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invalidations" ADD CONSTRAINT "invalidations_certificate_id_fkey" FOREIGN KEY ("certificate_id") REFERENCES "certificates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

