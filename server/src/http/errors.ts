import type { Logger } from '../logger.ts';
import { isDatabaseUnavailable, serviceUnavailable } from '../db/unavailable.ts';
import { AuthenticationError, KeywardenError, MethodNotAllowedError, RateLimitedError, type ErrorCode } from '../domain/errors.ts';
import { OverloadedError } from '../services/verification/limiter.ts';
import { JSON_HEADERS, type TextReply } from './reply.ts';

// The one place that renders a failure of a REST route: an expected error (a KeywardenError, and
// for OAuth its own errors) in the route's body format with its status; the database out of reach
// as SERVICE_UNAVAILABLE; anything else logged with the request id and answered 500.

/** The HTTP status of each code: REST answers, and GraphQL's `extensions.http`. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  VALIDATION_FAILED: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  BAD_REQUEST: 400,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  OVERLOADED: 503,
};

/**
 * Exhausted argon2 capacity (OverloadedError) is answered where it is met:
 * - POST /v1/verify, while verifying the presented key: 503 OVERLOADED with Retry-After;
 * - the OAuth routes: 503 temporarily_unavailable with Retry-After (OAUTH_CODES);
 * - authenticating the caller (any route) and the GraphQL API: 429 RATE_LIMITED, through this.
 */
export function overloadedAsRateLimited(error: unknown): unknown {
  return error instanceof OverloadedError ? new RateLimitedError(error.retryAfterSeconds, 'Verification capacity exhausted') : error;
}

/** How a route writes its failures. */
export interface ErrorFormat {
  /** The reply for an expected error; null: not one this format answers (then logged, and `unexpected`). */
  expected(error: unknown, requestId: string): TextReply | null;
  unexpected(requestId: string): TextReply;
}

/** Keywarden's own routes: `{ error: { code, message, requestId, ...details } }`. */
export const KEYWARDEN_ERRORS: ErrorFormat = {
  expected(error, requestId) {
    if (!(error instanceof KeywardenError)) return null;
    const details = error.details();
    const headers: Record<string, string> = { ...JSON_HEADERS, ...httpHeaders(error), 'x-request-id': requestId };
    return { status: HTTP_STATUS[error.code], headers, body: JSON.stringify({ error: { code: error.code, message: error.message, requestId, ...details } }) };
  },
  unexpected(requestId) {
    const body = { error: { code: 'INTERNAL_SERVER_ERROR', message: `Unexpected error (request id ${requestId})`, requestId } };
    return { status: 500, headers: { ...JSON_HEADERS, 'x-request-id': requestId }, body: JSON.stringify(body) };
  },
};

/**
 * The headers an expected error answers with: Retry-After when it says when to ask again, Allow for
 * 405, and a Bearer challenge with every 401 (GraphQL's `extensions.http` too).
 */
export function httpHeaders(error: KeywardenError): Record<string, string> {
  const headers: Record<string, string> = {};
  const { retryAfter } = error.details();
  if (typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  if (error instanceof MethodNotAllowedError) headers.allow = error.allow;
  if (error instanceof AuthenticationError) headers['www-authenticate'] = bearerChallenge(error);
  return headers;
}

/**
 * RFC 6750 §3: no credential gets the bare challenge (no error code, per §3.1); a refused one gets
 * invalid_token. The description is the error's message, kept to the characters §3 allows.
 */
export function bearerChallenge(error: AuthenticationError): string {
  if (!error.credentialRefused) return 'Bearer realm="keywarden"';
  const description = error.message.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
  return `Bearer realm="keywarden", error="invalid_token", error_description="${description}"`;
}

/** Where a failure happened, for its log line and its answer. */
export interface FailureSite {
  requestId: string;
  route: string;
}

/** The answer to a route's failure, in the route's format. */
export function restFailure(logger: Logger, caught: unknown, site: FailureSite, format: ErrorFormat = KEYWARDEN_ERRORS): TextReply {
  // Nothing was decided without the database: 503 and Retry-After, never a 500.
  const error = isDatabaseUnavailable(caught) ? serviceUnavailable(logger, caught, { ...site }) : caught;
  const answer = format.expected(error, site.requestId);
  if (answer !== null) return answer;
  logger.error({ err: error, ...site }, `unexpected error in ${site.route}`);
  return format.unexpected(site.requestId);
}
