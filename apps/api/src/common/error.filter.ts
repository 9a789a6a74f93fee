import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Request, Response } from 'express';
import { renderErrorPage } from '../pages/error-page';
import type { ErrorBody } from './error-body';
import { DomainError, TooManyRequestsError, ValidationError } from './errors';

// Nest wraps body-parser failures (bad JSON → 400, oversized body → 413) in HttpExceptions.
const HTTP_CODES: Record<number, string> = {
  400: 'invalid_request_body',
  404: 'route_not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

function statusOf(error: DomainError): number {
  switch (error.code) {
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'validation_failed':
      return 400;
    case 'gone':
      return 410;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'payload_too_large':
      return 413;
    case 'too_many_requests':
      return 429;
    default:
      return 422;
  }
}

/** One error policy for every route: known errors become precise 4xx, the rest a 500 with an id to quote. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error(`${body.errorId} ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`);
    }
    if (body.statusCode === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="course-certificates"');
    if (body.retryAfter !== undefined) response.setHeader('Retry-After', String(body.retryAfter));
    // People who open a page (or submit a plain HTML form, like sign-in) get a page; programs get the JSON.
    const browsing = request.method === 'GET' || Boolean(request.is('urlencoded'));
    if (browsing && request.accepts(['json', 'html']) === 'html') {
      response.status(body.statusCode).type('html').send(renderErrorPage(body));
      return;
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    const errorId = randomUUID();
    if (exception instanceof ValidationError) {
      return { statusCode: 400, code: exception.code, message: exception.message, fields: exception.fields, errorId };
    }
    if (exception instanceof TooManyRequestsError) {
      return { statusCode: 429, code: exception.code, message: exception.message, errorId, retryAfter: Math.max(1, Math.ceil(exception.retryAfterSeconds)) };
    }
    if (exception instanceof DomainError) {
      return { statusCode: statusOf(exception), code: exception.code, message: exception.message, errorId };
    }
    if (exception instanceof WorkflowExecutionAlreadyStartedError) {
      return { statusCode: 409, code: 'already_running', message: exception.message, errorId };
    }
    if (exception instanceof WorkflowNotFoundError) {
      return { statusCode: 404, code: 'workflow_not_found', message: exception.message, errorId };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { statusCode: status, code: HTTP_CODES[status] ?? 'http_error', message: exception.message, errorId };
    }
    // body-parser errors carry a status and a type.
    const bodyError = exception as { status?: number; type?: string; message?: string };
    if (bodyError?.type === 'entity.parse.failed') {
      return { statusCode: 400, code: 'invalid_json', message: 'the request body is not valid JSON', errorId };
    }
    if (bodyError?.type === 'entity.too.large') {
      return { statusCode: 413, code: 'payload_too_large', message: 'the request body is too large', errorId };
    }
    if (typeof bodyError?.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
      return { statusCode: bodyError.status, code: bodyError.type ?? 'bad_request', message: bodyError.message ?? 'bad request', errorId };
    }
    return { statusCode: 500, code: 'internal_error', message: `unexpected error; quote ${errorId} when reporting it`, errorId };
  }
}
