import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { compileEndpointMatcher, normalizeEndpointPath, validateEndpointPattern } from '../../src/domain/endpoints.ts';

describe('validateEndpointPattern', () => {
  it.each([
    '*',
    '/v1/tickets',
    '/v1/tickets/*',
    '/v1/tickets/**',
    '/v1/{tickets,users}/*',
    '/v1/tickets/*/comments',
    '/v1/file-?.txt',
    'GET /v1/tickets/**',
    'DELETE /v1/tickets/*',
    'OPTIONS *',
    '/' + 'a'.repeat(199),
  ])('accepts %j', (pattern) => {
    expect(validateEndpointPattern(pattern)).toBeNull();
  });

  it.each([
    ['', 'Endpoint pattern must not be empty'],
    ['/' + 'a'.repeat(200), 'Endpoint pattern must be at most 200 characters'],
    ['v1/tickets', 'Endpoint pattern "v1/tickets" must be "*" or start with "/" (optionally after a method)'],
    ['**', 'Endpoint pattern "**" must be "*" or start with "/" (optionally after a method)'],
    ['!/v1/admin', 'Endpoint pattern "!/v1/admin" must be "*" or start with "/" (optionally after a method)'],
    ['/v1/ tickets', 'Endpoint pattern "/v1/ tickets" must not contain whitespace (other than one space after the method)'],
    [' /v1/tickets', 'Endpoint pattern " /v1/tickets" must not contain whitespace (other than one space after the method)'],
    ['get /v1/tickets', 'Endpoint pattern "get /v1/tickets" must be "*", "/path" or "METHOD /path" with METHOD one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'],
    ['FETCH /v1', 'Endpoint pattern "FETCH /v1" must be "*", "/path" or "METHOD /path" with METHOD one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'],
    ['GET  /v1', 'Endpoint pattern "GET  /v1" must not contain whitespace (other than one space after the method)'],
    ['GET /v1 /x', 'Endpoint pattern "GET /v1 /x" must not contain whitespace (other than one space after the method)'],
    ['/v1/\ttickets', 'Endpoint pattern "/v1/\ttickets" must not contain control characters'],
    ['/v1/\ntickets', 'Endpoint pattern "/v1/\ntickets" must not contain control characters'],
    ['GET ', 'Endpoint pattern "GET " must be "*" or start with "/" (optionally after a method)'],
    ['/v1/search?q=1', 'Endpoint pattern "/v1/search?q=1" must not contain a query string'],
    ['/v1/a%20b', 'Endpoint pattern "/v1/a%20b" must not contain percent-encoding: paths are matched decoded, write the characters themselves'],
  ])('rejects %j', (pattern, message) => {
    expect(validateEndpointPattern(pattern)).toBe(message);
  });
});

describe('compileEndpointMatcher', () => {
  it.each<[string[], string, boolean]>([
    [['*'], '/v1/tickets/1/comments', true],
    [['*'], 'POST /anything/at/all', true],
    [['*'], '/', true],
    [['/v1/tickets/*'], '/v1/tickets/123', true],
    [['/v1/tickets/*'], '/v1/tickets/1/comments', false],
    [['/v1/tickets/*'], '/v1/tickets', false],
    [['/v1/tickets/*'], '/v1/tickets/', false],
    [['/v1/tickets/**'], '/v1/tickets/1/comments', true],
    [['/v1/tickets/**'], '/v1/tickets/123', true],
    [['/v1/tickets/**'], '/v1/tickets', true],
    [['/v1/tickets/**'], '/v1/ticketsX', false],
    [['/v1/tickets/**'], '/v1/tickets/../admin', false], // matched as resolved: /v1/admin
    [['/v1/tickets/**'], '/v1/tickets/./1', true], // /v1/tickets/1
    [['/v1/tickets/**'], '/v1/tickets/.hidden', true],
    [['/v1/tickets'], '/v1/tickets', true],
    [['/v1/tickets'], '/V1/Tickets', false], // case-sensitive
    [['/v1/tickets'], '/v1/tickets?page=2', true], // query ignored
    [['/v1/tickets'], '/v1/tickets#top', true],
    [['/v1/{tickets,users}/*'], '/v1/users/9', true],
    [['/v1/{tickets,users}/*'], '/v1/groups/9', false],
    [['/v1/tickets/*/comments'], '/v1/tickets/7/comments', true],
    // A pattern without a method matches any method, and endpoints given without one.
    [['/v1/tickets/**'], 'GET /v1/tickets/1', true],
    [['/v1/tickets/**'], 'DELETE /v1/tickets/1', true],
    // A pattern with a method matches that method only.
    [['GET /v1/tickets/**'], 'GET /v1/tickets/1', true],
    [['GET /v1/tickets/**'], 'get /v1/tickets/1', true],
    [['GET /v1/tickets/**'], 'POST /v1/tickets/1', false],
    [['GET /v1/tickets/**'], '/v1/tickets/1', false], // no method: fail closed
    [['GET /v1/tickets/**'], 'GET /v1/users/1', false],
    [['GET *'], 'GET /anything/deep', true],
    [['GET *'], 'POST /anything', false],
    [['GET /v1/tickets/**', 'POST /v1/tickets'], 'POST /v1/tickets', true],
    [['GET /v1/tickets/**', 'POST /v1/tickets'], 'POST /v1/tickets/1', false],
    [['/v1/a', '/v1/b/**'], '/v1/b/c/d', true],
    [[], '/v1/tickets', false], // no patterns: nothing
    [['/v1/tickets'], 'v1/tickets', false], // endpoint must be a path
    [['/v1/tickets'], '', false],
  ])('%j matches %j → %s', (patterns, endpoint, expected) => {
    expect(compileEndpointMatcher(patterns)(endpoint)).toBe(expected);
  });

  it('throws on an invalid stored pattern', () => {
    expect(() => compileEndpointMatcher(['/ok', 'bad'])).toThrow('Endpoint pattern "bad" must be "*" or start with "/"');
  });
});

