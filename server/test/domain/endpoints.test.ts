import { describe, expect, it } from 'vitest';
import { compileEndpointMatcher, validateEndpointPattern } from '../../src/domain/endpoints.ts';

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
    [['/v1/tickets/**'], '/v1/tickets/../admin', false], // dot-segments never match
    [['/v1/tickets/**'], '/v1/tickets/./1', false],
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
