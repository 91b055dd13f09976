import { describe, expect, it } from 'vitest';
import { compileRouteMap, NO_ROUTE_MAP, routeListProblem } from '../../src/domain/routeMap.ts';

describe('route map', () => {
  const map = compileRouteMap('DENY', [
    { pattern: 'GET /v1/tickets/export', scopes: ['tickets:export'] },
    { pattern: 'GET /v1/tickets/**', scopes: ['tickets:read', 'tickets:read'] },
    { pattern: '/v1/tickets/**', scopes: ['tickets:write'] },
    { pattern: 'GET *', scopes: [] },
  ]);

  it('the first match decides; a route without a method matches every method', () => {
    expect(map.requiredScopes('GET', '/v1/tickets/export')).toEqual({ allowed: true, scopes: ['tickets:export'] });
    expect(map.requiredScopes('GET', '/v1/tickets/1')).toEqual({ allowed: true, scopes: ['tickets:read'] });
    expect(map.requiredScopes('GET', '/v1/tickets')).toEqual({ allowed: true, scopes: ['tickets:read'] });
    expect(map.requiredScopes('DELETE', '/v1/tickets/1')).toEqual({ allowed: true, scopes: ['tickets:write'] });
    expect(map.requiredScopes('GET', '/elsewhere')).toEqual({ allowed: true, scopes: [] });
  });

  it('none matching: the default', () => {
    expect(map.requiredScopes('POST', '/elsewhere')).toEqual({ allowed: false });
    expect(compileRouteMap('ALLOW', []).requiredScopes('POST', '/x')).toEqual({ allowed: true, scopes: [] });
    expect(NO_ROUTE_MAP.requiredScopes('GET', '/')).toEqual({ allowed: false });
  });

  it('paths are matched case-sensitively, methods exactly as given (upper case)', () => {
    expect(map.requiredScopes('POST', '/V1/tickets/1')).toEqual({ allowed: false });
  });

  it('names the first bad route and field', () => {
    expect(routeListProblem([{ pattern: '/ok', scopes: [] }, { pattern: 'get /x', scopes: [] }])).toMatchObject({ index: 1, field: 'pattern' });
    expect(routeListProblem([{ pattern: '/ok', scopes: ['nope'] }])).toMatchObject({ index: 0, field: 'scopes' });
    expect(routeListProblem(Array.from({ length: 201 }, () => ({ pattern: '/x', scopes: [] })))).toMatchObject({ field: 'pattern' });
    expect(routeListProblem([{ pattern: 'GET /v1/**', scopes: ['a:b'] }])).toBeNull();
  });
});
