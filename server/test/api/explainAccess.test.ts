import { describe, expect, it } from 'vitest';
import { useTestApp } from '../harness/useTestApp.ts';
import { expectAuthCases } from '../harness/authCases.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { newId } from '../../src/domain/ids.ts';

// Fixture sessions live one real hour; the clock starts half an hour back and moves by minutes.
const START = Math.floor((Date.now() - 30 * 60_000) / 1000) * 1000;
let nowMs = START;

const t = useTestApp({ clock: () => new Date(nowMs) });

const EXPLAIN = `query($id: ID!, $ip: String!, $endpoint: String, $scopes: [String!]) {
  explainAccess(keyId: $id, ip: $ip, endpoint: $endpoint, scopes: $scopes) {
    allowed code detail effectiveScopes missingScopes apiKey { id }
    ipRefusal { level reason cidr rule { id cidr level action } } } }`;
const ERRORS = '__typename ... on Error { code message } ... on ValidationError { fieldErrors { path message } }';

type Result = Record<string, any>;

async function call(document: string, variables: Record<string, unknown>, token: string): Promise<Result> {
  const response = await t.graphql(document, variables, { token });
  expect(response.errors, response.body).toBeUndefined();
  return Object.values(response.data as Result)[0];
}

async function ok(document: string, variables: Record<string, unknown>, token: string, typename: string): Promise<Result> {
  const result = await call(document, variables, token);
  expect(result.__typename, JSON.stringify(result)).toBe(typename);
  return result;
}

type Rule = { action: 'ALLOW' | 'DENY'; cidr: string };

/** A tenant with rules at each level, made through the API, and a key in a group. */
async function setUp(rules: { tenant?: Rule[]; group?: Rule[]; key?: Rule[] }, keyInput: Record<string, unknown> = {}) {
  const tenant = await createTenant(t.app);
  const token = tenant.owner.token;
  const ruleIds = new Map<string, string>();
  for (const rule of rules.tenant ?? []) {
    const created = await ok(`mutation($input: CreateIpRuleInput!) { createIpRule(input: $input) { ${ERRORS} ... on IpRulePayload { ipRule { id cidr } } } }`, { input: rule }, token, 'IpRulePayload');
    ruleIds.set(`TENANT ${created.ipRule.cidr}`, created.ipRule.id);
  }
  const group = await ok(`mutation($input: CreateGroupInput!) { createGroup(input: $input) { ${ERRORS} ... on GroupPayload { group { id ipRules { id cidr } } } } }`,
    { input: { name: 'g', ipRules: rules.group ?? [] } }, token, 'GroupPayload');
  for (const rule of group.group.ipRules) ruleIds.set(`GROUP ${rule.cidr}`, rule.id);
  const key = await ok(`mutation($input: CreateKeyInput!) { createKey(input: $input) { ${ERRORS} ... on CreateKeyPayload { apiKey { id ipRules { id cidr } } } } }`,
    { input: { name: 'k', groupId: group.group.id, ipRules: rules.key ?? [], ...keyInput } }, token, 'CreateKeyPayload');
  for (const rule of key.apiKey.ipRules) ruleIds.set(`KEY ${rule.cidr}`, rule.id);
  return { tenant, groupId: group.group.id as string, keyId: key.apiKey.id as string, ruleIds };
}

type Expect = 'VALID' | [level: 'TENANT' | 'GROUP' | 'KEY', reason: 'DENIED' | 'NOT_ALLOWED', cidr?: string];

async function expectIpVerdicts(scenario: Awaited<ReturnType<typeof setUp>>, rows: [ip: string, expected: Expect][]) {
  for (const [ip, expected] of rows) {
    const result = await call(EXPLAIN, { id: scenario.keyId, ip }, scenario.tenant.owner.token);
    const label = `${ip} → ${JSON.stringify(expected)}: ${JSON.stringify(result)}`;
    if (expected === 'VALID') {
      expect(result.code, label).toBe('VALID');
      expect(result.allowed, label).toBe(true);
      expect(result.ipRefusal, label).toBeNull();
      continue;
    }
    const [level, reason, cidr] = expected;
    expect(result.code, label).toBe('IP_NOT_ALLOWED');
    expect(result.allowed, label).toBe(false);
    expect(result.ipRefusal, label).toMatchObject({ level, reason, cidr: cidr ?? null });
    if (cidr) {
      expect(result.ipRefusal.rule, label).toEqual({ id: scenario.ruleIds.get(`${level} ${cidr}`), cidr, level, action: 'DENY' });
      expect(result.detail, label).toContain(cidr);
    } else {
      expect(result.ipRefusal.rule, label).toBeNull();
    }
  }
}

