import { z } from 'zod';
import { CERTIFICATE_STATUSES, CERTIFICATE_VISIBILITIES, DISPLAY_BEHAVIORS, GENERATION_KINDS, GENERATION_STATES, PACINGS } from '../../../shared/domain/enums';

/**
 * What the API answers, as zod schemas: they document the 2xx bodies in /docs, and the
 * integration tests parse real answers with them, so the documentation cannot drift from the code.
 */
const iso = z.string().describe('ISO 8601 date-time');
const isoOrNull = iso.nullable();
const id = z.string();
const certificateStatus = z.enum(CERTIFICATE_STATUSES);
const visibility = z.enum(CERTIFICATE_VISIBILITIES).describe("public: anyone with the link may download the files; private: the verification page gives the verdict only");

export const taskResponse = z.object({
  id: z.uuid(),
  courseId: id,
  kind: z.enum(GENERATION_KINDS),
  groups: z.array(certificateStatus).describe('kind regenerate: the status groups chosen'),
  learnerId: id.nullable(),
  requestedBy: z.string(),
  requestedAt: iso,
  state: z.enum(GENERATION_STATES),
  total: z.number().int().nullable().describe('learners selected; null until counted'),
  done: z.number().int(),
  issued: z.number().int(),
  failed: z.number().int(),
  etaSeconds: z.number().int().nullable().describe('estimated seconds left while running'),
  error: z.string().nullable(),
  retryOf: z.uuid().nullable(),
  workflowId: z.string().nullable(),
  runId: z.string().nullable(),
  startedAt: isoOrNull,
  finishedAt: isoOrNull,
});

export const courseResponse = z.object({
  id,
  title: z.string(),
  pacing: z.enum(PACINGS),
  startAt: iso,
  endAt: iso,
  passingGrade: z.number(),
  displayBehavior: z.enum(DISPLAY_BEHAVIORS),
  certificateAvailableAt: isoOrNull,
  certificatesActive: z.boolean(),
  learnerGeneratedEnabled: z.boolean(),
  autoGenerateCertificates: z.boolean().describe('instructor-paced, bulk: generate automatically after grade finalization; false: the instructor generates'),
  honorEligible: z.boolean(),
  idVerificationRequired: z.boolean(),
  certificateShowsGrade: z.boolean(),
  certificateTemplate: z.looseObject({}).nullable(),
  certificateMailCc: z.string().nullable(),
  gradesFinalizedAt: isoOrNull,
  certificatesGeneratedAt: isoOrNull,
  workflowId: z.string(),
});

export const courseDetailResponse = courseResponse.extend({
  enrollments: z.number().int(),
  certificates: z.partialRecord(certificateStatus, z.number().int()).describe('certificates by status; a status no certificate has is left out'),
  certificateMail: z
    .object({ sent: z.number().int(), pending: z.number().int(), failed: z.number().int() })
    .describe('"certificate available" mails: sent; pending (to send, or waiting for the certificates to become visible); failed (refused by the mail relay)'),
  completionRule: z
    .object({ passingGrade: z.number(), requiredLessons: z.number().int(), optionalLessons: z.number().int(), description: z.string() })
    .describe('what learners must reach for a certificate: checked by the course team before enabling certificates'),
  startReminder: z.string().nullable().describe('while certificates are not activated: the course cannot start until they are'),
  latestGeneration: taskResponse.nullable(),
  lifecycle: z.looseObject({ phase: z.string() }).nullable().describe('live state of the course workflow; null when it is not running'),
});

export const courseUpdateResponse = courseResponse.extend({ reevaluationTaskId: z.uuid().nullable() });

export const courseChangesResponse = z.object({
  changes: z.array(
    z.object({
      id: z.number().int(),
      what: z.enum(['settings', 'activation', 'template']),
      changedBy: z.string(),
      changedAt: iso,
      fields: z.record(z.string(), z.object({ old: z.unknown(), new: z.unknown() })).describe('each field the change set: its value before and after'),
    }),
  ),
  nextCursor: z.string().nullable().describe('pass as cursor for the next, older page; null on the last page'),
});

export const ingestionResponse = z.looseObject({ courseId: id }).describe('courseId and the number of rows written (enrolled, recorded or lessons)');

export const certificateRowResponse = z.object({
  id: z.uuid(),
  learnerId: id,
  learnerName: z.string(),
  status: certificateStatus,
  grade: z.number().nullable(),
  issuedAt: isoOrNull,
  invalidated: z.boolean(),
  valid: z.boolean().describe('issued, still standing and not invalidated: what verification accepts'),
  verifyUrl: z.string().nullable(),
});

