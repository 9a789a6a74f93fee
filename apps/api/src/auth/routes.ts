import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ACCESS_POLICY, type AccessPolicy } from './access';

export interface RouteInfo {
  method: string;
  /** Express-style path, e.g. /courses/:courseId/exceptions */
  path: string;
  controller: string;
  handler: string;
  policy: AccessPolicy | undefined;
}

/** Every route of the given controllers with its declared access policy, read from Nest's own metadata. */
export function listRoutes(controllers: Type[]): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const controller of controllers) {
    const base = pathOf(Reflect.getMetadata(PATH_METADATA, controller));
    const classPolicy = Reflect.getMetadata(ACCESS_POLICY, controller) as AccessPolicy | undefined;
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const path = [base, pathOf(Reflect.getMetadata(PATH_METADATA, handler))].filter(Boolean).join('/');
      routes.push({
        method: RequestMethod[method],
        path: `/${path}`,
        controller: controller.name,
        handler: name,
        policy: (Reflect.getMetadata(ACCESS_POLICY, handler) as AccessPolicy | undefined) ?? classPolicy,
      });
    }
  }
  return routes;
}

function pathOf(value: unknown): string {
  const text = Array.isArray(value) ? String(value[0] ?? '') : typeof value === 'string' ? value : '';
  return text.replace(/^\/+|\/+$/g, '');
}

/** Fails start-up when a route forgot to say who may call it. */
export function assertEveryRouteDeclaresAccess(controllers: Type[]): void {
  const missing = listRoutes(controllers).filter((route) => !route.policy);
  if (missing.length > 0) {
    throw new Error(`routes without an access policy: ${missing.map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`).join(', ')}`);
  }
}
