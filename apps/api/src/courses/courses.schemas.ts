import { z } from 'zod';
import { DISPLAY_BEHAVIORS, ENROLLMENT_MODES, PACINGS } from '../../../shared/domain/enums';
import { normalizeLogo } from './course-logo';

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const fraction = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
/** LMS keys such as "course-v1:Org+CS101+2026" or a username. */
const lmsKey = z.string().trim().min(1).max(255).regex(/^[\w.:+@-]+$/, 'may contain letters, digits and . : + @ _ -');

export const courseIdParam = lmsKey;

const courseSettings = {
  displayBehavior: z.enum(DISPLAY_BEHAVIORS).optional(),
  certificateAvailableAt: isoDate.nullable().optional(),
  learnerGeneratedEnabled: z.boolean().optional(),
  /** Instructor-paced bulk courses: generate automatically after grade finalization (default: the instructor generates). */
  autoGenerateCertificates: z.boolean().optional(),
  honorEligible: z.boolean().optional(),
  idVerificationRequired: z.boolean().optional(),
  certificateShowsGrade: z.boolean().optional(),
  /** The instructor's address, copied on every "your certificate is available" mail. */
  certificateMailCc: z.email('must be an email address').nullable().optional(),
  certificateTemplate: z
    .object({
      /** Decoded and re-encoded as PNG here, once: certificates draw only what we encoded. */
      logo: z
        .string()
        .max(400_000, 'at most about 300 KB')
        .regex(/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/]+=*$/, 'a data: URL of a PNG or JPEG image')
        .transform((dataUrl, ctx) => {
          const logo = normalizeLogo(dataUrl);
          if (logo.ok) return logo.dataUrl;
          ctx.issues.push({ code: 'custom', message: logo.message, input: dataUrl });
          return z.NEVER;
        })
        .optional(),
      color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #1d4e89').optional(),
      heading: z.string().trim().min(1).max(80).optional(),
      body: z.string().trim().min(1).max(160).optional(),
      signatories: z.array(z.object({ name: z.string().trim().min(1).max(80), title: z.string().trim().max(80) }).strict()).max(3).optional(),
    })
    .strict()
    .nullable()
    .optional(),
};

export const createCourseSchema = z
  .object({
    id: lmsKey,
    title: z.string().trim().min(1).max(300),
    pacing: z.enum(PACINGS),
    startAt: isoDate.optional(),
    endAt: isoDate,
    passingGrade: fraction,
    /**
     * Default false (seed 002): certificates are enabled after checking the completion rule and the
     * grade range, and the course cannot start before. True: the LMS enables them with the course
     * (it states the passing grade in the same request) and the lifecycle starts at once.
     */
    certificatesActive: z.boolean().default(false),
    ...courseSettings,
  })
  .strict()
  .refine((c) => !c.startAt || c.startAt < c.endAt, { message: 'must be after startAt', path: ['endAt'] });
export type CreateCourseDto = z.infer<typeof createCourseSchema>;

export const updateCourseSchema = z
  .object({
    /** A course whose certificates are not activated cannot be moved to a start that has come. */
    startAt: isoDate.optional(),
    endAt: isoDate.optional(),
    passingGrade: fraction.optional(),
    /** Changing the passing grade after certificates were generated is retroactive: say so explicitly. */
    confirmRetroactive: z.boolean().optional(),
    /** Changing the certificate template once certificates were issued (seed 002's best practice warns against it): say so explicitly. */
    confirmTemplateChange: z.boolean().optional(),
    changedBy: z.string().trim().min(1).max(255).optional(),
    ...courseSettings,
  })
  .strict()
  .refine((u) => Object.keys(u).some((k) => !['confirmRetroactive', 'confirmTemplateChange', 'changedBy'].includes(k)), { message: 'nothing to change', path: [] });
export type UpdateCourseDto = z.infer<typeof updateCourseSchema>;

export const activationSchema = z
  .object({
    active: z.boolean(),
    /** Enabling asks the course team to have checked the completion rule and the grade range (seed 002). */
    confirm: z.boolean().optional(),
    changedBy: z.string().trim().min(1).max(255).optional(),
  })
  .strict();
export type ActivationDto = z.infer<typeof activationSchema>;

export const lessonsSchema = z
  .object({
    lessons: z
      .array(z.object({ id: lmsKey, title: z.string().trim().min(1).max(300), required: z.boolean().default(true), position: z.number().int().min(0).default(0) }).strict())
      .min(1)
      .max(2000),
    /** Making a lesson required after certificates were issued is retroactive: say so explicitly. */
    confirmRetroactive: z.boolean().optional(),
  })
  .strict();
export type LessonsDto = z.infer<typeof lessonsSchema>;

export const completionsSchema = z
  .object({
    completions: z
      .array(z.object({ learnerId: lmsKey, lessonId: lmsKey, completedAt: isoDate.optional() }).strict())
      .min(1)
      .max(10_000),
  })
  .strict();
export type CompletionsDto = z.infer<typeof completionsSchema>;

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
            /** The LMS verified the learner's identity (needed where the course requires it). */
            idVerified: z.boolean().optional(),
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
