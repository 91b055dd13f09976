import { describe, expect, it } from 'vitest';
import {
  MANAGEMENT_SCOPES,
  effectiveScopes,
  isManagementScope,
  roleScopes,
  scopeSet,
  validateScopeName,
  type BuiltIn,
} from '../../src/domain/scopes.ts';

const MANAGEMENT_SCOPE_NAMES = MANAGEMENT_SCOPES.map((s) => s.name);

const PART_MESSAGE = (name: string, part: 'resource' | 'action') =>
  `Scope "${name}": the ${part} must start with a lowercase letter and contain only lowercase letters, digits, "_", "-" and "."`;

describe('validateScopeName', () => {
  it.each([
    'secrets:read',
    'integrations:write',
    'automated_jobs:write',
    'a:b',
    'v2.tickets:read-all',
    'x1:y2',
    'r'.repeat(50) + ':' + 'a'.repeat(49), // 100 characters
  ])('accepts %j', (name) => {
    expect(validateScopeName(name)).toBeNull();
  });

  it.each([
    ['', 'Scope name must not be empty'],
    ['r'.repeat(50) + ':' + 'a'.repeat(50), 'Scope name must be at most 100 characters'],
    ['secrets', 'Scope "secrets" must have the form resource:action'],
    ['a:b:c', 'Scope "a:b:c" must have the form resource:action'],
    ['*', 'Scope "*" must have the form resource:action'],
    [':read', PART_MESSAGE(':read', 'resource')],
    ['secrets:', PART_MESSAGE('secrets:', 'action')],
    ['Secrets:read', PART_MESSAGE('Secrets:read', 'resource')],
    ['secrets:Read', PART_MESSAGE('secrets:Read', 'action')],
    ['1secrets:read', PART_MESSAGE('1secrets:read', 'resource')],
    ['secrets:_read', PART_MESSAGE('secrets:_read', 'action')],
    ['secrets:*', PART_MESSAGE('secrets:*', 'action')],
    ['sec rets:read', PART_MESSAGE('sec rets:read', 'resource')],
    ['secrets:read ', PART_MESSAGE('secrets:read ', 'action')],
    ['!secrets:read', PART_MESSAGE('!secrets:read', 'resource')],
    ['sécrets:read', PART_MESSAGE('sécrets:read', 'resource')],
  ])('rejects %j', (name, message) => {
    expect(validateScopeName(name)).toBe(message);
  });
});

describe('management scopes', () => {
  it('are valid, unique and described', () => {
    for (const { name, description } of MANAGEMENT_SCOPES) {
      expect(validateScopeName(name)).toBeNull();
      expect(description.length).toBeGreaterThan(0);
    }
    expect(new Set(MANAGEMENT_SCOPE_NAMES).size).toBe(MANAGEMENT_SCOPES.length);
    for (const required of [
      'tenant:admin', 'members:read', 'members:write', 'roles:read', 'roles:write', 'scopes:read', 'scopes:write',
      'groups:read', 'groups:write', 'keys:read', 'keys:write', 'keys:verify', 'audit:read', 'tokens:write',
    ]) {
      expect(isManagementScope(required)).toBe(true);
    }
  });

  it.each(['secrets:read', '*', 'keys:delete'])('%j is not a management scope', (name) => {
    expect(isManagementScope(name)).toBe(false);
  });
});