describe('explainAccess: IP rules at every level', () => {
  it('IPv4 with overlapping ALLOW and DENY rules at tenant, group and key level, boundaries and mapped clients', async () => {
    const scenario = await setUp({
      tenant: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }, { action: 'DENY', cidr: '10.13.0.0/16' }],
      group: [{ action: 'ALLOW', cidr: '10.0.0.0/9' }, { action: 'DENY', cidr: '10.5.5.5' }],
      key: [{ action: 'ALLOW', cidr: '10.5.0.0/16' }, { action: 'ALLOW', cidr: '10.6.0.0/16' }, { action: 'DENY', cidr: '10.6.6.0/24' }],
    });
    await expectIpVerdicts(scenario, [
      ['10.5.0.1', 'VALID'],
      ['10.5.0.0', 'VALID'], // first address of the key's ALLOW
      ['10.5.255.255', 'VALID'], // last address of the key's ALLOW
      ['10.4.255.255', ['KEY', 'NOT_ALLOWED']], // one before it
      ['10.5.5.5', ['GROUP', 'DENIED', '10.5.5.5/32']], // allowed by the key, denied by the group
      ['10.5.5.4', 'VALID'],
      ['10.13.0.1', ['TENANT', 'DENIED', '10.13.0.0/16']], // inside the tenant's ALLOW, inside its DENY
      ['11.0.0.1', ['TENANT', 'NOT_ALLOWED']],
      ['9.255.255.255', ['TENANT', 'NOT_ALLOWED']],
      ['10.127.255.255', ['KEY', 'NOT_ALLOWED']], // last address of the group's /9
      ['10.128.0.0', ['GROUP', 'NOT_ALLOWED']], // first address past it
      ['10.6.6.0', ['KEY', 'DENIED', '10.6.6.0/24']],
      ['10.6.6.255', ['KEY', 'DENIED', '10.6.6.0/24']],
      ['10.6.7.0', 'VALID'],
      ['10.6.5.255', 'VALID'],
      ['::ffff:10.5.0.1', 'VALID'], // IPv4-mapped IPv6 client
      ['::ffff:10.6.6.1', ['KEY', 'DENIED', '10.6.6.0/24']],
      ['::ffff:a0d:1', ['TENANT', 'DENIED', '10.13.0.0/16']], // the same, in hex
      ['2001:db8::1', ['TENANT', 'NOT_ALLOWED']], // an IPv4 ALLOW never admits IPv6
    ]);
  });

  it('IPv6 at every level, with IPv4 beside it', async () => {
    const scenario = await setUp({
      tenant: [{ action: 'DENY', cidr: '2001:db8:dead::/48' }],
      group: [{ action: 'ALLOW', cidr: '2001:db8::/32' }, { action: 'ALLOW', cidr: '192.0.2.0/24' }],
      key: [{ action: 'DENY', cidr: '2001:db8:0:1::/64' }],
    });
    await expectIpVerdicts(scenario, [
      ['2001:db8::1', 'VALID'],
      ['2001:0db8:0000:0000:0000:0000:0000:0001', 'VALID'],
      ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 'VALID'],
      ['2001:db9::', ['GROUP', 'NOT_ALLOWED']],
      ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', ['GROUP', 'NOT_ALLOWED']],
      ['2001:db8:dead:beef::1', ['TENANT', 'DENIED', '2001:db8:dead::/48']],
      ['2001:db8:0:1:ffff:ffff:ffff:ffff', ['KEY', 'DENIED', '2001:db8:0:1::/64']],
      ['2001:db8:0:2::', 'VALID'],
      ['192.0.2.255', 'VALID'],
      ['::ffff:192.0.2.1', 'VALID'],
      ['192.0.3.0', ['GROUP', 'NOT_ALLOWED']],
      ['[2001:db8::1]', 'VALID'],
    ]);
  });

  it('IPv4-mapped IPv6 rules match IPv4 clients', async () => {
    const scenario = await setUp({ key: [{ action: 'DENY', cidr: '::ffff:203.0.113.0/120' }] });
    await expectIpVerdicts(scenario, [
      ['203.0.113.9', ['KEY', 'DENIED', '::ffff:203.0.113.0/120']],
      ['::ffff:203.0.113.255', ['KEY', 'DENIED', '::ffff:203.0.113.0/120']],
      ['203.0.114.0', 'VALID'],
      ['2001:db8::1', 'VALID'],
    ]);
  });

  it('without rules every address passes', async () => {
    const scenario = await setUp({});
    await expectIpVerdicts(scenario, [['198.51.100.1', 'VALID'], ['::1', 'VALID'], ['::ffff:127.0.0.1', 'VALID']]);
  });

  it('reflects a rule change at once', async () => {
    const scenario = await setUp({});
    const token = scenario.tenant.owner.token;
    const rule = await ok(`mutation($input: CreateIpRuleInput!) { createIpRule(input: $input) { ${ERRORS} ... on IpRulePayload { ipRule { id } } } }`,
      { input: { groupId: scenario.groupId, action: 'DENY', cidr: '198.51.100.0/24' } }, token, 'IpRulePayload');
    expect((await call(EXPLAIN, { id: scenario.keyId, ip: '198.51.100.1' }, token)).ipRefusal).toMatchObject({ level: 'GROUP', rule: { id: rule.ipRule.id } });
    await ok(`mutation($id: ID!) { deleteIpRule(id: $id) { ${ERRORS} ... on DeleteIpRulePayload { deletedIpRuleId } } }`, { id: rule.ipRule.id }, token, 'DeleteIpRulePayload');
    expect((await call(EXPLAIN, { id: scenario.keyId, ip: '198.51.100.1' }, token)).code).toBe('VALID');
  });
});

