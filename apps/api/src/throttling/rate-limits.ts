import type { Type } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig, RateLimit } from '../../../shared/config';
import { listRoutes, type RouteInfo } from '../auth/routes';
import { ERROR_RESPONSE_SCHEMA } from '../common/openapi';

/**
 * Which count a request goes against:
 * - `public`: per client address, every route anyone may call (verification, keys, status lists, …);
 * - `sign-in`: per client address, the exchange of an LMS token for a browser session;
 * - `workflows`: per signed-in caller, routes that start workflow runs or send mail (an API key,
 *   the LMS's own server acting for everyone, has its own higher limit).
 * Other signed-in routes only read, or change one row, and are not limited.
 */
export type LimitName = 'public' | 'sign-in' | 'workflows';

/** The sign-in page (checks the token) and its confirmation (opens the session). */
export const SIGN_IN_ROUTES = ['GET /session', 'POST /session'];

/** Routes that start a workflow run (lifecycle, generation, on-demand certificate, regrade) or mail learners. */
export const WORKFLOW_ROUTES = [
  'POST /courses',
  'PATCH /courses/:courseId',
  'PUT /courses/:courseId/certificates/activation',
  'PUT /courses/:courseId/lessons',
  'PUT /courses/:courseId/grades',
  'PUT /courses/:courseId/completions',
  'POST /courses/:courseId/imports/:kind',
  'POST /courses/:courseId/generation-tasks',
  'POST /generation-tasks/:taskId/retry',
  'POST /courses/:courseId/learners/:learnerId/certificate',
  'POST /courses/:courseId/farewell',
];

export interface LimitedRoute extends RouteInfo {
  limit: LimitName;
}

/** The limit of every limited route; fails start-up when a listed route no longer exists. */
export function limitedRoutes(controllers: Type[], lists = { signIn: SIGN_IN_ROUTES, workflows: WORKFLOW_ROUTES }): LimitedRoute[] {
  const routes = listRoutes(controllers);
  const served = new Set(routes.map(keyOf));
  const stale = [...lists.signIn, ...lists.workflows].filter((key) => !served.has(key));
  if (stale.length > 0) throw new Error(`rate limits name routes the API does not serve: ${stale.join(', ')}`);
  return routes.flatMap((route): LimitedRoute[] => {
    const key = keyOf(route);
    const limit = lists.signIn.includes(key) ? 'sign-in' : lists.workflows.includes(key) ? 'workflows' : route.policy?.kind === 'public' ? 'public' : null;
    return limit ? [{ ...route, limit }] : [];
  });
}

const keyOf = (route: RouteInfo) => `${route.method} ${route.path}`;

/** "300 per minute", "20 per 10 seconds". */
export function describeLimit({ limit, windowMs }: RateLimit): string {
  const units: Array<[number, string]> = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  const [size, unit] = units.find(([ms]) => windowMs % ms === 0) ?? [1, 'millisecond'];
  const count = windowMs / size;
  return `${limit} per ${count === 1 ? unit : `${count} ${unit}s`}`;
}

/** What a caller over each limit is told, and what /docs says about it. */
export function limitDescription(name: LimitName, config: AppConfig['rateLimits']): string {
  switch (name) {
    case 'public':
      return `at most ${describeLimit(config.public)} from one address on public routes`;
    case 'sign-in':
      return `at most ${describeLimit(config.signIn)} sign-ins from one address`;
    case 'workflows':
      return `at most ${describeLimit(config.workflows)} requests that start work per person (${describeLimit(config.apiKey)} per API key)`;
  }
}

/** Every limited operation documents its 429 with the error shape and the Retry-After header. */
export function describeRateLimits(document: OpenAPIObject, controllers: Type[], config: AppConfig['rateLimits']): void {
  for (const route of limitedRoutes(controllers)) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const operation = document.paths[path]?.[route.method.toLowerCase() as 'get'];
    if (!operation) continue;
    // A route's own reason to answer 429 (e.g. the farewell interval) is kept beside the limit.
    const own = (operation.responses['429'] as { description?: string } | undefined)?.description;
    operation.responses['429'] = {
      description: [own, `Too many requests: ${limitDescription(route.limit, config)}. Retry after the seconds in the Retry-After header (also \`retryAfter\`).`].filter(Boolean).join(' '),
      headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } } },
      content: { 'application/json': { schema: ERROR_RESPONSE_SCHEMA } },
    };
  }
}
