import { z } from 'zod';
import { CERTIFICATE_VISIBILITIES } from '../../../shared/domain/enums';

export const certificateIdParam = z.uuid('must be a certificate id (UUID)');

export const invalidateCertificateSchema = z
  .object({
    notes: z.string().trim().min(1, 'explain why the certificate is invalidated').max(2000),
    /** What employers read on the verification page; the notes stay with the course team. */
    publicReason: z.string().trim().min(1, 'leave it out for the generic sentence').max(300).optional(),
    invalidatedBy: z.string().trim().min(1).max(255).optional(),
  })
  .strict();
export type InvalidateCertificateDto = z.infer<typeof invalidateCertificateSchema>;

export const reinstateCertificateSchema = z
  .object({
    reinstatedBy: z.string().trim().min(1).max(255).optional(),
  })
  .strict();
export type ReinstateCertificateDto = z.infer<typeof reinstateCertificateSchema>;

/** The learner's choice: who may download the certificate's files from its public link. */
export const setVisibilitySchema = z
  .object({
    visibility: z.enum(CERTIFICATE_VISIBILITIES, 'expected "public" (anyone with the link may download it) or "private" (the verdict only)'),
  })
  .strict();
export type SetVisibilityDto = z.infer<typeof setVisibilitySchema>;