describe('endpoint paths are matched in the form a server routes', () => {
  const tickets = compileEndpointMatcher(['GET /v1/tickets/**']);

  it.each([
    'GET /v1/tickets/%2e%2e/admin',
    'GET /v1/tickets/%2E%2E/admin',
    'GET /v1/tickets/%2e./admin',
    'GET /v1/tickets/..%2fadmin',
    'GET /v1/tickets/..%2Fadmin',
    'GET /v1/tickets/%2e%2e%2fadmin',
    'GET /v1/tickets/..;/admin',
    'GET /v1/tickets/..;jsessionid=1/admin',
    'GET /v1/tickets/.;/..;/admin',
    'GET /v1/tickets/1/../../admin',
    'GET /v1/tickets%2f..%2fadmin',
  ])('refuses %j, which a server routes outside /v1/tickets', (endpoint) => {
    expect(tickets(endpoint)).toBe(false);
  });

  it.each([
    ['GET /v1/tickets/%252e%252e/admin', 'it is percent-encoded twice'],
    ['GET /v1/tickets/%25252e%25252e/admin', 'it is percent-encoded twice'],
    ['GET /v1/tickets/%2/x', 'it has invalid percent-encoding'],
    ['GET /v1/tickets/%zz', 'it has invalid percent-encoding'],
    ['GET /v1/tickets/100%', 'it has invalid percent-encoding'],
    ['GET /v1/tickets/%c0%ae%c0%ae/admin', 'it has invalid percent-encoding'], // overlong UTF-8 for "."
    ['GET /v1/tickets/1%00.json', 'it has control characters once decoded'],
    ['GET /v1/tickets/..\\admin', 'it has a backslash, which some servers read as "/"'],
    ['GET /v1/tickets/..%5cadmin', 'it has a backslash, which some servers read as "/"'],
    ['GET /v1/tickets//../admin', 'it has an empty segment ("//"), which some servers merge'],
    ['GET /v1/tickets/%2f/x', 'it has an empty segment ("//"), which some servers merge'],
    ['GET /v1/tickets/;x/1', 'it has an empty segment ("//"), which some servers merge'],
    ['GET /..', 'it climbs above the root'],
    ['GET /v1/../../v1/tickets/1', 'it climbs above the root'],
    ['GET /%2e%2e/v1/tickets', 'it climbs above the root'],
  ])('refuses the malformed %j whatever the pattern (%s)', (endpoint, problem) => {
    expect(normalizeEndpointPath(endpoint.slice(4))).toEqual({ ok: false, problem });
    expect(tickets(endpoint)).toBe(false);
    expect(compileEndpointMatcher(['GET *'])(endpoint)).toBe(false);
  });

  it.each<[string, string]>([
    ['/v1/tickets/42', '/v1/tickets/42'],
    ['/v1/tickets', '/v1/tickets'],
    ['/v1/tickets/', '/v1/tickets/'],
    ['/', '/'],
    ['/v1/tickets/42?expand=%2e%2e/admin#x', '/v1/tickets/42'], // the query is not the path, and not decoded
    ['/v1/tickets/42?bad=%zz', '/v1/tickets/42'],
    ['/v1/tickets/a%3Fb', '/v1/tickets/a?b'], // an encoded ? belongs to the path
    ['/v1/tickets/hello%20world', '/v1/tickets/hello world'],
    ['/v1/tickets/caf%C3%A9', '/v1/tickets/café'],
    ['/v1/tickets/100%25', '/v1/tickets/100%'], // one decoding; a lone % after it is no encoding
    ['/v1/tickets/.well-known', '/v1/tickets/.well-known'],
    ['/v1/tickets/...', '/v1/tickets/...'],
    ['/v1/tickets;jsessionid=abc/42', '/v1/tickets/42'],
    ['/v1/tickets/42;v=2', '/v1/tickets/42'],
    ['/v1/tickets/1/%2e%2e/2', '/v1/tickets/2'],
    ['/v1/admin/%2e%2e/tickets/1', '/v1/tickets/1'],
    ['/v1/tickets/./1', '/v1/tickets/1'],
    ['/v1/tickets/1/..', '/v1/tickets/'],
    ['/v1/tickets/1/.', '/v1/tickets/1/'],
    ['/v1/..', '/'],
    ['/v1/tickets%2F42', '/v1/tickets/42'],
  ])('normalizes %j to %j', (path, normalized) => {
    expect(normalizeEndpointPath(path)).toEqual({ ok: true, path: normalized });
  });

  it.each([
    'GET /v1/tickets/42',
    'GET /v1/tickets',
    'GET /v1/tickets/hello%20world',
    'GET /v1/tickets;jsessionid=abc/42',
    'GET /v1/tickets/1/%2e%2e/2',
    'GET /v1/admin/%2e%2e/tickets/1', // the server routes this to /v1/tickets/1
    'GET /v1/tickets/42?next=/v1/admin',
  ])('still allows %j', (endpoint) => {
    expect(tickets(endpoint)).toBe(true);
  });

  it('`*` alone allows any endpoint string, malformed or not', () => {
    expect(compileEndpointMatcher(['*'])('GET /v1/%zz/../..')).toBe(true);
  });
});

