/**
 * The value sets the database keeps as PostgreSQL enums, once. Prisma generates the same lists
 * from prisma/schema.prisma, but workflows and pure rules may not import Prisma, so the domain
 * core, the request and response schemas and the pages all derive from these constants;
 * enums.spec.ts fails (at compile time and at run time) when they differ from the schema.
 */

export const PACINGS = ['self', 'instructor'] as const;
export type Pacing = (typeof PACINGS)[number];

export const ENROLLMENT_MODES = ['audit', 'honor', 'verified', 'professional', 'no_id_professional', 'masters', 'executive_education'] as const;
export type EnrollmentMode = (typeof ENROLLMENT_MODES)[number];

/** When a learner of an instructor-paced course sees the certificate (Open edX's display behaviours). */
export const DISPLAY_BEHAVIORS = ['end', 'end_with_date', 'early_no_info', 'early_with_info'] as const;
export type DisplayBehavior = (typeof DISPLAY_BEHAVIORS)[number];

/** Which learners a generation task covers. */
export const GENERATION_KINDS = ['all_learners', 'regenerate', 'exceptions_missing', 'exceptions_all', 'regrade', 'single_learner'] as const;
export type GenerationKind = (typeof GENERATION_KINDS)[number];

export const GENERATION_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type GenerationState = (typeof GENERATION_STATES)[number];

export const CERTIFICATE_STATUSES = ['downloadable', 'notpassing', 'audit_passing', 'audit_notpassing', 'unavailable', 'error'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/** Who may fetch an issued certificate's files from its public link (certificate-sharing.ts). */
export const CERTIFICATE_VISIBILITIES = ['public', 'private'] as const;
export type CertificateVisibility = (typeof CERTIFICATE_VISIBILITIES)[number];
