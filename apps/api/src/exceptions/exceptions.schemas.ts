import { z } from 'zod';

export const grantExceptionSchema = z
  .object({
    learner: z.string().trim().min(1, 'give a username or an email').max(255),
    notes: z.string().trim().max(2000).default(''),
    grantedBy: z.string().trim().min(1).max(255).optional(),
  })
  .strict();
export type GrantExceptionDto = z.infer<typeof grantExceptionSchema>;

export const removeExceptionSchema = z.object({ removedBy: z.string().trim().min(1).max(255).optional() }).strict();
export type RemoveExceptionDto = z.infer<typeof removeExceptionSchema>;

export const importQuerySchema = z.object({ grantedBy: z.string().trim().min(1).max(255).optional() });
export const learnerIdParam = z.string().trim().min(1).max(255);
