import { createHash } from 'node:crypto';

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const OB_V3_SCHEMA = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

export interface CredentialInput {
  certificateId: string;
  publicUrl: string;
  issuerName: string;
  course: { id: string; title: string; passingGrade: number };
  learner: { id: string; name: string };
  issuedAt: Date;
}

export interface AchievementCredential {
  '@context': string[];
  id: string;
  type: string[];
  issuer: { id: string; type: string[]; name: string };
  validFrom: string;
  name: string;
  credentialSubject: {
    id: string;
    type: string[];
    name: string;
    achievement: {
      id: string;
      type: string[];
      name: string;
      description: string;
      criteria: { narrative: string };
    };
  };
  credentialSchema: Array<{ id: string; type: string }>;
}

export function issuerId(publicUrl: string): string {
  return `${publicUrl}/issuer`;
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
  const percent = Math.round(input.course.passingGrade * 10000) / 100;
  return {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
    id: credentialId(input.certificateId),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuerId(input.publicUrl), type: ['Profile'], name: input.issuerName },
    validFrom: input.issuedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    name: `Certificate of completion: ${input.course.title}`,
    credentialSubject: {
      id: learnerSubjectId(input.publicUrl, input.learner.id),
      type: ['AchievementSubject'],
      name: input.learner.name,
      achievement: {
        id: `${input.publicUrl}/courses/${encodeURIComponent(input.course.id)}/achievement`,
        type: ['Achievement'],
        name: input.course.title,
        description: `Completion of the course ${input.course.title}.`,
        criteria: { narrative: `Completed the course with a final grade of at least ${percent}%.` },
      },
    },
    credentialSchema: [{ id: OB_V3_SCHEMA, type: '1EdTechJsonSchemaValidator2019' }],
  };
}
