import { Prisma } from '../../prisma/generated/client';
import type { CertificateStatus, GenerationKind } from '../../prisma/generated/enums';

/** Which learners a generation task covers; travels in workflow input, so it never lists learners. */
export interface Selection {
  kind: GenerationKind;
  /** Status groups, for kind regenerate. */
  groups?: CertificateStatus[];
  /** The learner, for kind single_learner. */
  learnerId?: string;
}

/**
 * SQL condition over `e` (enrollments), `c` (the learner's certificate, if any) and `x` (their
 * active exception, if any) selecting the learners of a task.
 */
export function selectionSql(selection: Selection): Prisma.Sql {
  switch (selection.kind) {
    case 'all_learners':
      return Prisma.sql`TRUE`;
    case 'regenerate':
      return selection.groups?.length
        ? Prisma.sql`c.status::text = ANY(${selection.groups}::text[])`
        : Prisma.sql`FALSE`;
    case 'exceptions_missing':
      return Prisma.sql`x.learner_id IS NOT NULL AND (c.id IS NULL OR c.status <> 'downloadable')`;
    case 'exceptions_all':
      return Prisma.sql`x.learner_id IS NOT NULL`;
    case 'regrade':
      return Prisma.sql`e.pending_reevaluation`;
    case 'single_learner':
      return Prisma.sql`e.learner_id = ${selection.learnerId ?? ''}`;
  }
}

/** The joins every selection may refer to. */
export const selectionJoins = Prisma.sql`
  LEFT JOIN certificates c ON c.course_id = e.course_id AND c.learner_id = e.learner_id
  LEFT JOIN certificate_exceptions x ON x.course_id = e.course_id AND x.learner_id = e.learner_id AND x.active`;
