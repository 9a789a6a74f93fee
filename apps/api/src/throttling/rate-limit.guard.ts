import { Injectable, type DynamicModule, type ExecutionContext, type Type } from '@nestjs/common';
import { normalizeIp, ThrottlerGuard, ThrottlerModule, type ThrottlerLimitDetail, type ThrottlerOptions } from '@nestjs/throttler';
import type { AppConfig } from '../../../shared/config';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { isApiKey } from '../auth/principal';
import { TooManyRequestsError } from '../common/errors';
import { limitDescription, limitedRoutes, type LimitName } from './rate-limits';

/**
 * Counts requests against the limit of their route (rate-limits.ts). Registered after the
 * AccessGuard, so per-person limits count the authenticated principal, never a claimed name.
 * The counts live in this process's memory: each API replica counts on its own.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new TooManyRequestsError(await this.getErrorMessage(context, detail), detail.timeToBlockExpire);
  }
}

/** The throttler configuration: one named throttler per limit, each skipping the routes that are not its own. */
export function rateLimitModule(config: AppConfig, controllers: Type[]): DynamicModule {
  const limits = new Map(limitedRoutes(controllers).map((route) => [`${route.controller}.${route.handler}`, route.limit]));
  const limitOf = (context: ExecutionContext): LimitName | undefined => limits.get(`${context.getClass().name}.${context.getHandler().name}`);
  const byAddress = (request: Record<string, unknown>) => `address:${normalizeIp(String((request as unknown as AuthenticatedRequest).ip))}`;
  const rates = config.rateLimits;

  const throttler = (name: LimitName, options: Omit<ThrottlerOptions, 'name'>): ThrottlerOptions => ({
    name,
    skipIf: (context) => limitOf(context) !== name,
    ...options,
  });
  const callerOf = (context: ExecutionContext) => context.switchToHttp().getRequest<AuthenticatedRequest>().principal ?? null;
  return ThrottlerModule.forRoot({
    throttlers: [
      throttler('public', { limit: rates.public.limit, ttl: rates.public.windowMs, getTracker: byAddress }),
      throttler('sign-in', { limit: rates.signIn.limit, ttl: rates.signIn.windowMs, getTracker: byAddress }),
      throttler('workflows', {
        limit: (context) => (isApiKey(callerOf(context)) ? rates.apiKey.limit : rates.workflows.limit),
        ttl: (context) => (isApiKey(callerOf(context)) ? rates.apiKey.windowMs : rates.workflows.windowMs),
        getTracker: (request) => {
          const principal = (request as unknown as AuthenticatedRequest).principal;
          if (!principal) return byAddress(request);
          // Apart: an API key's id can never be taken by a token's `sub`.
          return isApiKey(principal) ? `key:${principal.id}` : `person:${principal.id}`;
        },
      }),
    ],
    // One count per limit and caller across all the routes that share the limit.
    generateKey: (_context, tracker, name) => `${name}|${tracker}`,
    // The error filter sends Retry-After; no X-RateLimit-* headers named after each throttler.
    setHeaders: false,
    errorMessage: (context) => `too many requests: ${limitDescription(limitOf(context) ?? 'public', rates)}`,
  });
}
