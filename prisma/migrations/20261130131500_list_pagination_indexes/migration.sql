-- Keyset pages of a course's certificates filtered by status, in username order
CREATE INDEX "certificates_course_id_status_learner_id_idx" ON "certificates"("course_id", "status", "learner_id");

-- Keyset pages of a course's exception list, in the order learners were added
CREATE INDEX "certificate_exceptions_course_id_active_granted_at_learner_id_idx" ON "certificate_exceptions"("course_id", "active", "granted_at", "learner_id");

-- Case-insensitive prefix search of certificates by username or email (LIKE 'prefix%' on lower(...))
CREATE INDEX "learners_lower_id_pattern_idx" ON "learners"(lower("id") text_pattern_ops);
CREATE INDEX "learners_lower_email_pattern_idx" ON "learners"(lower("email") text_pattern_ops);
