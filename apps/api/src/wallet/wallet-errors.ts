import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** An error the OAuth / OpenID4VCI endpoints answer in their own shape: `{ error, error_description }`. */
export class WalletProtocolError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'WalletProtocolError';
  }
}

function send(response: Response, status: number, error: string, description: string): void {
  response.setHeader('Cache-Control', 'no-store');
  if (status === 401) response.setHeader('WWW-Authenticate', `Bearer error="${error}", error_description="${description.replace(/["\\]/g, '')}"`);
  response.status(status).json({ error, error_description: description });
}

/** The wallet endpoints' error policy: the spec's error shape, whatever went wrong. */
@Catch()
export class WalletErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Wallet');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const fallback = request.path.endsWith('/credential') ? 'invalid_credential_request' : 'invalid_request';
    if (exception instanceof WalletProtocolError) return send(response, exception.status, exception.error, exception.description);
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      if (status === 429) return send(response, 429, 'slow_down', 'too many requests: try again later');
      return send(response, status === 413 ? 413 : 400, fallback, exception.message);
    }
    // Rate limits and other domain refusals of the common guards keep their status.
    const code = (exception as { code?: unknown } | null)?.code;
    if (code === 'too_many_requests') return send(response, 429, 'slow_down', 'too many requests: try again later');
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    send(response, 500, 'server_error', 'the request could not be completed; try again');
  }
}

/** Body parser refusals on the wallet endpoints (bad form/JSON, too large), in the spec's shape. */
export function walletBodyErrors(error: unknown, request: Request, response: Response, next: NextFunction): void {
  const failure = error as { status?: number; type?: string } | null;
  if (!failure || typeof failure.status !== 'number') return next(error);
  const fallback = request.path.endsWith('/credential') ? 'invalid_credential_request' : 'invalid_request';
  send(response, failure.type === 'entity.too.large' ? 413 : 400, fallback, failure.type === 'entity.too.large' ? 'the request body is too large' : 'the request body cannot be parsed');
}
