import { z } from 'zod';
import { ENROLLMENT_MODES } from '../../../shared/domain/certificate-rules';

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const fraction = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
/** LMS keys such as "course-v1:Org+CS101+2026" or a username. */
const lmsKey = z.string().trim().min(1).max(255).regex(/^[\w.:+@-]+$/, 'may contain letters, digits and . : + @ _ -');

export const courseIdParam = lmsKey;

export const createCourseSchema = z
  .object({
    id: lmsKey,
    title: z.string().trim().min(1).max(300),
    pacing: z.enum(['self', 'instructor']),
    startAt: isoDate.optional(),
    endAt: isoDate,
    passingGrade: fraction,
  })
  .strict()
  .refine((c) => !c.startAt || c.startAt < c.endAt, { message: 'must be after startAt', path: ['endAt'] });
export type CreateCourseDto = z.infer<typeof createCourseSchema>;

export const rescheduleCourseSchema = z.object({ endAt: isoDate }).strict();
export type RescheduleCourseDto = z.infer<typeof rescheduleCourseSchema>;

const MAX_BATCH = 10_000;

export const enrollLearnersSchema = z
  .object({
    enrollments: z
      .array(
        z
          .object({
            learnerId: lmsKey,
            email: z.email(),
            name: z.string().trim().min(1).max(300),
            mode: z.enum(ENROLLMENT_MODES),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_BATCH),
  })
  .strict();
export type EnrollLearnersDto = z.infer<typeof enrollLearnersSchema>;

export const recordGradesSchema = z
  .object({
    grades: z.array(z.object({ learnerId: lmsKey, grade: fraction }).strict()).min(1).max(MAX_BATCH),
  })
  .strict();
export type RecordGradesDto = z.infer<typeof recordGradesSchema>;
