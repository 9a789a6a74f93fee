-- Seed 002: a course's certificates are enabled by the course team after checking the completion
-- rule and the grade range, so new courses start with them off. Existing courses keep their setting.
ALTER TABLE "courses" ALTER COLUMN "certificates_active" SET DEFAULT false;
