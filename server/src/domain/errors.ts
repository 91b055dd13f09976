// Expected failures, shared by the GraphQL API, the REST routes and the services.
// Each has a stable code from one closed set; anything else is unexpected and gets masked.

export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'VALIDATION_FAILED',
  'CONFLICT',
  'RATE_LIMITED',
  'BAD_REQUEST',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
  'OVERLOADED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export abstract class KeywardenError extends Error {
  abstract readonly code: ErrorCode;
  /** Extra machine-readable detail, safe to show to the caller. */
  details(): Record<string, unknown> {
    return {};
  }
}

export interface FieldError {
  /** Path of the offending input field, e.g. ["input", "ipRules", 2, "cidr"]. */
  path: (string | number)[];
  message: string;
}

export class ValidationError extends KeywardenError {
  readonly code = 'VALIDATION_FAILED' as const;
  constructor(readonly fieldErrors: FieldError[]) {
    super(fieldErrors.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ') || 'Invalid input');
    this.name = 'ValidationError';
  }
  static field(path: (string | number)[] | string, message: string): ValidationError {
    return new ValidationError([{ path: typeof path === 'string' ? [path] : path, message }]);
  }
  override details() {
    return { fieldErrors: this.fieldErrors };
  }
}

/** A record that does not exist, or exists in another tenant: the two are indistinguishable. */
export class NotFoundError extends KeywardenError {
  readonly code = 'NOT_FOUND' as const;
  constructor(readonly resource: string, readonly id?: string) {
    super(id ? `${resource} ${id} was not found` : `${resource} was not found`);
    this.name = 'NotFoundError';
  }
  override details() {
    return { resource: this.resource };
  }
}

/** The record a lookup found, or NOT_FOUND naming `resource` and `id` (the caller's tenant has none). */
export async function foundOr<T>(lookup: Promise<T | null>, resource: string, id: string): Promise<T> {
  const record = await lookup;
  if (record === null) throw new NotFoundError(resource, id);
  return record;
}

export class ForbiddenError extends KeywardenError {
  readonly code = 'FORBIDDEN' as const;
  constructor(readonly missingScopes: string[], message?: string) {
    super(message ?? `Missing scope${missingScopes.length === 1 ? '' : 's'}: ${missingScopes.join(', ')}`);
    this.name = 'ForbiddenError';
  }
  override details() {
    return { missingScopes: this.missingScopes };
  }
}

/** A REST route asked with a method it does not serve; `allow` is the one it does. */
export class MethodNotAllowedError extends KeywardenError {
  readonly code = 'METHOD_NOT_ALLOWED' as const;
  constructor(readonly allow: string, message = `Use ${allow}`) {
    super(message);
    this.name = 'MethodNotAllowedError';
  }
}

export class ConflictError extends KeywardenError {
  readonly code = 'CONFLICT' as const;
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'ConflictError';
  }
  override details() {
    return this.field ? { field: this.field } : {};
  }
}

export class AuthenticationError extends KeywardenError {
  readonly code = 'UNAUTHENTICATED' as const;
  /** `credentialRefused`: a credential was presented and refused, rather than none presented (RFC 6750's invalid_token). */
  constructor(message = 'A valid credential is required', readonly credentialRefused = false) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

export class RateLimitedError extends KeywardenError {
  readonly code = 'RATE_LIMITED' as const;
  constructor(readonly retryAfterSeconds: number, message = 'Too many requests') {
    super(`${message}; retry after ${retryAfterSeconds}s`);
    this.name = 'RateLimitedError';
  }
  override details() {
    return { retryAfter: this.retryAfterSeconds };
  }
}

export class BadRequestError extends KeywardenError {
  readonly code = 'BAD_REQUEST' as const;
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

/** Nothing was decided: a dependency (the database) cannot be reached now. Ask again after `retryAfter` seconds. */
export class ServiceUnavailableError extends KeywardenError {
  readonly code = 'SERVICE_UNAVAILABLE' as const;
  constructor(readonly retryAfterSeconds: number, message = 'The database cannot be reached; try again shortly') {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
  override details() {
    return { retryAfter: this.retryAfterSeconds };
  }
}
