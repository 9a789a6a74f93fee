import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppConfig } from '../../../shared/config';
import { ERROR_RESPONSE_SCHEMA } from '../common/openapi';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../common/errors';
import { AUTHENTICATOR, CONFIG } from '../common/tokens';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { renderSignIn } from '../pages/sign-in-page';
import { Access } from './access';
import { CSRF_HEADER, readCookie } from './access.guard';
import type { Authenticator } from './authenticator';
import type { Principal } from './principal';
import { sessionCookie } from './session-cookie';
import { SessionStore } from './sessions';

/** Big enough for an instructor's token naming thousands of courses; a URL cannot carry more anyway. */
const MAX_TOKEN_LENGTH = 32_000;
const ALREADY_USED = 'this sign-in link was already used; open it again from your learning platform';

const signInBody = z.object({
  token: z.string().min(1, 'a signed token from the LMS is required').max(MAX_TOKEN_LENGTH),
  next: z.string().max(2048).optional(),
});

/**
 * Browser sign-in. The LMS links to GET /session?token=…&next=/app/… with a short-lived, single-use
 * token; that page only asks the person to confirm who they are becoming, and its form (same
 * origin only) exchanges the token for a server-side session. The cookie holds an opaque secret,
 * never the token. API clients skip all this and send the token as a bearer.
 */
@ApiTags('session')
@Access.public()
@Controller('session')
export class SessionController {
  private readonly cookie: ReturnType<typeof sessionCookie>;

  constructor(
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionStore,
  ) {
    this.cookie = sessionCookie(config.env);
  }

  @ApiOkResponse({ description: 'A page naming the person the token signs in, with a button that confirms it (POST /session). Nothing is consumed yet.', content: { 'text/html': {} } })
  @ApiResponse({ status: 303, description: 'The browser already holds a live session for this person: sent straight to `next`.' })
  @ApiUnauthorizedResponse({ description: 'The token does not check out, is not a sign-in token (no `jti`, too long-lived) or was already used.', schema: ERROR_RESPONSE_SCHEMA })
  @Get()
  async confirm(@Query('token') token: unknown, @Query('next') next: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (typeof token !== 'string' || token.length === 0) throw new ValidationError([{ field: 'query.token', message: 'a signed token from the LMS is required' }]);
    const signIn = await this.authenticator.signInToken(token);
    const current = await this.currentPrincipal(req);
    if (current && samePerson(current, signIn.principal)) return res.redirect(303, safeNext(next) ?? homeOf(current));
    if (await this.sessions.wasUsed(signIn.id)) throw new UnauthenticatedError(ALREADY_USED);
    // The page holds a live token: no cache may keep it.
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(renderSignIn(signIn.principal, token, safeNext(next)));
  }

  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: { type: 'object', required: ['token'], properties: { token: { type: 'string', description: 'The sign-in token from the LMS link.' }, next: { type: 'string', description: 'A path on this site.' } } } })
  @ApiResponse({ status: 303, description: 'Signed in: an opaque session cookie is set and the browser is sent to `next`.' })
  @ApiUnauthorizedResponse({ description: 'The token does not check out, is not a sign-in token, or was already used.', schema: ERROR_RESPONSE_SCHEMA })
  @ApiForbiddenResponse({ description: "The form was not submitted from this site's own sign-in page (Origin / Sec-Fetch-Site).", schema: ERROR_RESPONSE_SCHEMA })
  @Post()
  async signIn(@Body(new ZodValidationPipe(signInBody)) body: z.infer<typeof signInBody>, @Req() req: Request, @Res() res: Response): Promise<void> {
    // Before anything is consumed: a form on another site must never open a session here.
    if (!isFromOwnPage(req, this.config.http.publicUrl)) {
      throw new ForbiddenError("sign-in must be confirmed on this site's own page; open the link from your learning platform again");
    }
    const signIn = await this.authenticator.signInToken(body.token);
    const previous = this.secretOf(req);
    const secret = await this.sessions.open(signIn.principal, signIn.id);
    if (!secret) {
      const current = previous ? await this.sessions.principalOf(previous) : null;
      if (current && samePerson(current, signIn.principal)) return res.redirect(303, safeNext(body.next) ?? homeOf(current));
      throw new UnauthenticatedError(ALREADY_USED);
    }
    // Whoever was signed in on this browser before is signed out, not left behind a second cookie.
    if (previous) await this.sessions.revoke(previous);
    res.cookie(this.cookie.name, secret, this.cookie.options(this.config.sessions.ttlMs));
    res.redirect(303, safeNext(body.next) ?? homeOf(signIn.principal));
  }

  @ApiNoContentResponse({ description: 'Signed out: the session is revoked on the server and the cookie cleared.' })
  @ApiForbiddenResponse({ description: `A browser session's sign-out must carry the ${CSRF_HEADER} header (the pages send it; a cross-site form cannot).`, schema: ERROR_RESPONSE_SCHEMA })
  @Post('logout')
  @HttpCode(204)
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const secret = this.secretOf(req);
    if (secret === undefined) return;
    if (!req.get(CSRF_HEADER)) throw new ForbiddenError(`changes made with a browser session must carry the ${CSRF_HEADER} header`);
    await this.sessions.revoke(secret);
    res.clearCookie(this.cookie.name, this.cookie.attributes);
  }

  private secretOf(req: Request): string | undefined {
    try {
      return readCookie(req.get('cookie'), this.cookie.name);
    } catch {
      // A mangled cookie is no session; signing in replaces it.
      return undefined;
    }
  }

  private async currentPrincipal(req: Request): Promise<Principal | null> {
    const secret = this.secretOf(req);
    return secret ? this.sessions.principalOf(secret) : null;
  }
}

/**
 * Whether a form post comes from a page of this site. Browsers send Sec-Fetch-Site and Origin
 * with every form post and no page can forge them; Referer is the fallback for older browsers.
 */
function isFromOwnPage(req: Request, publicUrl: string): boolean {
  const own = new URL(publicUrl).origin;
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  if (origin !== undefined) return origin === own;
  const referer = req.get('referer');
  return referer !== undefined && URL.canParse(referer) && new URL(referer).origin === own;
}

/** The same person with the same rights: their live session already says what the token says. */
function samePerson(a: Principal, b: Principal): boolean {
  if (a.kind !== b.kind || a.id !== b.id) return false;
  if (a.kind === 'instructor' && b.kind === 'instructor') return a.courses.size === b.courses.size && [...b.courses].every((c) => a.courses.has(c));
  return true;
}

/** Only paths on this site: an open redirect would let anyone borrow our sign-in for phishing. */
function safeNext(next: unknown): string | null {
  // Browsers drop tabs and newlines from URLs, so "/\t/evil.example" would become "//evil.example".
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) && !/[\u0000-\u001f\u007f]/.test(next) ? next : null;
}

export function homeOf(principal: Principal): string {
  if (principal.kind === 'learner') return '/app/learner';
  if (principal.kind === 'instructor' && principal.courses.size === 1) return `/app/courses/${encodeURIComponent([...principal.courses][0])}/certificates`;
  return '/app';
}
