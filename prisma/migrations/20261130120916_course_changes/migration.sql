-- Settings, activation and template changes of a course, with who made them and when (issue 11,
-- point 9). Written in the same transaction as the change itself.
-- CreateTable
CREATE TABLE "course_changes" (
    "id" SERIAL NOT NULL,
    "course_id" TEXT NOT NULL,
    "what" TEXT NOT NULL,
    "changed_by" TEXT NOT NULL,
    "changed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fields" JSONB NOT NULL,

    CONSTRAINT "course_changes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "course_changes_what_check" CHECK ("what" IN ('settings', 'activation', 'template'))
);

-- CreateIndex
CREATE INDEX "course_changes_course_id_id_idx" ON "course_changes"("course_id", "id");

-- CreateIndex
CREATE INDEX "course_changes_course_id_what_changed_at_idx" ON "course_changes"("course_id", "what", "changed_at");

-- AddForeignKey
ALTER TABLE "course_changes" ADD CONSTRAINT "course_changes_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;