describe('built-in roles', () => {
  const reads = MANAGEMENT_SCOPE_NAMES.filter((s) => s.endsWith(':read'));

  it.each<[BuiltIn, string, boolean]>([
    ['OWNER', 'tenant:admin', true],
    ['OWNER', 'keys:write', true],
    ['OWNER', 'secrets:read', true], // every resource scope of the tenant
    ['ADMIN', 'tenant:admin', false],
    ['ADMIN', 'keys:write', true],
    ['ADMIN', 'members:write', true],
    ['ADMIN', 'secrets:read', true],
    ['MEMBER', 'keys:write', false],
    ['MEMBER', 'keys:verify', true],
    ['MEMBER', 'keys:read', true],
    ['MEMBER', 'audit:read', false],
    ['MEMBER', 'secrets:read', false],
    ['VIEWER', 'keys:read', true],
    ['VIEWER', 'keys:verify', false],
    ['VIEWER', 'audit:read', false],
    ['VIEWER', 'tokens:read', false],
    ['VIEWER', 'secrets:read', false],
  ])('%s has %s: %s', (role, scope, expected) => {
    expect(roleScopes({ builtIn: role, scopes: [] }).has(scope)).toBe(expected);
  });

  it('fixes MEMBER and VIEWER to the listed scopes', () => {
    expect(roleScopes({ builtIn: 'MEMBER', scopes: [] }).toArray()).toEqual(
      [...reads.filter((s) => s !== 'audit:read'), 'keys:verify'].sort(),
    );
    expect(roleScopes({ builtIn: 'VIEWER', scopes: [] }).toArray()).toEqual(
      ['groups:read', 'keys:read', 'members:read', 'roles:read', 'scopes:read'],
    );
  });

  it('OWNER holds every management scope, ADMIN all but tenant:admin', () => {
    const owner = roleScopes({ builtIn: 'OWNER', scopes: [] });
    const admin = roleScopes({ builtIn: 'ADMIN', scopes: [] });
    expect(owner.missing(MANAGEMENT_SCOPE_NAMES)).toEqual([]);
    expect(admin.missing(MANAGEMENT_SCOPE_NAMES)).toEqual(['tenant:admin']);
    expect(owner.toArray()).toEqual(['*']);
    expect(admin.toArray()).toEqual(['*', '!tenant:admin']);
  });

  it('ignores stored scopes of a built-in role and uses those of a custom role', () => {
    expect(roleScopes({ builtIn: 'VIEWER', scopes: ['keys:write'] }).has('keys:write')).toBe(false);
    expect(roleScopes({ builtIn: null, scopes: ['secrets:read', 'keys:read'] }).toArray()).toEqual(['keys:read', 'secrets:read']);
  });

  it.each<[BuiltIn, BuiltIn, boolean]>([
    ['OWNER', 'OWNER', true],
    ['ADMIN', 'OWNER', true],
    ['OWNER', 'ADMIN', false],
    ['ADMIN', 'ADMIN', true],
    ['MEMBER', 'ADMIN', true],
    ['VIEWER', 'MEMBER', true],
    ['MEMBER', 'VIEWER', false],
    ['ADMIN', 'MEMBER', false],
  ])('role %s ⊆ role %s: %s', (requested, held, expected) => {
    expect(
      roleScopes({ builtIn: requested, scopes: [] }).isSubsetOf(roleScopes({ builtIn: held, scopes: [] })),
    ).toBe(expected);
  });
});

describe('ScopeSet', () => {
  it.each<[string[], string[]]>([
    [['b:x', 'a:x', 'b:x'], ['a:x', 'b:x']],
    [[], []],
    [['*'], ['*']],
    [['a:x', '*'], ['*']],
    [['*', '!b:x', '!a:x'], ['*', '!a:x', '!b:x']],
    [['*', '!a:x', 'a:x'], ['*', '!a:x']], // exclusion wins
    [['a:x', 'b:x', '!a:x'], ['b:x']],
  ])('scopeSet(%j).toArray() = %j', (list, expected) => {
    expect(scopeSet(list).toArray()).toEqual(expected);
    expect(scopeSet(scopeSet(list).toArray()).toArray()).toEqual(expected); // round trip
  });

  it.each<[string[], string[], string[]]>([
    [['a:x', 'b:x'], ['b:x', 'c:x'], ['b:x']],
    [['a:x'], ['c:x'], []],
    [['*'], ['b:x', 'a:x'], ['a:x', 'b:x']],
    [['b:x', 'a:x'], ['*'], ['a:x', 'b:x']],
    [['*'], ['*'], ['*']],
    [['*', '!a:x'], ['*'], ['*', '!a:x']],
    [['*', '!a:x'], ['*', '!b:x'], ['*', '!a:x', '!b:x']],
    [['*', '!a:x'], ['a:x', 'b:x'], ['b:x']],
    [['a:x', 'b:x'], ['*', '!a:x'], ['b:x']],
    [[], ['*'], []],
  ])('%j ∩ %j = %j', (left, right, expected) => {
    expect(scopeSet(left).intersect(right).toArray()).toEqual(expected);
    expect(scopeSet(right).intersect(scopeSet(left)).toArray()).toEqual(expected); // commutative
  });

  it.each<[string[], string[], string[]]>([
    [['a:x', 'b:x'], ['a:x', 'c:x', 'd:x', 'c:x'], ['c:x', 'd:x']],
    [['a:x'], [], []],
    [['*'], ['a:x', 'z:z'], []],
    [['*', '!tenant:admin'], ['keys:write', 'tenant:admin'], ['tenant:admin']],
    [[], ['b:x', 'a:x'], ['b:x', 'a:x']], // in the order asked
    [['a:x'], ['*'], ['*']],
    [['*', '!a:x'], ['*'], ['*']],
  ])('%j missing %j = %j', (held, wanted, expected) => {
    const set = scopeSet(held);
    expect(set.missing(wanted)).toEqual(expected);
    expect(set.includesAll(wanted)).toBe(expected.length === 0);
  });

  it('expands an unbounded set against a catalogue', () => {
    const catalogue = ['secrets:read', 'tenant:admin', 'keys:write', 'secrets:read'];
    expect(scopeSet(['*', '!tenant:admin']).expand(catalogue)).toEqual(['keys:write', 'secrets:read']);
    expect(scopeSet(['keys:write', 'other:x']).expand(catalogue)).toEqual(['keys:write']);
  });
});

