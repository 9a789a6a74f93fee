import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { AppConfig } from '../../../shared/config';

type Directives = Record<string, string[]>;

/**
 * Every page, stylesheet and script comes from this origin: no inline script or style anywhere,
 * so injected markup can neither run nor restyle a page; nobody may frame us (clickjacking).
 */
export const CONTENT_SECURITY_POLICY: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'object-src': ["'none'"],
};

/**
 * Swagger UI's page carries inline <style> blocks and style attributes it generates; only the
 * API documentation allows inline styles. Its scripts are files, so script-src stays strict.
 */
export const DOCS_CONTENT_SECURITY_POLICY: Directives = { ...CONTENT_SECURITY_POLICY, 'style-src': ["'self'", "'unsafe-inline'"] };

/** Where create-app mounts Swagger UI. */
const DOCS_PATH = '/docs';

/**
 * Security headers on every answer (pages, JSON, errors, 404s, assets): the CSP above, nosniff,
 * a Referer only to this site (our URLs carry certificate ids; our own forms may still be checked
 * by Origin and Referer), and HSTS in production only, where PUBLIC_URL is https; development runs
 * on http://localhost.
 */
export function securityHeaders(config: Pick<AppConfig, 'env'>) {
  const production = config.env === 'production';
  const withPolicy = (directives: Directives) =>
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: production ? { ...directives, 'upgrade-insecure-requests': [] } : directives },
      referrerPolicy: { policy: 'same-origin' },
      xFrameOptions: { action: 'deny' },
      strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    });
  const strict = withPolicy(CONTENT_SECURITY_POLICY);
  const docs = withPolicy(DOCS_CONTENT_SECURITY_POLICY);
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    const path = (req.url ?? '/').split('?')[0];
    const handler = path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`) ? docs : strict;
    handler(req, res, next);
  };
}
