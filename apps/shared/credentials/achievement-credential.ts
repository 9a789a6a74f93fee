import { createHash, randomBytes } from 'node:crypto';
import { statusEntry, type StatusPosition } from './status-list';
import { JWT_CLAIMS_CONTEXT, OB_V3_CONTEXT, OB_V3_EXTENSIONS_CONTEXT, VC_V2_CONTEXT, credentialIssuerId, issuerId, type JsonLdContext } from './issuer';
import { formatPercent, percentOf } from '../domain/format';
import { achievementUrl } from '../domain/public-urls';

export const OB_V3_SCHEMA = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

export interface CredentialInput {
  certificateId: string;
  publicUrl: string;
  issuerName: string;
  /** ISSUER_DID_WEB: the issuer id is our did:web DID instead of the Profile URL. */
  issuerDidWeb?: boolean;
  course: { id: string; title: string; passingGrade: number };
  learner: { id: string; name: string; email?: string };
  issuedAt: Date;
  /** The learner's final grade, 0..1, when the course shows it on certificates. */
  grade?: number | null;
  /** Bitstring Status List position (revocation). */
  status?: StatusPosition;
}

/** VC 2.0 first, then OB 3.0.3, the OB extensions (credentialSchema's type) and the jti claim. */
export const ACHIEVEMENT_CREDENTIAL_CONTEXTS: readonly JsonLdContext[] = [VC_V2_CONTEXT, OB_V3_CONTEXT, OB_V3_EXTENSIONS_CONTEXT, JWT_CLAIMS_CONTEXT];

export interface AchievementCredential {
  '@context': JsonLdContext[];
  id: string;
  type: string[];
  issuer: { id: string; type: string[]; name: string };
  validFrom: string;
  name: string;
  credentialSubject: {
    id: string;
    type: string[];
    name: string;
    identifier?: Array<{ type: string; identityHash: string; identityType: string; hashed: boolean; salt: string }>;
    achievement: {
      id: string;
      type: string[];
      name: string;
      description: string;
      criteria: { narrative: string };
      resultDescription?: Array<{ id: string; type: string[]; name: string; resultType: string }>;
    };
    result?: Array<{ type: string[]; value: string; resultDescription: string }>;
  };
  credentialStatus?: ReturnType<typeof statusEntry>;
  credentialSchema: Array<{ id: string; type: string }>;
}

/** The email only as a salted hash (OB 3.0 IdentityObject): provable by its owner, unreadable to others. */
export function emailIdentity(email: string, salt = randomBytes(16).toString('hex')) {
  const identityHash = `sha256$${createHash('sha256').update(email.trim().toLowerCase() + salt).digest('hex')}`;
  return { type: 'IdentityObject', identityHash, identityType: 'emailAddress', hashed: true, salt };
}

/** A stable subject id per learner and issuer that does not reveal the LMS username. */
export function learnerSubjectId(publicUrl: string, learnerId: string): string {
  const hex = createHash('sha256').update(`${issuerId(publicUrl)}\n${learnerId}`).digest('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function credentialId(certificateId: string): string {
  return `urn:uuid:${certificateId}`;
}

/** An Open Badges 3.0 AchievementCredential in the VC 2.0 data model. */
export function buildAchievementCredential(input: CredentialInput): AchievementCredential {
  const achievementId = achievementUrl(input.publicUrl, input.course.id);
  const showGrade = input.grade !== undefined && input.grade !== null;
  const credential: AchievementCredential = {
    '@context': [...ACHIEVEMENT_CREDENTIAL_CONTEXTS],
    id: credentialId(input.certificateId),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: credentialIssuerId({ publicUrl: input.publicUrl, didWeb: input.issuerDidWeb }), type: ['Profile'], name: input.issuerName },
    validFrom: input.issuedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    name: `Certificate of completion: ${input.course.title}`,
    credentialSubject: {
      id: learnerSubjectId(input.publicUrl, input.learner.id),
      type: ['AchievementSubject'],
      name: input.learner.name,
      ...(input.learner.email ? { identifier: [emailIdentity(input.learner.email)] } : {}),
      achievement: {
        id: achievementId,
        type: ['Achievement'],
        name: input.course.title,
        description: `Completion of the course ${input.course.title}.`,
        criteria: { narrative: `Completed the course with a final grade of at least ${formatPercent(input.course.passingGrade)}.` },
        ...(showGrade ? { resultDescription: [{ id: `${achievementId}#final-grade`, type: ['ResultDescription'], name: 'Final grade', resultType: 'Percent' }] } : {}),
      },
      ...(showGrade
        ? { result: [{ type: ['Result'], value: `${percentOf(input.grade!)}`, resultDescription: `${achievementId}#final-grade` }] }
        : {}),
    },
    ...(input.status ? { credentialStatus: statusEntry(input.publicUrl, input.status) } : {}),
    credentialSchema: [{ id: OB_V3_SCHEMA, type: '1EdTechJsonSchemaValidator2019' }],
  };
  return credential;
}
