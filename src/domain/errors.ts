/** One field that failed validation, by its dotted path (`tags.3`), for problem+json `errors`. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export interface HttpErrorOptions {
  readonly detail: string;
  readonly cause?: unknown;
  readonly errors?: readonly FieldError[];
  /** Extension members of the problem (RFC 9457 §3.2), shown below 500 only. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/**
 * The base of every error that maps to an HTTP response. `code` is stable and machine-readable
 * (it becomes the problem `type`); `detail` is shown to clients only below 500.
 */
export class HttpError extends Error {
  readonly errors: readonly FieldError[] | undefined;
  readonly extensions: Readonly<Record<string, unknown>> | undefined;
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    { detail, cause, errors, extensions }: HttpErrorOptions,
  ) {
    super(detail, { cause });
    // Each subclass writes its name out: bundles are minified, so `new.target.name` would log as `so`.
    this.name = new.target.name;
    this.errors = errors;
    this.extensions = extensions;
  }
}

export class BadRequestError extends HttpError {
  override readonly name = 'BadRequestError';
  constructor(detail: string, errors?: readonly FieldError[], cause?: unknown) {
    super(400, 'bad-request', 'Bad Request', { detail, ...(errors ? { errors } : {}), cause });
  }
}

export class ValidationError extends HttpError {
  override readonly name = 'ValidationError';
  constructor(errors: readonly FieldError[]) {
    super(400, 'validation-failed', 'Validation failed', {
      detail: 'The request body does not match the schema.',
      errors,
    });
  }
}

export class UnauthorizedError extends HttpError {
  override readonly name = 'UnauthorizedError';
  constructor(detail: string) {
    super(401, 'unauthorized', 'Unauthorized', { detail });
  }
}

export class ForbiddenError extends HttpError {
  override readonly name = 'ForbiddenError';
  constructor(detail: string) {
    super(403, 'forbidden', 'Forbidden', { detail });
  }
}

export class NotFoundError extends HttpError {
  override readonly name = 'NotFoundError';
  constructor(detail: string) {
    super(404, 'not-found', 'Not Found', { detail });
  }
}

export class ConflictError extends HttpError {
  override readonly name = 'ConflictError';
  constructor(detail: string, cause?: unknown, extensions?: Readonly<Record<string, unknown>>) {
    super(409, 'conflict', 'Conflict', { detail, cause, ...(extensions ? { extensions } : {}) });
  }
}

export class PreconditionFailedError extends HttpError {
  override readonly name = 'PreconditionFailedError';
  constructor(detail: string) {
    super(412, 'precondition-failed', 'Precondition Failed', { detail });
  }
}

export class PayloadTooLargeError extends HttpError {
  override readonly name = 'PayloadTooLargeError';
  constructor(detail: string, cause?: unknown) {
    super(413, 'payload-too-large', 'Payload Too Large', { detail, cause });
  }
}

/** A well-formed request the server will not process as sent (RFC 9110 §15.5.21). */
export class UnprocessableContentError extends HttpError {
  override readonly name = 'UnprocessableContentError';
  constructor(detail: string) {
    super(422, 'unprocessable-content', 'Unprocessable Content', { detail });
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(detail: string) {
    super(415, 'unsupported-media-type', 'Unsupported Media Type', { detail });
  }
}

/**
 * Our own fault (denied access, a missing table, bad credentials, an unknown failure): a generic
 * 500 for the client, the cause for the log.
 */
export class InternalError extends HttpError {
  override readonly name = 'InternalError';
  constructor(detail: string, cause?: unknown) {
    super(500, 'internal-error', 'Internal Server Error', { detail, cause });
  }
}

/** A dependency (DynamoDB) failed or is overloaded: the client may retry after `retryAfterSeconds`. */
export class ServiceUnavailableError extends HttpError {
  override readonly name = 'ServiceUnavailableError';
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
    cause?: unknown,
  ) {
    super(503, 'service-unavailable', 'Service Unavailable', { detail, cause });
  }
}

/** The store's report that a conditional write or delete did not hold. Never reaches HTTP as is. */
export class ConditionFailedError extends Error {
  constructor(cause?: unknown) {
    super('The condition of the write did not hold.', { cause });
    this.name = 'ConditionFailedError';
  }
}