/**
 * An independent reference: RFC 3986 §5.2.4's input/output buffer algorithm run on the decoded
 * path, refusing where it would climb above the root. Only ASCII is decoded: the generator makes
 * non-ASCII bytes only as invalid UTF-8, which must be refused.
 */
function referenceNormalize(rawPath: string): string | null {
  const path = rawPath.split(/[?#]/)[0]!;
  if (!path.startsWith('/') || /%(?![0-9A-Fa-f]{2})/.test(path)) return null;
  let bad = false;
  const decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const code = parseInt(hex, 16);
    if (code >= 0x80) bad = true;
    return String.fromCharCode(code);
  });
  if (bad || /%[0-9A-Fa-f]{2}/.test(decoded) || /[\x00-\x1f\x7f\\]/.test(decoded)) return null;
  let input = decoded.replace(/;[^/]*/g, '');
  if (input.includes('//')) return null;
  let output = '';
  while (input.length > 0) {
    if (input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../') || input === '/..') {
      if (output === '') return null; // above the root
      input = '/' + input.slice(input === '/..' ? 3 : 4);
      output = output.slice(0, output.lastIndexOf('/'));
    } else {
      const next = input.indexOf('/', 1);
      const end = next === -1 ? input.length : next;
      output += input.slice(0, end);
      input = input.slice(end);
    }
  }
  return output;
}

describe('endpoint matching: property', () => {
  // Mostly segments a server resolves (names, dot segments in every encoding, `;` parameters,
  // encoded slashes), sometimes one that makes the path malformed.
  const segment = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constantFrom(
        'v1', 'tickets', 'admin', '42', '.well-known', 'a%20b', '100%25', 'x;v=1', 'tickets;jsessionid=7',
        '.', '..', '%2e', '%2E', '%2e%2e', '%2E%2e', '.%2e', '%2e.', '..;', '..;x=1', '.;p', '%2e%2e;',
        '..%2f..', '..%2Fadmin', 'v1%2ftickets',
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom('%2f', '', '%252e%252e', '%25%32e', '..%5c', 'a\\b', '%c0%ae', '%zz', '%2', '%00') },
  );
  const path = fc
    .tuple(fc.boolean(), fc.array(segment, { maxLength: 8 }), fc.constantFrom('', '?q=%2e%2e/..', '#..', '?bad=%zz'))
    .map(([inTickets, segments, query]) => '/' + [...(inTickets ? ['v1', 'tickets'] : []), ...segments].join('/') + query);

  it('normalizes as the reference does, refusing what the reference refuses', () => {
    fc.assert(
      fc.property(path, (p) => {
        const expected = referenceNormalize(p);
        const actual = normalizeEndpointPath(p);
        expect(actual.ok ? actual.path : null).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('allows a path under /v1/tickets/** iff it normalizes inside /v1/tickets', () => {
    const allowed = compileEndpointMatcher(['GET /v1/tickets/**']);
    fc.assert(
      fc.property(path, (p) => {
        const normalized = referenceNormalize(p);
        const inside = normalized !== null && (normalized === '/v1/tickets' || normalized.startsWith('/v1/tickets/'));
        expect(allowed(`GET ${p}`)).toBe(inside);
      }),
      { numRuns: 5000 },
    );
  });

  it('allows a path iff the glob matches its normalized form', () => {
    const globs = ['/v1/tickets/*', '/v1/*/admin', '/v1/{tickets,admin}/**', '/**', '/v1/tickets/**/42'];
    const matchers = new Map(globs.map((glob) => [glob, { endpoint: compileEndpointMatcher([glob]), glob: picomatch(glob, { dot: true }) }]));
    fc.assert(
      fc.property(path, fc.constantFrom(...globs), (p, glob) => {
        const normalized = referenceNormalize(p);
        const { endpoint, glob: matchGlob } = matchers.get(glob)!;
        expect(endpoint(p)).toBe(normalized !== null && matchGlob(normalized));
      }),
      { numRuns: 5000 },
    );
  });
});
