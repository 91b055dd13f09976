// Every resource method of the SDK against a real server over HTTP: a platform operator creates a
// tenant and its first owner, the owner logs in and manages scopes, roles, members, groups, keys and
// IP rules, and a resource server verifies keys. Tests run in order and share what they create.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AuthenticationError, asId, createClient, isWellFormedKey, parseKey, type GroupId, type IpRuleId, type KeyId, type KeywardenClient, type MemberId, type RoleId, type TenantId } from '../src/index.ts';
import { startLiveServer, type LiveServer } from './helpers/liveServer.ts';

let live: LiveServer;
let platform: KeywardenClient;
let owner: KeywardenClient;
const slug = `acme-${Date.now().toString(36)}`;
const ownerEmail = 'owner@acme.test';
const ownerPassword = 'correct horse battery staple';
const ids: { group?: GroupId; key?: KeyId; keyRule?: IpRuleId; owner?: MemberId; sam?: MemberId; supportRole?: RoleId; tenant?: TenantId; [scope: string]: string | undefined } = {};
const secrets: Record<string, string> = {};

beforeAll(async () => {
  live = await startLiveServer();
  platform = createClient({ url: live.url, platformToken: live.platformToken });
});
afterAll(async () => {
  await live?.close();
});

describe('platform operator', () => {
  test('viewer', async () => {
    const viewer = await platform.viewer();
    expect(viewer).toMatchObject({ kind: 'PLATFORM', tenantId: null, address: '127.0.0.1' });
  });

  test('tenants: create, get, list, update, suspend, resume', async () => {
    const tenant = await platform.tenants.create({ name: 'Acme', slug, keyPrefix: 'acme' });
    expect(tenant).toMatchObject({ name: 'Acme', slug, keyPrefix: 'acme', status: 'ACTIVE' });
    expect(tenant.id).toMatch(/^ten_/);
    ids.tenant = tenant.id;

    expect(await platform.tenants.get(tenant.id)).toEqual(tenant);
    const listed = await platform.tenants.list({ filter: { search: slug } }).toArray();
    expect(listed.map((t) => t.id)).toEqual([tenant.id]);
    const page = await platform.tenants.page({ first: 1, filter: { search: slug } });
    expect(page.items).toHaveLength(1);
    expect(page.pageInfo.hasNextPage).toBe(false);

    const renamed = await platform.tenants.update({ id: tenant.id, name: 'Acme Corp', maxKeyLifetimeSeconds: 400 * 86400 });
    expect(renamed).toMatchObject({ name: 'Acme Corp', maxKeyLifetimeSeconds: 400 * 86400 });
    expect((await platform.tenants.suspend(tenant.id)).status).toBe('SUSPENDED');
    expect((await platform.tenants.resume(tenant.id)).status).toBe('ACTIVE');
  });

  test("members and roles of a tenant: the tenant's first owner", async () => {
    const roles = await platform.roles.list({ filter: { tenantId: ids.tenant, builtIn: true } }).toArray();
    expect(roles.map((r) => r.builtIn).sort()).toEqual(['ADMIN', 'MEMBER', 'OWNER', 'VIEWER']);
    const ownerRole = roles.find((r) => r.builtIn === 'OWNER')!;
    const member = await platform.members.create({ tenantId: ids.tenant, email: ownerEmail, name: 'Olga Owner', password: ownerPassword, roleId: ownerRole.id });
    expect(member).toMatchObject({ email: ownerEmail, status: 'ACTIVE', hasPassword: true, apiKeyCount: 0 });
    ids.owner = member.id;
    const members = await platform.members.list({ filter: { tenantId: ids.tenant } }).toArray();
    expect(members.map((m) => m.id)).toEqual([member.id]);
  });
});

