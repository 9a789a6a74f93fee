-- (course_id, status) is the prefix of (course_id, status, learner_id), which serves every query it
-- served: one index fewer to write for each certificate issued.
DROP INDEX IF EXISTS "certificates_course_id_status_idx";
