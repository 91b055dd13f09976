// The SDK's errors. Every failure a caller sees is one of these classes: the transport converts
// top-level GraphQL errors (by `extensions.code`), HTTP failures, network failures and the error
// members of mutation result unions (by `__typename`) here, in one place. No urql type leaks out.

import type { KeyFormatProblem } from './keyFormat.ts';

/** The server's closed set of codes, plus the ones only a client can produce. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'BAD_REQUEST'
  | 'INTERNAL_SERVER_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'MALFORMED_KEY';

/** One top-level GraphQL error as the server sent it (plain data). */
export interface GraphQLErrorInfo {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface FieldError {
  /** Path of the invalid field in the input, e.g. `['input', 'ipRules', '2', 'cidr']`. */
  path: string[];
  message: string;
}

export interface ErrorDetails {
  message: string;
  /** HTTP status of the response, when one arrived. */
  status?: number;
  /** The server's request id (send it with a bug report). */
  requestId?: string;
  /** Where in the result the error happened (top-level GraphQL errors). */
  path?: readonly (string | number)[];
  /** The GraphQL operation, e.g. `CreateKey`, or `POST /v1/verify`. */
  operation?: string;
  /** Every top-level GraphQL error of the response, when there were several. */
  graphQLErrors?: readonly GraphQLErrorInfo[];
  cause?: unknown;
}

export class KeywardenError extends Error {
  readonly code: ErrorCode;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly path: readonly (string | number)[] | undefined;
  readonly operation: string | undefined;
  readonly graphQLErrors: readonly GraphQLErrorInfo[];

