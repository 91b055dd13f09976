/**
 * Allowed endpoints: glob patterns a key may call ("Allowed Endpoints" in Cerb; `*` = all).
 *
 * Format (decided here):
 * - An endpoint string, as the resource server passes it to `verify`, is either `/path` or
 *   `METHOD /path` (one space; the method is compared case-insensitively). A query string or
 *   fragment is ignored, so patterns must not contain one (`?` is the one-character glob).
 * - A pattern is `*` (everything), `/path-glob`, or `METHOD /path-glob` where METHOD is one of
 *   `HTTP_METHODS` in upper case. `METHOD *` means every path for that method.
 * - A pattern without a method matches any method, and endpoints given without a method.
 *   A pattern with a method matches only endpoints with that method: an endpoint given without
 *   a method cannot prove it is, say, a GET, so it is refused (fail closed).
 * - Path globs are picomatch globs, matched case-sensitively against the whole path:
 *   `*` is one segment (`/v1/tickets/*` matches `/v1/tickets/123`, not `/v1/tickets/1/comments`
 *   nor `/v1/tickets/`), `**` any depth including none (`/v1/tickets/**` matches `/v1/tickets`
 *   and `/v1/tickets/1/comments`), `{a,b}` alternatives. Dot-segments (`.well-known`) are
 *   ordinary names.
 * - Endpoints containing `.` / `..` segments are never matched: otherwise `/v1/public/../admin`
 *   would be judged by a pattern for `/v1/public/**` while the server may resolve it to `/admin`.
 */
import picomatch from 'picomatch';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const ENDPOINT_PATTERN_MAX_LENGTH = 200;

/** `*` alone: every endpoint. */
export const ALL_ENDPOINTS = '*';

const PICOMATCH_OPTIONS: picomatch.PicomatchOptions = { dot: true, windows: false };

function isHttpMethod(value: string): value is HttpMethod {
  return (HTTP_METHODS as readonly string[]).includes(value);
}

/** Splits `METHOD /path` into its parts; no method when there is no space. */
function splitMethod(text: string): { method: string | null; path: string } {
  const space = text.indexOf(' ');
  if (space === -1) return { method: null, path: text };
  return { method: text.slice(0, space), path: text.slice(space + 1) };
}

/** Returns an error message, or null when the pattern is valid. */
export function validateEndpointPattern(pattern: string): string | null {
  if (pattern.length === 0) return 'Endpoint pattern must not be empty';
  if (pattern.length > ENDPOINT_PATTERN_MAX_LENGTH) {
    return `Endpoint pattern must be at most ${ENDPOINT_PATTERN_MAX_LENGTH} characters`;
  }
  if (/[\u0000-\u001f\u007f]/.test(pattern)) {
    return `Endpoint pattern "${pattern}" must not contain control characters`;
  }
  const { method, path } = splitMethod(pattern);
  if (method !== null && !/^[A-Za-z]+$/.test(method)) {
    return `Endpoint pattern "${pattern}" must not contain whitespace (other than one space after the method)`;
  }
  if (method !== null && !isHttpMethod(method)) {
    return `Endpoint pattern "${pattern}" must be "*", "/path" or "METHOD /path" with METHOD one of ${HTTP_METHODS.join(', ')}`;
  }
  if (/\s/.test(path)) {
    return `Endpoint pattern "${pattern}" must not contain whitespace (other than one space after the method)`;
  }
  if (path === ALL_ENDPOINTS) return null;
  if (!path.startsWith('/')) {
    return `Endpoint pattern "${pattern}" must be "*" or start with "/" (optionally after a method)`;
  }
  if (path.includes('?') && /\?[^/]*=/.test(path)) {
    return `Endpoint pattern "${pattern}" must not contain a query string`;
  }
  try {
    picomatch.makeRe(path, PICOMATCH_OPTIONS);
  } catch {
    return `Endpoint pattern "${pattern}" is not a valid glob`;
  }
  return null;
}

interface CompiledPattern {
  method: string | null;
  matchPath: (path: string) => boolean;
}

const matchEverything = (): boolean => true;

/**
 * Compiles patterns into one predicate (true when ANY pattern matches). An empty list matches
 * nothing. Throws when a pattern is invalid: stored patterns are validated on write.
 */
export function compileEndpointMatcher(patterns: readonly string[]): (endpoint: string) => boolean {
  const compiled: CompiledPattern[] = patterns.map((pattern) => {
    const error = validateEndpointPattern(pattern);
    if (error !== null) throw new Error(error);
    const { method, path } = splitMethod(pattern);
    return {
      method,
      matchPath: path === ALL_ENDPOINTS ? matchEverything : picomatch(path, PICOMATCH_OPTIONS),
    };
  });
  if (compiled.some((c) => c.method === null && c.matchPath === matchEverything)) return matchEverything;

  return (endpoint: string): boolean => {
    const { method: rawMethod, path: rawPath } = splitMethod(endpoint);
    const method = rawMethod?.toUpperCase() ?? null;
    const path = rawPath.replace(/[?#].*$/, '');
    if (!path.startsWith('/') || hasDotSegment(path)) return false;
    return compiled.some((c) => (c.method === null || c.method === method) && c.matchPath(path));
  };
}

function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => segment === '.' || segment === '..');
}
