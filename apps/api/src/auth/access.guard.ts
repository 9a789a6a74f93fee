import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AppConfig } from '../../../shared/config';
import { CertificatesRepository, GenerationTasksRepository } from '../../../shared/repositories';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../common/errors';
import { AUTHENTICATOR, CONFIG } from '../common/tokens';
import { certificateIdParam } from '../certificates/certificates.schemas';
import { taskIdParam } from '../generation/generation.schemas';
import { downloadableByAnyone, effectiveVisibility } from '../../../shared/domain/certificate-sharing';
import { ACCESS_POLICY, type AccessPolicy } from './access';
import type { Authenticator, Credentials } from './authenticator';
import { isCourseStaff, type Principal } from './principal';
import { sessionCookie } from './session-cookie';

export type AuthenticatedRequest = Request & { principal?: Principal | null };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Pages send this header with every change they make; a cross-site form cannot. */
export const CSRF_HEADER = 'x-requested-by';

/** Authenticates the caller and checks the route's declared policy before any pipe or handler runs. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    private readonly certificates: CertificatesRepository,
    private readonly tasks: GenerationTasksRepository,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [context.getHandler(), context.getClass()]);
    if (!policy) throw new Error(`${context.getClass().name}.${context.getHandler().name} declares no access policy`);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (policy.kind === 'public') return true;
    if (policy.kind !== 'certificate' || !policy.shared || !SAFE_METHODS.has(request.method)) return this.admit(policy, request);
    try {
      return await this.admit(policy, request);
    } catch (refusal) {
      if (!(refusal instanceof UnauthenticatedError || refusal instanceof ForbiddenError)) throw refusal;
      if (!(await this.sharedPublicly((request.params as Record<string, string>)[policy.certificateParam]))) throw refusal;
      // Anyone with the link: served as the public (no principal), never more than its learner gets.
      request.principal = null;
      return true;
    }
  }

  /** Whether the certificate's learner shares it with anyone who has its link, and may download it now. */
  private async sharedPublicly(id: string | undefined): Promise<boolean> {
    if (!id || !certificateIdParam.safeParse(id).success) return false;
    const sharing = await this.certificates.findSharing(id);
    if (!sharing) return false;
    return downloadableByAnyone({ visibility: effectiveVisibility(sharing.visibility, this.config.sharing.defaultVisibility), course: sharing.course }, new Date());
  }

  private async admit(policy: AccessPolicy, request: AuthenticatedRequest): Promise<boolean> {
    const credentials = credentialsOf(request, sessionCookie(this.config.env).name);
    const principal = await this.authenticator.authenticate(credentials);
    if (!principal) throw new UnauthenticatedError();
    if (credentials.bearer === undefined && credentials.apiKey === undefined && !SAFE_METHODS.has(request.method) && !request.get(CSRF_HEADER)) {
      throw new ForbiddenError(`changes made with a browser session must carry the ${CSRF_HEADER} header`);
    }
    request.principal = principal;
    await this.authorize(policy, principal, request.params as Record<string, string>);
    return true;
  }

  private async authorize(policy: AccessPolicy, principal: Principal, params: Record<string, string>): Promise<void> {
    switch (policy.kind) {
      case 'public':
      case 'signed-in':
        return;
      case 'admin':
        if (principal.kind !== 'admin') throw new ForbiddenError('only platform administrators may do this');
        return;
      case 'course-staff':
        return this.requireStaff(principal, params[policy.courseParam]);
      case 'learner-or-staff': {
        const learnerId = params[policy.learnerParam];
        if (principal.kind === 'learner' && principal.id === learnerId) return;
        if (principal.kind === 'learner') throw new ForbiddenError('learners may only see and request their own certificates');
        return this.requireStaff(principal, params[policy.courseParam]);
      }
      case 'certificate': {
        const id = params[policy.certificateParam];
        const certificate = certificateIdParam.safeParse(id).success ? await this.certificates.findOwnership(id) : null;
        if (!certificate) throw new NotFoundError('certificate', id);
        if (policy.owner && principal.kind === 'learner' && principal.id === certificate.learnerId) return;
        return this.requireStaff(principal, certificate.courseId);
      }
      case 'certificate-owner': {
        const id = params[policy.certificateParam];
        const certificate = certificateIdParam.safeParse(id).success ? await this.certificates.findOwnership(id) : null;
        if (!certificate) throw new NotFoundError('certificate', id);
        if (principal.kind === 'learner' && principal.id === certificate.learnerId) return;
        throw new ForbiddenError('only the learner this certificate was issued to may do this');
      }
      case 'task-staff': {
        const id = params[policy.taskParam];
        const task = taskIdParam.safeParse(id).success ? await this.tasks.findTask(id) : null;
        if (!task) throw new NotFoundError('generation task', id);
        return this.requireStaff(principal, task.courseId);
      }
    }
  }

  private requireStaff(principal: Principal, courseId: string): void {
    if (!isCourseStaff(principal, courseId)) throw new ForbiddenError(`only staff of course ${courseId} may do this`);
  }
}

function credentialsOf(request: Request, cookieName: string): Credentials {
  const authorization = request.get('authorization');
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (authorization !== undefined && bearer === undefined) throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"');
  const apiKey = request.get('x-api-key');
  return { bearer, apiKey, cookie: readCookie(request.get('cookie'), cookieName) };
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      throw new UnauthenticatedError('the session cookie is malformed; sign in again');
    }
  }
  return undefined;
}
