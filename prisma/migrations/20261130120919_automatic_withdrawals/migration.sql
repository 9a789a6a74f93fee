-- A certificate withdrawn by a change of standing (a regrade, a new passing grade, a lesson made
-- required) is recorded as an invalidation made by the system: `automatic` tells it from one the
-- course team made (only automatic ones are lifted when the learner qualifies again), and
-- `learner_mailed_at` marks the "your certificate was withdrawn" mail as sent, so nobody gets it twice.
-- AlterTable
ALTER TABLE "invalidations" ADD COLUMN     "automatic" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "learner_mailed_at" TIMESTAMP(3);
