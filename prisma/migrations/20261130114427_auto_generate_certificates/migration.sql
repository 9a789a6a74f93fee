-- Instructor-paced courses no longer issue by themselves at course end (seed 002: "By default, the
-- instructor will decide when to generate the course certificates"). Existing courses get the
-- default too: from now on their instructor generates, or opts in with this setting.
-- AlterTable
ALTER TABLE "courses" ADD COLUMN     "auto_generate_certificates" BOOLEAN NOT NULL DEFAULT false;
