-- Instructors may cancel a queued or running generation task: it ends as cancelled, keeping the
-- counts of the certificates it had issued.
ALTER TYPE "GenerationState" ADD VALUE IF NOT EXISTS 'cancelled';
