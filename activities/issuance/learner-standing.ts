import { Prisma } from '../../prisma/generated/client';
import { hasActiveInvalidationSql } from '../../apps/shared/certificate-validity.sql';
import type { Database } from '../../apps/shared/database';
import { decideEligibility, type EligibilityDecision } from '../../apps/shared/domain/certificate-rules';
import type { CertificateStatus, EnrollmentMode } from '../../apps/shared/domain/enums';
import { selectionJoins, selectionSql, type Selection } from './selection';

export interface CourseFacts {
  id: string;
  title: string;
  passingGrade: number;
  showsGrade: boolean;
  honorEligible: boolean;
  idVerificationRequired: boolean;
  requiredLessons: number;
}

/** Everything the rules need to know about one learner, read in one query per batch. */
export interface LearnerStanding {
  learnerId: string;
  name: string;
  email: string;
  mode: EnrollmentMode;
  grade: number | null;
  idVerified: boolean;
  allowlisted: boolean;
  requiredDone: number;
  certificateId: string | null;
  certificateStatus: CertificateStatus | null;
  hasCredential: boolean;
  statusList: number | null;
  statusIndex: number | null;
  invalidated: boolean;
}

export async function loadCourseFacts(db: Database, courseId: string): Promise<CourseFacts | null> {
  const course = await db.course.findUnique({ where: { id: courseId } });
  if (!course) return null;
  const requiredLessons = await db.lesson.count({ where: { courseId, required: true } });
  return {
    id: course.id,
    title: course.title,
    passingGrade: course.passingGrade.toNumber(),
    showsGrade: course.certificateShowsGrade,
    honorEligible: course.honorEligible,
    idVerificationRequired: course.idVerificationRequired,
    requiredLessons,
  };
}

/** Learners of the selection with learner id in (after, upTo], in id order, at most `limit`. */
export async function loadStandings(
  db: Database,
  { id: courseId, requiredLessons }: Pick<CourseFacts, 'id' | 'requiredLessons'>,
  selection: Selection,
  range: { after: string | null; upTo: string | null },
  limit: number,
): Promise<LearnerStanding[]> {
  const after = range.after === null ? Prisma.empty : Prisma.sql`AND e.learner_id > ${range.after}`;
  const upTo = range.upTo === null ? Prisma.empty : Prisma.sql`AND e.learner_id <= ${range.upTo}`;
  // Most courses have no required lessons; skip the per-learner count for them.
  const requiredDone = requiredLessons === 0
    ? Prisma.sql`0`
    : Prisma.sql`(SELECT count(*)::int FROM lesson_completions lc
                    JOIN lessons ls ON ls.course_id = lc.course_id AND ls.id = lc.lesson_id AND ls.required
                   WHERE lc.course_id = e.course_id AND lc.learner_id = e.learner_id)`;
  return db.$queryRaw<LearnerStanding[]>`
    SELECT e.learner_id AS "learnerId", l.name, l.email, e.mode::text AS mode,
           COALESCE(e.final_grade, e.grade)::float8 AS grade,
           l.id_verified AS "idVerified",
           (x.learner_id IS NOT NULL) AS allowlisted,
           ${requiredDone} AS "requiredDone",
           c.id::text AS "certificateId", c.status::text AS "certificateStatus",
           (c.jws IS NOT NULL) AS "hasCredential",
           c.status_list AS "statusList", c.status_index AS "statusIndex",
           (c.id IS NOT NULL AND ${hasActiveInvalidationSql('c')}) AS invalidated
      FROM enrollments e
      JOIN learners l ON l.id = e.learner_id
      ${selectionJoins}
     WHERE e.course_id = ${courseId} ${after} ${upTo} AND (${selectionSql(selection)})
     ORDER BY e.learner_id
     LIMIT ${limit}`;
}

export function decideFor(course: CourseFacts, standing: LearnerStanding): EligibilityDecision {
  return decideEligibility({
    mode: standing.mode,
    grade: standing.grade,
    passingGrade: course.passingGrade,
    honorEligible: course.honorEligible,
    requiredLessons: { total: course.requiredLessons, completed: standing.requiredDone },
    allowlisted: standing.allowlisted,
    invalidated: standing.invalidated,
    idVerificationRequired: course.idVerificationRequired,
    idVerified: standing.idVerified,
  });
}