describe('effectiveScopes', () => {
  it.each<[string, string[], string[], string[] | null, string[]]>([
    ['key ∩ role, group does not restrict', ['secrets:read', 'secrets:write', 'keys:read'], ['secrets:read', 'keys:read'], null, ['keys:read', 'secrets:read']],
    ['key ∩ role ∩ group', ['secrets:read', 'secrets:write', 'keys:read'], ['secrets:read', 'secrets:write', 'keys:read'], ['secrets:read'], ['secrets:read']],
    ['OWNER (*) keeps the key scopes', ['secrets:read', 'tenant:admin'], ['*'], null, ['secrets:read', 'tenant:admin']],
    ['ADMIN drops tenant:admin', ['secrets:read', 'tenant:admin'], ['*', '!tenant:admin'], null, ['secrets:read']],
    ['empty group limit grants nothing', ['secrets:read'], ['*'], [], []],
    ['key with no scopes', [], ['*'], null, []],
    ['role lost the scope', ['secrets:write'], ['secrets:read'], null, []],
    ['group with a wildcard', ['secrets:read'], ['secrets:read'], ['*'], ['secrets:read']],
  ])('%s', (_name, keyScopes, ownerRoleScopes, groupScopeLimit, expected) => {
    expect(effectiveScopes({ keyScopes, ownerRoleScopes, groupScopeLimit }).toArray()).toEqual(expected);
  });

  it('works with role sets from roleScopes', () => {
    const result = effectiveScopes({
      keyScopes: ['keys:write', 'keys:read', 'secrets:read'],
      ownerRoleScopes: roleScopes({ builtIn: 'MEMBER', scopes: [] }),
      groupScopeLimit: scopeSet(['keys:read', 'keys:write']),
    });
    expect(result.toArray()).toEqual(['keys:read']);
  });
});

describe('ScopeSet.isSubsetOf', () => {
  it.each<[string[], string[], boolean]>([
    [[], [], true],
    [['a:x'], ['a:x', 'b:x'], true],
    [['a:x', 'c:x'], ['a:x', 'b:x'], false],
    [['a:x'], ['*'], true],
    [['*'], ['*'], true],
    [['*'], ['a:x', 'b:x'], false],
    [['*'], ['*', '!a:x'], false],
    [['*', '!a:x'], ['*'], true],
    [['*', '!a:x', '!b:x'], ['*', '!a:x'], true],
    [['*', '!a:x'], ['*', '!a:x', '!b:x'], false],
    [['a:x'], ['*', '!a:x'], false],
    [['b:x'], ['*', '!a:x'], true],
  ])('%j ⊆ %j: %s', (requested, held, expected) => {
    expect(scopeSet(requested).isSubsetOf(held)).toBe(expected);
  });
});