const invalidationResponse = z.object({
  id: z.uuid(),
  notes: z.string().optional().describe('internal: course staff only'),
  publicReason: z.string().nullable().describe('shown on the public verification page; null: a generic sentence'),
  invalidatedBy: z.string().optional().describe('course staff only'),
  invalidatedAt: iso,
  active: z.boolean(),
  reinstatedBy: z.string().nullable().optional().describe('course staff only'),
  reinstatedAt: isoOrNull.optional(),
});

export const certificateResponse = z.object({
  id: z.uuid(),
  courseId: id,
  courseTitle: z.string(),
  learnerId: id,
  learnerName: z.string(),
  status: certificateStatus,
  grade: z.number().nullable(),
  issuedAt: isoOrNull,
  verifyUrl: z.string(),
  visibility,
  invalidations: z.array(invalidationResponse),
});

export const visibilityResponse = z.object({
  certificateId: z.uuid(),
  visibility: visibility.describe("in force: the learner's choice, else the issuer's default"),
  learnerChoice: z.enum(CERTIFICATE_VISIBILITIES).nullable().describe('null: the learner has not chosen'),
  issuerDefault: z.enum(CERTIFICATE_VISIBILITIES).describe('CERTIFICATE_VISIBILITY_DEFAULT'),
});

export const invalidationCreatedResponse = invalidationResponse.extend({ certificateId: z.uuid() });

export const shareResponse = z.object({
  verifyUrl: z.string(),
  linkedInUrl: z.string(),
  pdfUrl: z.string(),
  badgeUrl: z.string(),
  credentialUrl: z.string(),
  visibility,
});

export const exceptionResponse = z.object({
  learnerId: id,
  name: z.string(),
  email: z.string(),
  grantedAt: iso,
  grantedBy: z.string(),
  certificateGeneratedAt: isoOrNull,
  notes: z.string(),
});

const nextCursor = z.string().nullable().describe('pass as cursor for the next page; null on the last page');

export const certificatePageResponse = z.object({ certificates: z.array(certificateRowResponse), nextCursor });
export const exceptionPageResponse = z.object({ exceptions: z.array(exceptionResponse), nextCursor });
export const taskPageResponse = z.object({ tasks: z.array(taskResponse), nextCursor });
export const invalidationPageResponse = z.object({
  invalidations: z.array(
    z.object({
      id: z.uuid(),
      certificateId: z.uuid(),
      learner: z.object({ id, name: z.string(), email: z.string() }),
      notes: z.string().describe('internal: course staff only'),
      publicReason: z.string().nullable(),
      invalidatedBy: z.string(),
      invalidatedAt: iso,
    }),
  ),
  nextCursor,
});

export const exceptionImportResponse = z.object({
  added: z.number().int(),
  results: z.array(
    z.object({ line: z.number().int(), learner: z.string(), result: z.enum(['added', 'already_listed', 'rejected']), message: z.string() }),
  ),
});

export const exceptionRemovalResponse = z.object({ courseId: id, learnerId: id, removed: z.literal(true), certificateInvalidated: z.boolean() });

export const learnerRequestResponse = z.object({
  issued: z.boolean(),
  status: certificateStatus,
  reason: z.string().nullable().optional(),
  message: z.string().nullable().optional(),
  certificateId: z.uuid().nullable(),
  verifyUrl: z.string().nullable(),
});

export const progressResponse = z.object({
  courseId: id,
  learnerId: id,
  grade: z.number().nullable(),
  passingGrade: z.number(),
  requiredLessons: z.object({ total: z.number().int(), completed: z.number().int() }),
  eligibility: z.object({ eligible: z.boolean(), reason: z.string(), message: z.string() }),
  display: z.object({
    message: z.string().nullable(),
    actions: z.array(z.enum(['request_certificate', 'download_certificate'])),
    courseCardDownload: z.boolean(),
    detail: z.string().nullable(),
    rule: z.string(),
  }),
  certificate: z.object({ id: z.uuid(), verifyUrl: z.string() }).nullable(),
});