describe('a member session', () => {
  test('sessions.login, withCredentials, viewer, me, tenants.current', async () => {
    const anonymous = createClient({ url: live.url });
    const login = await anonymous.sessions.login({ tenant: slug, email: ownerEmail, password: ownerPassword });
    expect(login.token).toMatch(/^kws_/);
    expect(login.member.id).toBe(ids.owner);
    expect(login.expiresAt).toBeInstanceOf(Date);
    expect(login.expiresAt.getTime()).toBeGreaterThan(Date.now());
    owner = anonymous.withCredentials({ sessionToken: login.token });

    expect(await owner.viewer()).toMatchObject({ kind: 'MEMBER', tenantId: ids.tenant, scopes: ['*'] });
    const me = await owner.members.me();
    expect(me).toMatchObject({ id: ids.owner, role: { builtIn: 'OWNER' } });
    expect((await owner.tenants.current()).slug).toBe(slug);
  });

  test('scopes: create, list, update, management, delete', async () => {
    for (const name of ['tickets:read', 'tickets:write', 'reports:read']) {
      const scope = await owner.scopes.create({ name, description: `Can ${name}` });
      expect(scope).toMatchObject({ name, description: `Can ${name}` });
      ids[name] = scope.id;
    }
    const listed = await owner.scopes.list().toArray();
    expect(listed.map((s) => s.name)).toEqual(['tickets:read', 'tickets:write', 'reports:read']);
    expect(await owner.scopes.update({ id: asId('scp', ids['reports:read']!), description: 'Reports' })).toMatchObject({ description: 'Reports' });
    const management = await owner.scopes.management();
    expect(management.map((s) => s.name)).toEqual(expect.arrayContaining(['keys:read', 'keys:write', 'keys:verify', 'audit:read']));
    expect(await owner.scopes.delete({ id: asId('scp', ids['reports:read']!), cascade: true })).toEqual({ deletedScopeId: ids['reports:read'] });
    expect((await owner.scopes.list({ filter: { search: 'reports' } }).toArray())).toEqual([]);
  });

  test('roles: create, get, update, list, delete', async () => {
    const role = await owner.roles.create({ name: 'Support', description: 'Helps customers', scopes: ['tickets:read', 'keys:read'] });
    expect(role).toMatchObject({ name: 'Support', builtIn: null, memberCount: 0 });
    expect([...role.scopes].sort()).toEqual(['keys:read', 'tickets:read']);
    ids.supportRole = role.id;
    expect(await owner.roles.get(role.id)).toEqual(role);
    const updated = await owner.roles.update({ id: role.id, scopes: ['tickets:read', 'tickets:write', 'keys:read'] });
    expect([...updated.scopes].sort()).toEqual(['keys:read', 'tickets:read', 'tickets:write']);
    const custom = await owner.roles.list({ filter: { builtIn: false } }).toArray();
    expect(custom.map((r) => r.id)).toEqual([role.id]);

    const temporary = await owner.roles.create({ name: 'Temporary', scopes: [] });
    expect(await owner.roles.delete({ id: temporary.id })).toEqual({ deletedRoleId: temporary.id });
  });

  test('members: create, get, update, list, deactivate, reactivate, setPassword, delete', async () => {
    const member = await owner.members.create({ email: 'sam@acme.test', name: 'Sam', roleId: ids.supportRole!, password: 'a long enough password' });
    expect(member).toMatchObject({ name: 'Sam', hasPassword: true, status: 'ACTIVE' });
    ids.sam = member.id;
    expect(await owner.members.get(member.id)).toEqual(member);
    expect(await owner.members.update({ id: member.id, name: 'Samuel' })).toMatchObject({ name: 'Samuel' });
    const found = await owner.members.list({ filter: { search: 'samuel' } }).toArray();
    expect(found.map((m) => m.id)).toEqual([member.id]);
    expect((await owner.members.deactivate(member.id)).status).toBe('DEACTIVATED');
    expect((await owner.members.list({ filter: { status: 'DEACTIVATED' } }).toArray()).map((m) => m.id)).toEqual([member.id]);
    expect((await owner.members.reactivate(member.id)).status).toBe('ACTIVE');
    expect(await owner.members.setPassword({ memberId: member.id, password: 'another long password' })).toMatchObject({ hasPassword: true });

    // The new password works.
    const sam = await createClient({ url: live.url }).sessions.login({ tenant: slug, email: 'sam@acme.test', password: 'another long password' });
    expect(sam.member.id).toBe(member.id);

    const leaving = await owner.members.create({ email: 'leaving@acme.test', name: 'Leaving', roleId: ids.supportRole! });
    expect(leaving.hasPassword).toBe(false);
    expect(await owner.members.delete(leaving.id)).toEqual({ deletedMemberId: leaving.id });
  });

  test('groups: create (with IP rules), get, update, list', async () => {
    const group = await owner.groups.create({
      name: 'Integrations',
      description: 'Partner integrations',
      defaultScopes: ['tickets:read'],
      ipRules: [{ action: 'ALLOW', cidr: '127.0.0.0/8', description: 'loopback' }],
      defaultExpirySeconds: 86400,
    });
    expect(group).toMatchObject({ name: 'Integrations', defaultScopes: ['tickets:read'], keyCount: 0, defaultExpirySeconds: 86400 });
    expect(group.ipRules).toMatchObject([{ action: 'ALLOW', cidr: '127.0.0.0/8', level: 'GROUP', description: 'loopback' }]);
    ids.group = group.id;
    expect(await owner.groups.get(group.id)).toEqual(group);
    const updated = await owner.groups.update({ id: group.id, description: 'Partners', limitsScopes: true, scopeLimit: ['tickets:read', 'tickets:write', 'keys:read', 'keys:verify'] });
    expect(updated).toMatchObject({ description: 'Partners', limitsScopes: true });
    expect((await owner.groups.list({ filter: { search: 'integr' } }).toArray()).map((g) => g.id)).toEqual([group.id]);
  });

  test('keys: create returns the key text once, in the tenant format, with the OAuth client_id and client_secret named', async () => {
    const created = await owner.keys.create({
      name: 'ticket-sync',
      groupId: ids.group,
      scopes: ['tickets:read', 'tickets:write'],
      expiresIn: '1y',
      metadata: { team: 'integrations' },
      contactEmail: 'ops@acme.test',
    });
    expect(isWellFormedKey(created.key)).toBe(true);
    expect(created).toMatchObject({ secret: created.key, clientSecret: created.key, clientId: created.apiKey.publicId });
    const parsed = parseKey(created.secret);
    expect(parsed).toMatchObject({ ok: true, prefix: 'acme', publicId: created.apiKey.publicId });
    expect(created.apiKey).toMatchObject({
      name: 'ticket-sync',
      status: 'ACTIVE',
      scopes: ['tickets:read', 'tickets:write'],
      effectiveScopes: ['tickets:read', 'tickets:write'],
      metadata: { team: 'integrations' },
      maskedKey: `acme_…${created.secret.slice(-4)}`,
    });
    expect(JSON.stringify(await owner.keys.get(created.apiKey.id))).not.toContain(created.secret);
    ids.key = created.apiKey.id;
    secrets.key = created.secret;
  });

  test('keys: get, update, disable, enable, list with a filter', async () => {
    const key = await owner.keys.get(ids.key!);
    expect(key.id).toBe(ids.key);
    const updated = await owner.keys.update({ id: ids.key!, name: 'ticket-sync-v2', endpoints: ['GET /v1/tickets/**', 'POST /v1/tickets'] });
    expect(updated).toMatchObject({ name: 'ticket-sync-v2', endpoints: ['GET /v1/tickets/**', 'POST /v1/tickets'] });
    expect((await owner.keys.disable(ids.key!)).status).toBe('DISABLED');
    expect((await owner.keys.list({ filter: { status: 'DISABLED' } }).toArray()).map((k) => k.id)).toEqual([ids.key]);
    expect((await owner.keys.enable(ids.key!)).status).toBe('ACTIVE');
    expect((await owner.keys.list({ filter: { groupId: ids.group, scope: 'tickets:write' } }).toArray()).map((k) => k.id)).toEqual([ids.key]);
  });

  test('ipRules: tenant, group and key levels; create, list, delete', async () => {
    const tenantRule = await owner.ipRules.create({ action: 'DENY', cidr: '203.0.113.0/24', description: 'blocked range' });
    expect(tenantRule).toMatchObject({ level: 'TENANT', action: 'DENY', cidr: '203.0.113.0/24' });
    expect((await owner.ipRules.list()).map((r) => r.id)).toEqual([tenantRule.id]);

    const keyRule = await owner.ipRules.create({ apiKeyId: ids.key, action: 'ALLOW', cidr: '127.0.0.1' });
    expect(keyRule).toMatchObject({ level: 'KEY', cidr: '127.0.0.1/32' });
    expect((await owner.ipRules.list({ apiKeyId: ids.key! })).map((r) => r.id)).toEqual([keyRule.id]);
    expect((await owner.keys.get(ids.key!)).ipRules.map((r) => r.id)).toEqual([keyRule.id]);

    const groupRules = await owner.ipRules.list({ groupId: ids.group! });
    expect(groupRules).toMatchObject([{ level: 'GROUP', cidr: '127.0.0.0/8' }]);
    const extra = await owner.ipRules.create({ groupId: ids.group, action: 'DENY', cidr: '2001:db8::/32' });
    expect(await owner.ipRules.delete(extra.id)).toEqual({ deletedIpRuleId: extra.id });
    expect(await owner.ipRules.delete(tenantRule.id)).toEqual({ deletedIpRuleId: tenantRule.id });
    ids.keyRule = keyRule.id;
  });

  test('keys.explainAccess says why a key would be refused', async () => {
    const allowed = await owner.keys.explainAccess({ keyId: ids.key!, ip: '127.0.0.1', endpoint: 'GET /v1/tickets/1', scopes: ['tickets:read'] });
    expect(allowed).toMatchObject({ allowed: true, code: 'VALID', missingScopes: [], ipRefusal: null, apiKey: { id: ids.key } });
    const refused = await owner.keys.explainAccess({ keyId: ids.key!, ip: '10.1.2.3', scopes: ['tickets:read'] });
    expect(refused).toMatchObject({ allowed: false, code: 'IP_NOT_ALLOWED', ipRefusal: { level: 'GROUP', reason: 'NOT_ALLOWED' } });
    const scopes = await owner.keys.explainAccess({ keyId: ids.key!, ip: '127.0.0.1', scopes: ['keys:write'] });
    expect(scopes).toMatchObject({ allowed: false, code: 'INSUFFICIENT_SCOPES', missingScopes: ['keys:write'] });
  });

  test('verify (REST and GraphQL) with a keys:verify key; an API key client', async () => {
    const verifier = await owner.keys.create({ name: 'resource-server', scopes: ['keys:verify', 'keys:read'] });
    const resourceServer = createClient({ url: live.url, apiKey: verifier.secret });
    expect(await resourceServer.viewer()).toMatchObject({ kind: 'API_KEY', tenantId: ids.tenant });

    const request = { key: secrets.key!, scopes: ['tickets:read'], ip: '127.0.0.1', endpoint: 'GET /v1/tickets/7' };
    const rest = await resourceServer.verify(request);
    expect(rest).toMatchObject({ valid: true, code: 'VALID', keyId: ids.key, tenantId: ids.tenant, ownerId: ids.owner, credentialType: 'API_KEY', metadata: { team: 'integrations' } });
    expect(rest.scopes).toEqual(['tickets:read', 'tickets:write']);
    const graphql = await resourceServer.verify(request, { via: 'graphql' });
    expect(graphql).toMatchObject({ valid: true, code: 'VALID', keyId: ids.key, publicId: rest.publicId, scopes: rest.scopes });

    const denied = await resourceServer.verify({ ...request, scopes: ['keys:write'] });
    expect(denied).toMatchObject({ valid: false, code: 'INSUFFICIENT_SCOPES', missingScopes: ['keys:write'], keyId: null });
    const deniedGraphql = await resourceServer.verify({ ...request, endpoint: 'DELETE /v1/tickets/7' }, { via: 'graphql' });
    expect(deniedGraphql).toMatchObject({ valid: false, code: 'ENDPOINT_NOT_ALLOWED' });

    // The same key reads the management API (keys:read) and, sent as X-API-Key, works the same.
    const viaHeader = createClient({ url: live.url, credential: { type: 'apiKey', key: verifier.secret, header: 'x-api-key' } });
    expect((await viaHeader.keys.list().toArray()).map((k) => k.id)).toContain(ids.key);
  });

  test('keys: rotate (new secret, same public id), bulkUpdate, revoke, delete', async () => {
    const rotated = await owner.keys.rotate({ id: ids.key!, gracePeriodSeconds: 60 });
    expect(rotated.key).not.toBe(secrets.key);
    expect(rotated).toMatchObject({ secret: rotated.key, clientSecret: rotated.key, clientId: rotated.apiKey.publicId });
    expect(parseKey(rotated.secret)).toMatchObject({ ok: true, publicId: rotated.apiKey.publicId });
    expect(rotated.apiKey.rotationGraceEndsAt).not.toBeNull();

    const spare = await owner.keys.create({ name: 'spare', groupId: ids.group });
    expect(spare.apiKey.scopes).toEqual(['tickets:read']); // the group's default scopes
    const bulk = await owner.keys.bulkUpdate({ ids: [ids.key!, spare.apiKey.id], action: 'DISABLE' });
    expect(bulk.count).toBe(2);
    expect([...bulk.keyIds].sort()).toEqual([ids.key, spare.apiKey.id].sort());
    const enabled = await owner.keys.bulkUpdate({ filter: { groupId: ids.group, status: 'DISABLED' }, action: 'ENABLE' });
    expect(enabled.count).toBe(2);

    const revoked = await owner.keys.revoke({ id: spare.apiKey.id, reason: 'no longer used' });
    expect(revoked).toMatchObject({ status: 'REVOKED', revokedReason: 'no longer used' });
    expect(await owner.keys.delete(spare.apiKey.id)).toEqual({ deletedKeyId: spare.apiKey.id });
  });

  test('groups.delete with revokeKeys', async () => {
    const deleted = await owner.groups.delete({ id: ids.group!, revokeKeys: true, reason: 'integration retired' });
    expect(deleted).toEqual({ deletedGroupId: ids.group, movedKeyCount: 0, revokedKeyCount: 1 });
    expect((await owner.keys.get(ids.key!)).status).toBe('REVOKED');
  });

  test('sessions: list, revoke another session, logout', async () => {
    const second = await createClient({ url: live.url }).sessions.login({ tenant: slug, email: ownerEmail, password: ownerPassword });
    const sessions = await owner.sessions.list(ids.owner!).toArray();
    expect(sessions.length).toBe(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current)!;
    expect((await owner.sessions.revoke(other.id)).revokedAt).not.toBeNull();
    await expect(createClient({ url: live.url, sessionToken: second.token }).viewer()).rejects.toBeInstanceOf(AuthenticationError);

    const ended = await owner.sessions.logout();
    expect(ended.current).toBe(true);
    await expect(owner.viewer()).rejects.toBeInstanceOf(AuthenticationError);
  });
});
