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
 * - The presented path is matched in the form a server routes, not as written: otherwise
 *   `/v1/tickets/%2e%2e/admin` would be judged by `/v1/tickets/**` while the server serves
 *   `/v1/admin`. `normalizeEndpointPath` percent-decodes once (so `%2F` and `%2E` count as `/`
 *   and `.`), drops `;` parameters from each segment (`..;` is `..`, as Tomcat and Spring see it),
 *   then removes `.` and `..` segments (RFC 3986 §5.2.4). Patterns are written in that decoded form.
 * - Where servers disagree on what a path means, it is refused (matches nothing), so no server can
 *   route it somewhere the key was not given: invalid percent-encoding (including overlong UTF-8
 *   such as `%c0%ae`); double encoding (`%252e`, which a second decoding turns into `.`); control
 *   characters once decoded (some servers cut a path at `%00`); backslashes, raw or `%5C` (WHATWG
 *   URL parsers and IIS read `\` as `/`, most routers as a plain character); empty segments (`//`:
 *   nginx merges them, RFC 3986 keeps them, so `/a/b//../c` is `/a/c` to one and `/a/b/c` to the
 *   other); and a `..` that would climb above the root.
 * - `*` alone allows every endpoint string without reading it (malformed ones too), as it allows
 *   a request that names no endpoint.
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
  if (/%[0-9A-Fa-f]{2}/.test(path)) {
    return `Endpoint pattern "${pattern}" must not contain percent-encoding: paths are matched decoded, write the characters themselves`;
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
    const normalized = normalizeEndpointPath(rawPath);
    if (!normalized.ok) return false;
    return compiled.some((c) => (c.method === null || c.method === method) && c.matchPath(normalized.path));
  };
}

export type NormalizedPath = { ok: true; path: string } | { ok: false; problem: string };

/**
 * The path a server routes for the path part of an endpoint (query string and fragment dropped),
 * or why it is refused (see the rules at the top of this file).
 */
export function normalizeEndpointPath(rawPath: string): NormalizedPath {
  const refuse = (problem: string): NormalizedPath => ({ ok: false, problem });
  // Split off the query before decoding: an encoded `?` (%3F) belongs to the path.
  const raw = rawPath.replace(/[?#].*$/, '');
  if (!raw.startsWith('/')) return refuse('it does not start with "/"');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return refuse('it has invalid percent-encoding');
  }
  // Decoding once leaves a `%` only where the text had `%25`: `%252e` would be `.` to a server that decodes twice.
  if (/%[0-9A-Fa-f]{2}/.test(decoded)) return refuse('it is percent-encoded twice');
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return refuse('it has control characters once decoded');
  if (decoded.includes('\\')) return refuse('it has a backslash, which some servers read as "/"');

  const segments = decoded.slice(1).split('/').map((segment) => segment.replace(/;.*$/, ''));
  // A trailing slash leaves one empty last segment; any other empty segment is a `//`.
  if (segments.slice(0, -1).includes('')) return refuse('it has an empty segment ("//"), which some servers merge');
  const output: string[] = [];
  for (const segment of segments) {
    if (segment === '..') {
      if (output.length === 0) return refuse('it climbs above the root');
      output.pop();
    } else if (segment !== '.') {
      output.push(segment);
    }
  }
  // `/a/b/..` is `/a/`: a final dot segment leaves the slash before it (RFC 3986 §5.2.4).
  const last = segments[segments.length - 1];
  if (last === '.' || last === '..') output.push('');
  return { ok: true, path: '/' + output.join('/') };
}

/** Why an endpoint's path is refused whatever the patterns; null when it is well formed. */
export function endpointPathProblem(endpoint: string): string | null {
  const normalized = normalizeEndpointPath(splitMethod(endpoint).path);
  return normalized.ok ? null : normalized.problem;
}
