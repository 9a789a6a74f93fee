-- AlterTable
ALTER TABLE "courses" ADD COLUMN     "certificate_mail_cc" TEXT;

-- AlterTable
ALTER TABLE "certificates" ADD COLUMN     "mail_sent_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "course_messages" (
    "id" UUID NOT NULL,
    "course_id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sent_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recipients" INTEGER,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "course_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "course_messages_course_id_idx" ON "course_messages"("course_id");

-- AddForeignKey
ALTER TABLE "course_messages" ADD CONSTRAINT "course_messages_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;