export const verificationResponse = z.object({
  verdict: z.enum(['valid', 'revoked', 'superseded', 'invalid', 'not_found']),
  certificateId: z.string().nullable(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
  failed: z.string().nullable().optional(),
  learner: z.object({ name: z.string() }).optional(),
  course: z.object({ id, title: z.string() }).optional(),
  issuer: z.object({ id: z.string(), name: z.string() }).optional(),
  issuedAt: iso.optional(),
  revocation: z.object({ revokedAt: iso, reason: z.string() }).optional(),
  current: z.object({ verifyUrl: z.string(), issuedAt: isoOrNull }).optional().describe('superseded: where the current credential of the certificate is verified'),
  downloads: z
    .object({ pdfUrl: z.string(), badgeUrl: z.string(), credentialUrl: z.string() })
    .optional()
    .describe('a valid certificate its learner shares publicly: its files, for anyone to download and check'),
});

export const meResponse = z.object({
  id,
  name: z.string().nullable(),
  role: z.enum(['admin', 'instructor', 'learner']),
  courses: z.array(z.looseObject({ courseId: id, title: z.string() })).describe("a learner's course cards, or the courses staff run"),
});

export const farewellResponse = z.object({
  id: z.uuid(),
  courseId: id,
  subject: z.string(),
  recipients: z.number().int(),
  workflowId: z.string(),
  mailConfigured: z.boolean(),
});

const probeResponse = z.looseObject({ status: z.enum(['up', 'down']) });
export const healthResponse = z.union([
  z.object({
    status: z.enum(['ok', 'degraded']),
    api: z.object({ status: z.literal('up') }),
    database: probeResponse,
    temporal: probeResponse,
  }),
  z.object({ status: z.enum(['up', 'down']) }).strict().describe('production: up or down only'),
]);

export const jwkResponse = z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string().optional() });
export const jwksResponse = z.object({ keys: z.array(jwkResponse) });
export const issuerResponse = z.object({ '@context': z.array(z.string()), id: z.string(), type: z.array(z.string()), name: z.string(), url: z.string() });
const didVerificationMethod = z.object({ id: z.string(), type: z.literal('JsonWebKey2020'), controller: z.string(), publicKeyJwk: z.looseObject({ kty: z.string(), crv: z.string(), x: z.string() }) });
export const didDocumentResponse = z.object({ '@context': z.array(z.string()), id: z.string().startsWith('did:web:'), verificationMethod: z.array(didVerificationMethod), assertionMethod: z.array(z.string()) });
export const specimenResponse = z.object({ specimen: z.literal(true), verifiable: z.literal(false), note: z.string(), credential: z.looseObject({}), template: z.looseObject({}).nullable() });
export const importResponse = z.looseObject({ kind: z.enum(['enrollments', 'grades', 'completions']), courseId: id });

/** Wallets (OpenID4VCI 1.0, pre-authorized code flow). Their own endpoints answer errors as OAuth does. */
export const oauthErrorResponse = z.object({
  error: z.string().describe('RFC 6749 §5.2 / OpenID4VCI 1.0 §6.3, §8.3.1 code, e.g. invalid_grant, invalid_request, invalid_token, invalid_proof, invalid_nonce'),
  error_description: z.string(),
});
export const walletOfferResponse = z.object({
  offer: z.object({
    credential_issuer: z.string(),
    credential_configuration_ids: z.array(z.string()),
    grants: z.record(z.string(), z.looseObject({ 'pre-authorized_code': z.string() })),
  }),
  offerUrl: z.string().startsWith('openid-credential-offer://').describe('the offer by value, for a wallet on this device'),
  qrCode: z.string().startsWith('data:image/png;base64,').describe('offerUrl as a QR code, for a wallet on a phone'),
  txCode: z.string().nullable().describe('the 6 digits the wallet asks the learner to type; null when the offer asks for none'),
  expiresAt: iso,
});
export const credentialIssuerMetadataResponse = z.looseObject({ credential_issuer: z.string(), credential_endpoint: z.string(), nonce_endpoint: z.string(), credential_configurations_supported: z.record(z.string(), z.looseObject({ format: z.string() })) });
export const authorizationServerMetadataResponse = z.looseObject({ issuer: z.string(), token_endpoint: z.string(), grant_types_supported: z.array(z.string()) });
export const walletTokenResponse = z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int() });
export const walletNonceResponse = z.object({ c_nonce: z.string(), c_nonce_expires_in: z.number().int() });
export const walletCredentialResponse = z.object({ credentials: z.array(z.object({ credential: z.string().describe("the Open Badges 3.0 credential as a VC-JWT, its subject the DID of the wallet's key") })) });
