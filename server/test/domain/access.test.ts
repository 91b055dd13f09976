import { describe, expect, it } from 'vitest';
import { decideAccess, ipRuleInputs, ipRuleLevelOf, keyEffectiveScopes, keyStatusAt, type AccessInput } from '../../src/domain/access.ts';
import { compileIpRules, type IpRuleInput } from '../../src/domain/ipRules.ts';

const NOW = new Date('2026-11-23T12:00:00.000Z');

function input(overrides: Partial<Omit<AccessInput, 'key'>> & { key?: Partial<AccessInput['key']> } = {}): AccessInput {
  const { key, ...rest } = overrides;
  return {
    key: { status: 'ACTIVE', expiresAt: null, scopes: ['tickets:read', 'tickets:write'], endpoints: ['*'], ...key },
    group: null,
    tenant: { status: 'ACTIVE', apiEnabled: true },
    ownerRole: { builtIn: 'OWNER', scopes: [] },
    ipRules: [],
    now: NOW,
    ip: '203.0.113.10',
    ...rest,
  };
}

describe('keyStatusAt', () => {
  const at = (ms: number) => new Date(NOW.getTime() + ms);

  it('derives EXPIRED from expiresAt to the second: not before, from the second it is reached', () => {
    const expiresAt = at(60_000);
    expect(keyStatusAt({ status: 'ACTIVE', expiresAt }, at(59_000))).toBe('ACTIVE');
    expect(keyStatusAt({ status: 'ACTIVE', expiresAt }, at(59_999))).toBe('ACTIVE');
    expect(keyStatusAt({ status: 'ACTIVE', expiresAt }, at(60_000))).toBe('EXPIRED');
    expect(keyStatusAt({ status: 'ACTIVE', expiresAt }, at(61_000))).toBe('EXPIRED');
    expect(keyStatusAt({ status: 'ACTIVE', expiresAt: null }, at(10 ** 12))).toBe('ACTIVE');
  });

  it('ranks REVOKED over EXPIRED over DISABLED', () => {
    const past = at(-1000);
    expect(keyStatusAt({ status: 'REVOKED', expiresAt: past }, NOW)).toBe('REVOKED');
    expect(keyStatusAt({ status: 'DISABLED', expiresAt: past }, NOW)).toBe('EXPIRED');
    expect(keyStatusAt({ status: 'DISABLED', expiresAt: null }, NOW)).toBe('DISABLED');
  });
});

describe('ipRuleLevelOf / ipRuleInputs', () => {
  it('derives the level from which reference is set', () => {
    expect(ipRuleLevelOf({ groupId: null, apiKeyId: null })).toBe('TENANT');
    expect(ipRuleLevelOf({ groupId: 'grp_1', apiKeyId: null })).toBe('GROUP');
    expect(ipRuleLevelOf({ groupId: null, apiKeyId: 'key_1' })).toBe('KEY');
    expect(ipRuleInputs([{ id: 'ipr_1', action: 'DENY', cidr: '10.0.0.0/8', groupId: 'grp_1', apiKeyId: null }])).toEqual([
      { id: 'ipr_1', action: 'DENY', cidr: '10.0.0.0/8', level: 'GROUP' },
    ]);
  });
});

