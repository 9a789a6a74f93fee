import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ValidationError } from '../common/errors';
import type { AuthenticatedRequest } from './access.guard';
import { isApiKey, type Principal } from './principal';

/** The authenticated caller (AccessGuard put it on the request); null on public routes. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal | null => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().principal ?? null;
});

/**
 * Who the history records as having done something. A person signed in with a token is recorded
 * as themselves, whatever the body says; the LMS's server (API key) names the person it acts for.
 */
export function actorOf(principal: Principal | null, claimed: string | undefined, field: string): string {
  if (principal && !isApiKey(principal)) return principal.id;
  if (claimed) return claimed;
  throw new ValidationError([{ field, message: 'calls made with an API key must say who they act for' }]);
}
