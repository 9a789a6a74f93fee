import { z } from 'zod';
import type { CertificateStatus } from '../../../shared/domain/enums';

export const REGENERATION_GROUPS = ['downloadable', 'notpassing', 'audit_passing', 'audit_notpassing', 'error'] as const satisfies readonly CertificateStatus[];

export const requestGenerationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all_learners'), requestedBy: z.string().trim().min(1).max(255).optional() }).strict(),
  z
    .object({
      kind: z.literal('regenerate'),
      groups: z.array(z.enum(REGENERATION_GROUPS)).min(1, 'choose at least one group of learners').max(REGENERATION_GROUPS.length),
      requestedBy: z.string().trim().min(1).max(255).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('exceptions_missing'), requestedBy: z.string().trim().min(1).max(255).optional() }).strict(),
  z.object({ kind: z.literal('exceptions_all'), requestedBy: z.string().trim().min(1).max(255).optional() }).strict(),
]);
export type RequestGenerationDto = z.infer<typeof requestGenerationSchema>;

export const retryTaskSchema = z.object({ requestedBy: z.string().trim().min(1).max(255).optional() }).strict();
export type RetryTaskDto = z.infer<typeof retryTaskSchema>;

export const taskIdParam = z.uuid('must be a generation task id (UUID)');