describe('explainAccess: every other reason', () => {
  async function scopedTenant(): Promise<TestTenant> {
    const tenant = await createTenant(t.app);
    await t.app.db.prisma.scope.createMany({ data: ['tickets:read', 'tickets:write'].map((name) => ({ id: newId('scp'), tenantId: tenant.id, name })) });
    return tenant;
  }

  async function key(tenant: TestTenant, input: Record<string, unknown>) {
    const result = await ok(`mutation($input: CreateKeyInput!) { createKey(input: $input) { ${ERRORS} ... on CreateKeyPayload { apiKey { id } } } }`,
      { input: { name: 'k', ...input } }, tenant.owner.token, 'CreateKeyPayload');
    return result.apiKey.id as string;
  }

  it('VALID with the effective scopes; INSUFFICIENT_SCOPES names the missing ones', async () => {
    const tenant = await scopedTenant();
    const id = await key(tenant, { scopes: ['tickets:read'] });
    const valid = await call(EXPLAIN, { id, ip: '192.0.2.1', scopes: ['tickets:read'] }, tenant.owner.token);
    expect(valid).toMatchObject({ allowed: true, code: 'VALID', effectiveScopes: ['tickets:read'], missingScopes: [], apiKey: { id } });
    const missing = await call(EXPLAIN, { id, ip: '192.0.2.1', scopes: ['tickets:read', 'tickets:write', 'keys:read'] }, tenant.owner.token);
    expect(missing).toMatchObject({ allowed: false, code: 'INSUFFICIENT_SCOPES', missingScopes: ['tickets:write', 'keys:read'] });
    expect(missing.detail).toContain('tickets:write');
  });

  it('ENDPOINT_NOT_ALLOWED outside the patterns; no endpoint asked means not checked', async () => {
    const tenant = await scopedTenant();
    const id = await key(tenant, { endpoints: ['GET /v1/tickets/**'] });
    const check = (endpoint?: string) => call(EXPLAIN, { id, ip: '192.0.2.1', endpoint }, tenant.owner.token);
    expect((await check('GET /v1/tickets/42')).code).toBe('VALID');
    expect((await check('DELETE /v1/tickets/42')).code).toBe('ENDPOINT_NOT_ALLOWED');
    expect((await check('/v1/tickets')).code).toBe('ENDPOINT_NOT_ALLOWED'); // no method cannot prove GET
    expect(await check('GET /v1/tickets/%2e%2e/admin')).toMatchObject({ code: 'ENDPOINT_NOT_ALLOWED', detail: `The endpoint "GET /v1/tickets/%2e%2e/admin" matches none of the key's allowed endpoints` });
    expect(await check('GET /v1/tickets/%252e')).toMatchObject({ code: 'ENDPOINT_NOT_ALLOWED', detail: 'The endpoint "GET /v1/tickets/%252e" is refused: it is percent-encoded twice' });
    expect((await check()).code).toBe('VALID');
  });

  it('DISABLED, REVOKED, a deactivated owner, and TENANT_DISABLED', async () => {
    const tenant = await scopedTenant();
    const owner = await tenant.addMember('ADMIN');
    const disabled = await key(tenant, { status: 'DISABLED' });
    const revoked = await key(tenant, {});
    const orphan = await key(tenant, { ownerId: owner.id });
    await t.app.db.prisma.apiKey.update({ where: { id: revoked }, data: { status: 'REVOKED' } });
    await t.app.db.prisma.member.update({ where: { id: owner.id }, data: { status: 'DEACTIVATED' } });
    const code = async (id: string) => (await call(EXPLAIN, { id, ip: '192.0.2.1' }, tenant.owner.token)).code;
    expect([await code(disabled), await code(revoked), await code(orphan)]).toEqual(['DISABLED', 'REVOKED', 'DISABLED']);
    const fine = await key(tenant, {});
    await t.app.db.prisma.tenant.update({ where: { id: tenant.id }, data: { apiEnabled: false } });
    expect(await code(fine)).toBe('TENANT_DISABLED');
  });

  it('EXPIRED from the second expiresAt is reached, by the clock', async () => {
    const tenant = await scopedTenant();
    const id = await key(tenant, { expiresAt: new Date(START + 300_000).toISOString() });
    try {
      nowMs = START + 299_999;
      expect((await call(EXPLAIN, { id, ip: '192.0.2.1' }, tenant.owner.token)).code).toBe('VALID');
      nowMs = START + 300_000;
      const expired = await call(EXPLAIN, { id, ip: '192.0.2.1' }, tenant.owner.token);
      expect(expired).toMatchObject({ allowed: false, code: 'EXPIRED' });
      expect(expired.detail).toContain(new Date(START + 300_000).toISOString());
    } finally {
      nowMs = START;
    }
  });
});

