-- Self-paced courses let learners request their certificates unless the course team disables it
-- (seed 001: "In self paced courses, it is more convenient to configure the course to enable
-- learners to self generate their certificates"). The setting used to be ignored in self-paced
-- courses, where learners could always request, so existing self-paced courses keep that behaviour.
-- New courses get the default from the API (learnerGeneratedByDefault), not from the column.
UPDATE "courses" SET "learner_generated_enabled" = true WHERE "pacing" = 'self';
