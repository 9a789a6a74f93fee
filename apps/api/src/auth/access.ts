import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ERROR_RESPONSE_SCHEMA } from '../common/openapi';

/** What a route requires of its caller. Every route declares one; the API refuses to start otherwise. */
export type AccessPolicy =
  | { kind: 'public' }
  | { kind: 'signed-in' }
  | { kind: 'admin' }
  | { kind: 'course-staff'; courseParam: string }
  | { kind: 'learner-or-staff'; courseParam: string; learnerParam: string }
  /** With `shared`, anyone else too when its learner shares it publicly (certificate-sharing.ts). */
  | { kind: 'certificate'; certificateParam: string; owner: boolean; shared?: boolean }
  | { kind: 'certificate-owner'; certificateParam: string }
  | { kind: 'task-staff'; taskParam: string };

export const ACCESS_POLICY = 'access-policy';

const WHO: Record<AccessPolicy['kind'], string> = {
  public: 'anyone',
  'signed-in': 'any signed-in person',
  admin: 'platform administrators and LMS API keys',
  'course-staff': "the course's staff and administrators",
  'learner-or-staff': "the learner named in the path, the course's staff and administrators",
  certificate: "the course's staff and administrators",
  'certificate-owner': 'the learner the certificate was issued to',
  'task-staff': "the task's course staff and administrators",
};

function declare(policy: AccessPolicy) {
  if (policy.kind === 'public') return SetMetadata(ACCESS_POLICY, policy);
  const certificateWho = policy.kind === 'certificate' && policy.owner ? "the learner it was issued to, the course's staff and administrators" : WHO[policy.kind];
  const who = policy.kind === 'certificate' && policy.shared ? `${certificateWho}; anyone, when its learner shares it publicly` : certificateWho;
  return applyDecorators(
    SetMetadata(ACCESS_POLICY, policy),
    ApiBearerAuth('lms-token'),
    ApiSecurity('api-key'),
    ApiUnauthorizedResponse({ description: 'No credentials, or a token/API key that does not check out.', schema: ERROR_RESPONSE_SCHEMA }),
    ApiForbiddenResponse({ description: `Signed in, but not allowed: this route is for ${who}.`, schema: ERROR_RESPONSE_SCHEMA }),
  );
}

/** Route-level access declarations, read by AccessGuard and shown in the OpenAPI document. */
export const Access = {
  /** Anyone, signed in or not (verification, keys, status lists, health). */
  public: () => declare({ kind: 'public' }),
  /** Any signed-in person; the handler scopes what they see to themselves. */
  signedIn: () => declare({ kind: 'signed-in' }),
  /** Platform admins and the LMS's API keys. */
  admin: () => declare({ kind: 'admin' }),
  /** Staff of the course named in the path (and admins). */
  courseStaff: (courseParam = 'courseId') => declare({ kind: 'course-staff', courseParam }),
  /** The learner named in the path, or staff of the course named in the path. */
  learnerOrStaff: (courseParam = 'courseId', learnerParam = 'learnerId') => declare({ kind: 'learner-or-staff', courseParam, learnerParam }),
  /** Staff of the certificate's course; with `owner`, also the learner it was issued to. */
  certificate: ({ owner, shared = false }: { owner: boolean; shared?: boolean }, certificateParam = 'certificateId') => declare({ kind: 'certificate', certificateParam, owner, shared }),
  /** Only the learner the certificate was issued to: their own choices about it. */
  certificateOwner: (certificateParam = 'certificateId') => declare({ kind: 'certificate-owner', certificateParam }),
  /** Staff of the generation task's course. */
  taskStaff: (taskParam = 'taskId') => declare({ kind: 'task-staff', taskParam }),
};
