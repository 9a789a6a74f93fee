/** Domain errors the API maps to HTTP; anything else is unexpected and answered with 500. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} does not exist`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('conflict', message);
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationError extends DomainError {
  constructor(
    readonly fields: FieldProblem[],
    message = fields.map((f) => `${f.field}: ${f.message}`).join('; '),
  ) {
    super('validation_failed', message);
  }
}

/** No usable credentials: 401. */
export class UnauthenticatedError extends DomainError {
  constructor(message = 'sign in first: send a bearer token or an API key') {
    super('unauthenticated', message);
  }
}

/** Known caller, not allowed here: 403. */
export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** Over a rate limit, or an action repeated sooner than allowed: 429 with Retry-After. */
export class TooManyRequestsError extends DomainError {
  constructor(
    message: string,
    /** Whole seconds until a new attempt can succeed. */
    readonly retryAfterSeconds: number,
  ) {
    super('too_many_requests', message);
  }
}

/** The request, or what it carries, is larger than the route accepts: 413. */
export class PayloadTooLargeError extends DomainError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}
