import { z } from 'zod';
import { REGENERATION_GROUPS } from '../../../shared/domain/regeneration-groups';

/** The five groups of seed 003; what each covers is in regeneration-groups.ts. */
export { REGENERATION_GROUPS };

export const requestGenerationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all_learners'), requestedBy: z.string().trim().min(1).max(255).optional() }).strict(),
  z
    .object({
      kind: z.literal('regenerate'),
      groups: z
        .array(z.enum(REGENERATION_GROUPS))
        .min(1, 'choose at least one group of learners')
        .max(REGENERATION_GROUPS.length)
        .describe('downloadable: already received certificates; notpassing: have not received certificates (none yet, not passing, awaiting ID verification); audit_passing; audit_notpassing; error'),
      requestedBy: z.string().trim().min(1).max(255).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('exceptions_missing'), requestedBy: z.string().trim().min(1).max(255).optional() }).strict(),
  z.object({ kind: z.literal('exceptions_all'), requestedBy: z.string().trim().min(1).max(255).optional() }).strict(),
]);
export type RequestGenerationDto = z.infer<typeof requestGenerationSchema>;

export const retryTaskSchema = z.object({ requestedBy: z.string().trim().min(1).max(255).optional() }).strict();
export type RetryTaskDto = z.infer<typeof retryTaskSchema>;

export const cancelTaskSchema = z.object({ cancelledBy: z.string().trim().min(1).max(255).optional() }).strict();
export type CancelTaskDto = z.infer<typeof cancelTaskSchema>;

export const taskIdParam = z.uuid('must be a generation task id (UUID)');
