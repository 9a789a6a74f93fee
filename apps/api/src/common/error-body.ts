import { z } from 'zod';

/** The one error shape every route answers with; /docs publishes this very schema. */
export const errorBodySchema = z.object({
  statusCode: z.number().int().meta({ examples: [400] }),
  code: z.string().meta({ description: 'Stable machine-readable code, e.g. validation_failed, not_found, forbidden.', examples: ['validation_failed'] }),
  message: z.string().meta({ description: 'What went wrong, naming the field.', examples: ['body.passingGrade: Too big: expected number to be <=1'] }),
  fields: z
    .array(z.object({ field: z.string().meta({ examples: ['body.passingGrade'] }), message: z.string() }))
    .optional()
    .describe('Present for validation errors: one entry per offending field.'),
  errorId: z.uuid().describe('Quote it when reporting a problem; 500s are logged under it.'),
  retryAfter: z.number().int().min(0).optional().describe('Present with 429: seconds to wait before trying again (also the Retry-After header).'),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