  /** `name`: each subclass gives its own, with its code, in one call. */
  constructor(code: ErrorCode, details: ErrorDetails, name = 'KeywardenError') {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = name;
    this.code = code;
    this.status = details.status;
    this.requestId = details.requestId;
    this.path = details.path;
    this.operation = details.operation;
    this.graphQLErrors = details.graphQLErrors ?? [];
  }
}

/** No credential, or one the server does not accept (unknown, expired, revoked, malformed). */
export class AuthenticationError extends KeywardenError {
  constructor(details: ErrorDetails) {
    super('UNAUTHENTICATED', details, 'AuthenticationError');
  }
}

export class ForbiddenError extends KeywardenError {
  /** The scopes the caller would need (may be empty when no scope would do). */
  readonly missingScopes: string[];
  constructor(details: ErrorDetails & { missingScopes?: string[] }) {
    super('FORBIDDEN', details, 'ForbiddenError');
    this.missingScopes = details.missingScopes ?? [];
  }
}

/** The record does not exist, or belongs to another tenant (the two look the same). */
export class NotFoundError extends KeywardenError {
  /** What was looked for, e.g. `ApiKey`, when the server says. */
  readonly resource: string | undefined;
  constructor(details: ErrorDetails & { resource?: string }) {
    super('NOT_FOUND', details, 'NotFoundError');
    this.resource = details.resource;
  }
}

export class ValidationError extends KeywardenError {
  readonly fieldErrors: FieldError[];
  constructor(details: ErrorDetails & { fieldErrors?: FieldError[] }) {
    super('VALIDATION_FAILED', details, 'ValidationError');
    this.fieldErrors = details.fieldErrors ?? [];
  }
  /** The message for one field, matched by the end of its path (`'cidr'`, `['ipRules', '0', 'cidr']`). */
  messageFor(path: string | string[]): string | undefined {
    const want = typeof path === 'string' ? [path] : path;
    return this.fieldErrors.find((e) => want.length <= e.path.length && want.every((p, i) => e.path[e.path.length - want.length + i] === p))?.message;
  }
}

export class ConflictError extends KeywardenError {
  /** The field that must be unique, when the server says (e.g. `slug`). */
  readonly field: string | undefined;
  constructor(details: ErrorDetails & { field?: string }) {
    super('CONFLICT', details, 'ConflictError');
    this.field = details.field;
  }
}

export class RateLimitedError extends KeywardenError {
  /** Seconds to wait before trying again. */
  readonly retryAfter: number;
  constructor(details: ErrorDetails & { retryAfter?: number }) {
    super('RATE_LIMITED', details, 'RateLimitedError');
    this.retryAfter = details.retryAfter ?? 1;
  }
}

/** The request itself was wrong (unknown field, bad argument type, unsupported credential form). */
export class BadRequestError extends KeywardenError {
  constructor(details: ErrorDetails) {
    super('BAD_REQUEST', details, 'BadRequestError');
  }
}

/** The server failed (5xx, or INTERNAL_SERVER_ERROR); `requestId` finds it in the server's log. */
export class ServerError extends KeywardenError {
  /** Seconds the server asked to wait (503 with Retry-After). */
  readonly retryAfter: number | undefined;
  constructor(details: ErrorDetails & { retryAfter?: number }, code: 'INTERNAL_SERVER_ERROR' | 'SERVICE_UNAVAILABLE' = 'INTERNAL_SERVER_ERROR') {
    super(code, details, 'ServerError');
    this.retryAfter = details.retryAfter;
  }
}

/** No answer: connection refused, reset, DNS failure, unreadable response. */
export class NetworkError extends KeywardenError {
  constructor(details: ErrorDetails, code: 'NETWORK_ERROR' | 'TIMEOUT' = 'NETWORK_ERROR') {
    super(code, details, 'NetworkError');
  }
}

/** No answer within `timeoutMs`. */
export class TimeoutError extends NetworkError {
  constructor(details: ErrorDetails) {
    super(details, 'TIMEOUT');
    this.name = 'TimeoutError';
  }
}

/** The caller's AbortSignal fired. */
export class AbortedError extends KeywardenError {
  constructor(details: ErrorDetails) {
    super('ABORTED', details, 'AbortedError');
  }
}

/** A key failed the offline format check (prefix, shape or checksum); nothing was sent. */
export class MalformedKeyError extends KeywardenError {
  readonly problem: KeyFormatProblem;
  constructor(problem: KeyFormatProblem, message: string) {
    super('MALFORMED_KEY', { message }, 'MalformedKeyError');
    this.problem = problem;
  }
}

// --- conversion -------------------------------------------------------------------------------

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function fieldErrorsOf(v: unknown): FieldError[] {
  if (!Array.isArray(v)) return [];
  return v.map((e: any) => ({ path: strings(e?.path), message: String(e?.message ?? '') }));
}

/** Builds the class for a code, from the fields the server attached (extensions or union member). */
export function errorForCode(code: string | undefined, fields: Record<string, unknown>, details: ErrorDetails): KeywardenError {
  switch (code) {
    case 'UNAUTHENTICATED':
      return new AuthenticationError(details);
    case 'FORBIDDEN':
      return new ForbiddenError({ ...details, missingScopes: strings(fields.missingScopes) });
    case 'NOT_FOUND':
      return new NotFoundError({ ...details, resource: str(fields.resource) });
    case 'VALIDATION_FAILED':
      return new ValidationError({ ...details, fieldErrors: fieldErrorsOf(fields.fieldErrors) });
    case 'CONFLICT':
      return new ConflictError({ ...details, field: str(fields.field) });
    case 'RATE_LIMITED':
      return new RateLimitedError({ ...details, retryAfter: num(fields.retryAfter) });
    case 'BAD_REQUEST':
      return new BadRequestError(details);
    case 'INTERNAL_SERVER_ERROR':
      return new ServerError(details);
    case 'SERVICE_UNAVAILABLE':
      // Nothing was done (the server's database is out of reach): retried after `retryAfter`.
      return new ServerError({ ...details, retryAfter: num(fields.retryAfter) }, 'SERVICE_UNAVAILABLE');
    default:
      // A code this SDK does not know (e.g. from a newer server): classify by status, else a bad request.
      if (details.status !== undefined && details.status >= 500) return errorForStatus(details.status, details);
      return new BadRequestError(details);
  }
}

/** A response with no usable body: classify by HTTP status alone. */
export function errorForStatus(status: number, details: ErrorDetails & { retryAfter?: number }): KeywardenError {
  if (status === 401) return new AuthenticationError(details);
  if (status === 403) return new ForbiddenError(details);
  if (status === 404) return new NotFoundError(details);
  if (status === 409) return new ConflictError(details);
  if (status === 429) return new RateLimitedError(details);
  if (status === 503) return new ServerError(details, 'SERVICE_UNAVAILABLE');
  if (status >= 500) return new ServerError(details);
  return new BadRequestError(details);
}

/** The first top-level GraphQL error decides the class; all of them stay on `graphQLErrors`. */
export function errorFromGraphQLErrors(
  errors: readonly GraphQLErrorInfo[],
  context: { status?: number; operation?: string; retryAfterHeader?: number; /** The response's x-request-id. */ requestId?: string },
): KeywardenError {
  const first = errors[0] ?? { message: 'Unknown error' };
  const ext = first.extensions ?? {};
  const code = str(ext.code);
  const retryAfter = num(ext.retryAfter) ?? context.retryAfterHeader;
  return errorForCode(code, { ...ext, retryAfter }, {
    message: first.message,
    status: context.status,
    requestId: str(ext.requestId) ?? context.requestId,
    path: first.path,
    operation: context.operation,
    graphQLErrors: errors,
  });
}

/** The union members of mutation results that implement the `Error` interface. */
export interface UnionErrorMember {
  __typename: string;
  message: string;
  code: string;
  [field: string]: unknown;
}

const ERROR_TYPENAMES = new Set(['ValidationError', 'NotFoundError', 'ConflictError', 'ForbiddenError', 'RateLimitedError']);

export function isUnionError(value: { __typename: string }): value is UnionErrorMember {
  return ERROR_TYPENAMES.has(value.__typename) || ('code' in value && 'message' in value && value.__typename.endsWith('Error'));
}

/**
 * An error member of a mutation's result union (`... on ValidationError { … }`) as a class, with the
 * status and request id of the response that carried it.
 */
export function errorFromUnionMember(member: UnionErrorMember, operation?: string, response?: { status?: number; requestId?: string }): KeywardenError {
  return errorForCode(member.code, member, { message: member.message, operation, status: response?.status, requestId: response?.requestId });
}