describe('decideAccess: codes and their order', () => {
  it('is VALID for an active key with nothing to refuse', () => {
    const decision = decideAccess(input({ endpoint: 'GET /v1/tickets', requiredScopes: ['tickets:read'] }));
    expect(decision).toMatchObject({ allowed: true, code: 'VALID', missingScopes: [], effectiveScopes: ['tickets:read', 'tickets:write'] });
  });

  it.each([
    ['a suspended tenant', input({ tenant: { status: 'SUSPENDED', apiEnabled: true } }), 'TENANT_DISABLED'],
    ["a tenant whose API is off", input({ tenant: { status: 'ACTIVE', apiEnabled: false } }), 'TENANT_DISABLED'],
    ['a revoked key', input({ key: { status: 'REVOKED' } }), 'REVOKED'],
    ['an expired key', input({ key: { expiresAt: new Date(NOW.getTime() - 1000) } }), 'EXPIRED'],
    ['a disabled key', input({ key: { status: 'DISABLED' } }), 'DISABLED'],
    ['a deactivated owner', input({ ownerActive: false }), 'DISABLED'],
    ['an address outside the ALLOWs', input({ ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8', level: 'KEY' }] }), 'IP_NOT_ALLOWED'],
    ['an endpoint outside the patterns', input({ key: { endpoints: ['GET /v1/**'] }, endpoint: 'POST /v1/tickets' }), 'ENDPOINT_NOT_ALLOWED'],
    ['a scope the key lacks', input({ requiredScopes: ['billing:read'] }), 'INSUFFICIENT_SCOPES'],
  ] as const)('refuses %s', (_label, access, code) => {
    const decision = decideAccess(access);
    expect(decision.allowed).toBe(false);
    expect(decision.code).toBe(code);
    expect(decision.detail.length).toBeGreaterThan(0);
  });

  it('reports the first failing check: tenant, revoked, expired, disabled, IP, endpoint, scopes', () => {
    const everythingWrong = input({
      tenant: { status: 'SUSPENDED', apiEnabled: false },
      key: { status: 'REVOKED', expiresAt: new Date(NOW.getTime() - 1000), endpoints: ['/only'] },
      ipRules: [{ action: 'DENY', cidr: '0.0.0.0/0', level: 'TENANT' }],
      endpoint: '/other',
      requiredScopes: ['billing:read'],
    });
    const codes: string[] = [];
    let current = everythingWrong;
    const fixes: ((a: AccessInput) => AccessInput)[] = [
      (a) => ({ ...a, tenant: { status: 'ACTIVE', apiEnabled: true } }),
      (a) => ({ ...a, key: { ...a.key, status: 'DISABLED' } }),
      (a) => ({ ...a, key: { ...a.key, expiresAt: null } }),
      (a) => ({ ...a, key: { ...a.key, status: 'ACTIVE' } }),
      (a) => ({ ...a, ipRules: [] }),
      (a) => ({ ...a, endpoint: '/only' }),
      (a) => ({ ...a, requiredScopes: [] }),
    ];
    codes.push(decideAccess(current).code);
    for (const fix of fixes) {
      current = fix(current);
      codes.push(decideAccess(current).code);
    }
    expect(codes).toEqual(['TENANT_DISABLED', 'REVOKED', 'EXPIRED', 'DISABLED', 'IP_NOT_ALLOWED', 'ENDPOINT_NOT_ALLOWED', 'INSUFFICIENT_SCOPES', 'VALID']);
  });

  it('still reports effective and missing scopes when an earlier check fails', () => {
    const decision = decideAccess(input({ key: { status: 'DISABLED' }, requiredScopes: ['tickets:read', 'billing:read'] }));
    expect(decision.code).toBe('DISABLED');
    expect(decision.effectiveScopes).toEqual(['tickets:read', 'tickets:write']);
    expect(decision.missingScopes).toEqual(['billing:read']);
  });

  it('is EXPIRED from the second expiresAt is reached, not a second before', () => {
    const expiresAt = new Date(NOW.getTime() + 10_000);
    const at = (ms: number) => decideAccess(input({ key: { expiresAt }, now: new Date(NOW.getTime() + ms) })).code;
    expect(at(9_000)).toBe('VALID');
    expect(at(9_999)).toBe('VALID');
    expect(at(10_000)).toBe('EXPIRED');
    expect(at(11_000)).toBe('EXPIRED');
  });
});

describe('decideAccess: effective scopes', () => {
  it("intersects key scopes with the owner's role", () => {
    const custom = { builtIn: null, scopes: ['tickets:read'] };
    expect(keyEffectiveScopes(input({ ownerRole: custom }))).toEqual(['tickets:read']);
    // VIEWER holds no resource scopes at all.
    expect(keyEffectiveScopes(input({ ownerRole: { builtIn: 'VIEWER', scopes: ['tickets:write'] } }))).toEqual([]);
    expect(keyEffectiveScopes(input({ key: { scopes: ['tenant:admin', 'keys:read'] }, ownerRole: { builtIn: 'ADMIN', scopes: [] } }))).toEqual(['keys:read']);
  });

  it("intersects with the group's scope limit only when the group limits", () => {
    expect(keyEffectiveScopes(input({ group: { limitsScopes: true, scopeLimit: ['tickets:write'] } }))).toEqual(['tickets:write']);
    expect(keyEffectiveScopes(input({ group: { limitsScopes: false, scopeLimit: [] } }))).toEqual(['tickets:read', 'tickets:write']);
    expect(keyEffectiveScopes(input({ group: { limitsScopes: true, scopeLimit: [] } }))).toEqual([]);
  });

  it('lists missing scopes in the order asked, without duplicates', () => {
    const decision = decideAccess(input({ ownerRole: { builtIn: null, scopes: ['tickets:read'] }, requiredScopes: ['b:x', 'tickets:write', 'b:x', 'tickets:read'] }));
    expect(decision.code).toBe('INSUFFICIENT_SCOPES');
    expect(decision.missingScopes).toEqual(['b:x', 'tickets:write']);
  });
});

describe('decideAccess: endpoints', () => {
  const limited = { endpoints: ['GET /v1/tickets/**', '/v1/public/*'] };
  it.each([
    [limited, 'GET /v1/tickets/1/comments', 'VALID'],
    [limited, 'get /v1/tickets', 'VALID'],
    [limited, 'POST /v1/tickets', 'ENDPOINT_NOT_ALLOWED'],
    [limited, '/v1/public/page', 'VALID'],
    [limited, '/v1/public/../admin', 'ENDPOINT_NOT_ALLOWED'],
    [limited, 'GET /v1/tickets/%2e%2e/admin', 'ENDPOINT_NOT_ALLOWED'],
    [limited, 'GET /v1/tickets/1/%2e%2e/2', 'VALID'],
    [limited, null, 'ENDPOINT_NOT_ALLOWED'],
    [limited, undefined, 'VALID'],
    [{ endpoints: ['*'] }, null, 'VALID'],
    [{ endpoints: ['*'] }, 'DELETE /anything', 'VALID'],
  ] as const)('%j with endpoint %j → %s', (key, endpoint, code) => {
    expect(decideAccess(input({ key: { endpoints: [...key.endpoints] }, endpoint })).code).toBe(code);
  });

  it('says why a malformed path is refused', () => {
    expect(decideAccess(input({ key: { ...limited }, endpoint: 'GET /v1/tickets/../../..' })).detail).toBe('The endpoint "GET /v1/tickets/../../.." is refused: it climbs above the root');
    expect(decideAccess(input({ key: { ...limited }, endpoint: 'GET /v1/admin' })).detail).toBe(`The endpoint "GET /v1/admin" matches none of the key's allowed endpoints`);
  });

  it('uses a matcher compiled by the caller when given', () => {
    const decision = decideAccess(input({ key: { endpoints: ['*'] }, endpoint: '/x', endpointAllowed: () => false }));
    expect(decision.code).toBe('ENDPOINT_NOT_ALLOWED');
  });
});

describe('decideAccess: IP rules at tenant, group and key level', () => {
  const rule = (level: IpRuleInput['level'], action: IpRuleInput['action'], cidr: string, id?: string): IpRuleInput => ({ level, action, cidr, ...(id && { id }) });

  type Row = [label: string, rules: IpRuleInput[], ip: string | null, expected: { allowed: boolean; level?: string; reason?: string; ruleId?: string }];
  const rows: Row[] = [
    ['no rules: every address', [], '198.51.100.1', { allowed: true }],
    ['no rules: even no address', [], null, { allowed: true }],
    // IPv4 boundaries
    ['v4 allow /24, first address', [rule('KEY', 'ALLOW', '192.0.2.0/24')], '192.0.2.0', { allowed: true }],
    ['v4 allow /24, last address', [rule('KEY', 'ALLOW', '192.0.2.0/24')], '192.0.2.255', { allowed: true }],
    ['v4 allow /24, one past', [rule('KEY', 'ALLOW', '192.0.2.0/24')], '192.0.3.0', { allowed: false, level: 'KEY', reason: 'NOT_ALLOWED' }],
    ['v4 allow /24, one before', [rule('KEY', 'ALLOW', '192.0.2.0/24')], '192.0.1.255', { allowed: false, level: 'KEY', reason: 'NOT_ALLOWED' }],
    ['v4 host rule', [rule('KEY', 'ALLOW', '192.0.2.7/32')], '192.0.2.7', { allowed: true }],
    ['v4 host rule, neighbour', [rule('KEY', 'ALLOW', '192.0.2.7/32')], '192.0.2.8', { allowed: false, level: 'KEY', reason: 'NOT_ALLOWED' }],
    ['v4 /0 allows all IPv4', [rule('TENANT', 'ALLOW', '0.0.0.0/0')], '255.255.255.255', { allowed: true }],
    ['v4 /0 does not allow IPv6', [rule('TENANT', 'ALLOW', '0.0.0.0/0')], '2001:db8::1', { allowed: false, level: 'TENANT', reason: 'NOT_ALLOWED' }],
    // IPv6
    ['v6 allow /32, inside', [rule('GROUP', 'ALLOW', '2001:db8::/32')], '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', { allowed: true }],
    ['v6 allow /32, outside', [rule('GROUP', 'ALLOW', '2001:db8::/32')], '2001:db9::', { allowed: false, level: 'GROUP', reason: 'NOT_ALLOWED' }],
    ['v6 deny host', [rule('KEY', 'DENY', '2001:db8::1/128', 'r6')], '2001:0db8:0000::0001', { allowed: false, level: 'KEY', reason: 'DENIED', ruleId: 'r6' }],
    ['v6 ::/0 does not catch IPv4', [rule('KEY', 'DENY', '::/0')], '192.0.2.1', { allowed: true }],
    // IPv4-mapped IPv6
    ['mapped client vs v4 allow', [rule('KEY', 'ALLOW', '192.0.2.0/24')], '::ffff:192.0.2.9', { allowed: true }],
    ['mapped client vs v4 deny', [rule('KEY', 'DENY', '192.0.2.0/24', 'rm')], '::ffff:192.0.2.9', { allowed: false, level: 'KEY', reason: 'DENIED', ruleId: 'rm' }],
    ['mapped rule vs v4 client', [rule('TENANT', 'DENY', '::ffff:10.0.0.0/104', 'rt')], '10.9.9.9', { allowed: false, level: 'TENANT', reason: 'DENIED', ruleId: 'rt' }],
    // Overlapping allow and deny in one level: DENY wins
    ['tenant: allow /8, deny /16 inside it', [rule('TENANT', 'ALLOW', '10.0.0.0/8'), rule('TENANT', 'DENY', '10.1.0.0/16', 'td')], '10.1.2.3', { allowed: false, level: 'TENANT', reason: 'DENIED', ruleId: 'td' }],
    ['tenant: allow /8, deny /16, outside the deny', [rule('TENANT', 'ALLOW', '10.0.0.0/8'), rule('TENANT', 'DENY', '10.1.0.0/16')], '10.2.0.1', { allowed: true }],
    ['group: same address allowed and denied', [rule('GROUP', 'ALLOW', '10.0.0.5'), rule('GROUP', 'DENY', '10.0.0.5', 'gd')], '10.0.0.5', { allowed: false, level: 'GROUP', reason: 'DENIED', ruleId: 'gd' }],
    ['key: deny /8, allow host inside it', [rule('KEY', 'DENY', '10.0.0.0/8', 'kd'), rule('KEY', 'ALLOW', '10.0.0.9')], '10.0.0.9', { allowed: false, level: 'KEY', reason: 'DENIED', ruleId: 'kd' }],
    // Every level must pass
    ['tenant allows, key denies', [rule('TENANT', 'ALLOW', '10.0.0.0/8'), rule('KEY', 'DENY', '10.0.0.0/24', 'k')], '10.0.0.1', { allowed: false, level: 'KEY', reason: 'DENIED', ruleId: 'k' }],
    ['key allows, tenant denies: tenant reported first', [rule('TENANT', 'DENY', '10.0.0.0/24', 't'), rule('KEY', 'ALLOW', '10.0.0.0/24')], '10.0.0.1', { allowed: false, level: 'TENANT', reason: 'DENIED', ruleId: 't' }],
    ['group allow misses, key allow matches', [rule('GROUP', 'ALLOW', '172.16.0.0/12'), rule('KEY', 'ALLOW', '10.0.0.0/8')], '10.0.0.1', { allowed: false, level: 'GROUP', reason: 'NOT_ALLOWED' }],
    ['all three levels allow', [rule('TENANT', 'ALLOW', '10.0.0.0/8'), rule('GROUP', 'ALLOW', '10.1.0.0/16'), rule('KEY', 'ALLOW', '10.1.2.0/24')], '10.1.2.3', { allowed: true }],
    ['a level with only DENYs lets others through', [rule('GROUP', 'DENY', '10.0.0.0/8')], '192.0.2.1', { allowed: true }],
    // Unknown or junk addresses fail closed once any rule exists
    ['no address with rules', [rule('KEY', 'DENY', '10.0.0.0/8')], null, { allowed: false, level: 'KEY', reason: 'INVALID_ADDRESS' }],
    ['junk address with rules', [rule('GROUP', 'ALLOW', '10.0.0.0/8')], '1.2.3', { allowed: false, level: 'GROUP', reason: 'INVALID_ADDRESS' }],
  ];

  it.each(rows)('%s', (_label, ipRules, ip, expected) => {
    const decision = decideAccess(input({ ipRules, ip }));
    expect(decision.code).toBe(expected.allowed ? 'VALID' : 'IP_NOT_ALLOWED');
    expect(decision.ip).toMatchObject(expected);
    if (!expected.allowed) expect(decision.detail).not.toBe('');
  });

  it('accepts rules compiled once by the caller', () => {
    const compiled = compileIpRules([rule('KEY', 'ALLOW', '10.0.0.0/8')]);
    expect(decideAccess(input({ ipRules: compiled, ip: '10.1.1.1' })).code).toBe('VALID');
    expect(decideAccess(input({ ipRules: compiled, ip: '11.1.1.1' })).code).toBe('IP_NOT_ALLOWED');
  });

  it('names the refusing rule in the detail', () => {
    const decision = decideAccess(input({ ipRules: [rule('GROUP', 'DENY', '203.0.113.0/24', 'g1')] }));
    expect(decision.detail).toContain('203.0.113.0/24');
    expect(decision.detail).toContain('group');
  });
});
