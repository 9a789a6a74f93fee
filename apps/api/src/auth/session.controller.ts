import { Controller, Get, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { decodeJwt } from 'jose';
import type { AppConfig } from '../../../shared/config';
import { ValidationError } from '../common/errors';
import { AUTHENTICATOR, CONFIG } from '../common/tokens';
import { Access } from './access';
import { SESSION_COOKIE, type Authenticator } from './authenticator';
import type { Principal } from './principal';

/**
 * Browser sign-in: the LMS links to /session?token=…&next=/app/… with a token it signed; we check
 * it, keep it in an HttpOnly cookie and send the person on. API clients send the token as a bearer.
 */
@ApiTags('session')
@Access.public()
@Controller('session')
export class SessionController {
  constructor(
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  @ApiResponse({ status: 303, description: 'Signed in: the session cookie is set and the browser is sent to `next`.' })
  @Get()
  async signIn(@Query('token') token: unknown, @Query('next') next: unknown, @Res() res: Response): Promise<void> {
    if (typeof token !== 'string' || token.length === 0) throw new ValidationError([{ field: 'query.token', message: 'a signed token from the LMS is required' }]);
    const principal = await this.authenticator.token(token);
    const expiresAt = Number(decodeJwt(token).exp) * 1000;
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.http.publicUrl.startsWith('https://'),
      path: '/',
      maxAge: Math.max(0, expiresAt - Date.now()),
    });
    res.redirect(303, safeNext(next) ?? homeOf(principal));
  }

  @ApiResponse({ status: 303, description: 'Signed out.' })
  @Post('logout')
  signOut(@Res() res: Response): void {
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/');
  }
}

/** Only paths on this site: an open redirect would let anyone borrow our sign-in for phishing. */
function safeNext(next: unknown): string | null {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : null;
}

export function homeOf(principal: Principal): string {
  if (principal.kind === 'learner') return '/app/learner';
  if (principal.kind === 'instructor' && principal.courses.size === 1) return `/app/courses/${encodeURIComponent([...principal.courses][0])}/certificates`;
  return '/app';
}