describe('explainAccess: arguments and access', () => {
  it('rejects a bad address, endpoint or scope with a field path', async () => {
    const tenant = await createTenant(t.app);
    const id = (await ok(`mutation { createKey(input: { name: "k" }) { ${ERRORS} ... on CreateKeyPayload { apiKey { id } } } }`, {}, tenant.owner.token, 'CreateKeyPayload')).apiKey.id;
    const bad = async (variables: Record<string, unknown>, path: (string | number)[]) => {
      const response = await t.graphql(EXPLAIN, { id, ip: '192.0.2.1', ...variables }, { token: tenant.owner.token });
      expect(response.data?.explainAccess ?? null).toBeNull();
      expect(response.errors?.[0]?.extensions?.code, response.body).toBe('VALIDATION_FAILED');
      expect(response.errors?.[0]?.extensions?.fieldErrors?.[0]?.path).toEqual(path);
    };
    await bad({ ip: '1.2.3' }, ['ip']);
    await bad({ ip: '::gggg' }, ['ip']);
    await bad({ ip: '10.0.0.0/8' }, ['ip']);
    await bad({ endpoint: 'tickets' }, ['endpoint']);
    await bad({ scopes: ['keys:read', 'Not A Scope'] }, ['scopes', 1]);
  });

  it("needs keys:read, and another tenant's key is NOT_FOUND", async () => {
    const tenant = await createTenant(t.app);
    const id = (await ok(`mutation { createKey(input: { name: "k" }) { ${ERRORS} ... on CreateKeyPayload { apiKey { id } } } }`, {}, tenant.owner.token, 'CreateKeyPayload')).apiKey.id;
    await expectAuthCases(t, tenant, { document: EXPLAIN, field: 'explainAccess', variables: { id, ip: '192.0.2.1' }, scope: 'keys:read', crossTenant: 'notFoundError' });
    const viewer = await tenant.addMember('VIEWER');
    expect((await call(EXPLAIN, { id, ip: '192.0.2.1' }, viewer.token)).code).toBe('VALID');
  });
});
