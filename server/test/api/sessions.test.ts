import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashSecret, sha256Hex } from '../../src/domain/secrets.ts';
import { passwords } from '../../src/services/sessions.ts';
import { SESSION_CACHE_TTL_MS } from '../../src/services/verification/caches.ts';
import { useTestApp } from '../harness/useTestApp.ts';
import { RESULT_FIELDS, expectAuthCases, memberWithScopes } from '../harness/authCases.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';

const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { __typename
  ... on ValidationError { code fieldErrors { path message } }
  ... on LoginPayload { token expiresAt member { id email } } } }`;
const LOGOUT = `mutation { logout { ${RESULT_FIELDS} ... on SessionPayload { session { id revokedAt } } } }`;
const REVOKE = `mutation($id: ID!) { revokeSession(id: $id) { ${RESULT_FIELDS} ... on SessionPayload { session { id revokedAt } } } }`;
const SESSIONS = `query($id: ID!) { member(id: $id) { sessions { edges { node { id current ip userAgent } } } } }`;
const NODE = 'query($id: ID!) { node(id: $id) { __typename id } }';
const VIEWER = '{ viewer { kind } me { id } }';
const SET_PASSWORD = `mutation($input: SetMemberPasswordInput!) { setMemberPassword(input: $input) { ${RESULT_FIELDS} } }`;

// The login policy these tests hold the server to: sessions last 12 hours; failed password checks
// are limited per window to 5 per account and 20 per client address.
const SESSION_TTL_MS = 12 * 3600_000;
const LOGIN_LIMITS = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };

const PASSWORD = 'correct horse battery staple';
const INVALID = 'Invalid tenant, email or password';

// Login throttling is keyed by client address, so each test logs in from its own address.
let nextAddress = 1;
const freshAddress = () => `198.51.100.${nextAddress++}`;

let now = Date.now();
const t = useTestApp({ clock: () => new Date(now) });
afterEach(() => {
  vi.restoreAllMocks();
});

async function memberWithPassword(tenant: TestTenant, role: 'ADMIN' | 'VIEWER' | 'OWNER' = 'VIEWER') {
  const member = await tenant.addMember(role);
  await t.app.db.prisma.member.update({ where: { id: member.id }, data: { passwordHash: await hashSecret(PASSWORD, t.app.config.argon2) } });
  return member;
}

function login(tenant: string, email: string, password: string, ip: string, headers?: Record<string, string>) {
  return t.graphql(LOGIN, { input: { tenant, email, password } }, { ip, headers });
}

function countVerifications() {
  return vi.spyOn(passwords, 'verify');
}

describe('login', () => {
  it('exchanges email and password for a session token stored only as a hash', async () => {
    const tenant = await createTenant(t.app);
    const member = await memberWithPassword(tenant);
    const ip = freshAddress();
    const response = await login(tenant.slug.toUpperCase(), member.email.toUpperCase(), PASSWORD, ip, { 'user-agent': 'keywarden-test/1.0' });

    const { token, expiresAt } = response.data.login;
    expect(response.data.login).toMatchObject({ __typename: 'LoginPayload', member: { id: member.id, email: member.email } });
    expect(token).toMatch(/^kws_[0-9A-Za-z]{43}$/);
    expect(new Date(expiresAt).getTime()).toBe(now + SESSION_TTL_MS);

    const session = await t.app.db.prisma.session.findUnique({ where: { tokenHash: sha256Hex(token) } });
    expect(session).toMatchObject({ memberId: member.id, tenantId: tenant.id, ip, userAgent: 'keywarden-test/1.0', revokedAt: null });
    const caller = await t.graphql(VIEWER, {}, { token });
    expect(caller.data).toEqual({ viewer: { kind: 'MEMBER' }, me: { id: member.id } });

    const audit = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id } });
    expect(audit.map((e) => [e.action, e.actorType, e.actorId])).toEqual([['session.created', 'MEMBER', member.id]]);
    // The token and password appear in the login response and nowhere else.
    const stored = JSON.stringify([audit, await t.app.db.prisma.session.findMany(), await t.app.db.prisma.member.findMany()]);
    for (const secret of [token, PASSWORD]) {
      expect(stored).not.toContain(secret);
      expect(t.logs.text()).not.toContain(secret);
      expect(caller.body).not.toContain(secret);
    }
  });

  it('answers every kind of failure the same way, after one password verification each', async () => {
    const tenant = await createTenant(t.app);
    const other = await createTenant(t.app);
    const member = await memberWithPassword(tenant);
    const deactivated = await memberWithPassword(tenant);
    await t.app.db.prisma.member.update({ where: { id: deactivated.id }, data: { status: 'DEACTIVATED' } });
    const withoutPassword = await tenant.addMember('VIEWER');
    const suspended = await createTenant(t.app);
    const inSuspended = await memberWithPassword(suspended);
    await t.app.db.prisma.tenant.update({ where: { id: suspended.id }, data: { status: 'SUSPENDED' } });

    const verify = countVerifications();
    const attempts: [string, string, string][] = [
      [tenant.slug, member.email, 'wrong password here'],
      [tenant.slug, 'nobody@example.com', PASSWORD],
      ['no-such-tenant', member.email, PASSWORD],
      [other.slug, member.email, PASSWORD],
      [tenant.slug, deactivated.email, PASSWORD],
      [tenant.slug, withoutPassword.email, PASSWORD],
      [suspended.slug, inSuspended.email, PASSWORD],
    ];
    for (const [slug, email, password] of attempts) {
      const response = await login(slug, email, password, freshAddress());
      expect(response.status, `${slug} ${email}`).toBe(401);
      expect(response.errors).toEqual([expect.objectContaining({ message: INVALID, extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
    }
    expect(verify).toHaveBeenCalledTimes(attempts.length);
    // Fixture sessions carry no address; a login's would.
    expect(await t.app.db.prisma.session.count({ where: { tenantId: { in: [tenant.id, other.id, suspended.id] }, ip: { not: null } } })).toBe(0);
  });

  it.each([
    ['an empty tenant', { tenant: '' }, ['input', 'tenant']],
    ['an empty email', { email: '' }, ['input', 'email']],
    ['an empty password', { password: '' }, ['input', 'password']],
    ['a too long password', { password: 'p'.repeat(257) }, ['input', 'password']],
  ])('refuses %s without verifying anything', async (_label, change, path) => {
    const verify = countVerifications();
    const response = await t.graphql(LOGIN, { input: { tenant: 'acme', email: 'a@example.com', password: PASSWORD, ...change } }, { ip: freshAddress() });
    expect(response.data.login).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    expect(response.data.login.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual([path]);
    expect(verify).not.toHaveBeenCalled();
  });
});

describe('login throttling', () => {
  it(`refuses attempt ${LOGIN_LIMITS.perAccount + 1} on an account with 429 and Retry-After, before hashing`, async () => {
    const tenant = await createTenant(t.app);
    const member = await memberWithPassword(tenant);
    const bystander = await memberWithPassword(tenant);
    const verify = countVerifications();
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) {
      expect((await login(tenant.slug, member.email, `wrong guess ${i}`, freshAddress())).status).toBe(401);
    }
    expect(verify).toHaveBeenCalledTimes(LOGIN_LIMITS.perAccount);

    // Even the right password, from a new address, waits for the window to end.
    const limited = await login(tenant.slug, member.email, PASSWORD, freshAddress());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe(String(LOGIN_LIMITS.windowMs / 1000));
    expect(limited.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: LOGIN_LIMITS.windowMs / 1000 });
    expect(verify).toHaveBeenCalledTimes(LOGIN_LIMITS.perAccount);

    // Another account is not affected.
    expect((await login(tenant.slug, bystander.email, PASSWORD, freshAddress())).data.login.__typename).toBe('LoginPayload');

    now += 60_000;
    const later = await login(tenant.slug, member.email, PASSWORD, freshAddress());
    expect(Number(later.headers.get('retry-after'))).toBe(LOGIN_LIMITS.windowMs / 1000 - 60);
    now += LOGIN_LIMITS.windowMs;
    expect((await login(tenant.slug, member.email, PASSWORD, freshAddress())).data.login.__typename).toBe('LoginPayload');
  });

  it(`refuses attempt ${LOGIN_LIMITS.perAddress + 1} from one address, whichever accounts it tries`, async () => {
    const tenant = await createTenant(t.app);
    const members = await Promise.all(Array.from({ length: 6 }, () => memberWithPassword(tenant)));
    const ip = freshAddress();
    const verify = countVerifications();
    // Spread over accounts so that no account reaches its own limit.
    for (let i = 0; i < LOGIN_LIMITS.perAddress; i++) {
      expect((await login(tenant.slug, members[i % 5]!.email, 'a wrong guess', ip)).status).toBe(401);
    }
    const limited = await login(tenant.slug, members[5]!.email, PASSWORD, ip);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
    expect(verify).toHaveBeenCalledTimes(LOGIN_LIMITS.perAddress);
    expect((await login(tenant.slug, members[5]!.email, PASSWORD, freshAddress())).data.login.__typename).toBe('LoginPayload');
  });

  it("a success clears the account's failures", async () => {
    const tenant = await createTenant(t.app);
    const member = await memberWithPassword(tenant);
    for (let i = 0; i < LOGIN_LIMITS.perAccount - 1; i++) await login(tenant.slug, member.email, 'a wrong guess', freshAddress());
    expect((await login(tenant.slug, member.email, PASSWORD, freshAddress())).data.login.__typename).toBe('LoginPayload');
    for (let i = 0; i < LOGIN_LIMITS.perAccount - 1; i++) await login(tenant.slug, member.email, 'a wrong guess', freshAddress());
    expect((await login(tenant.slug, member.email, 'a wrong guess', freshAddress())).status).toBe(401);
  });

  it('does not let simultaneous attempts on one account slip past the limit', async () => {
    const tenant = await createTenant(t.app);
    const member = await memberWithPassword(tenant);
    const verify = countVerifications();
    const responses = await Promise.all(Array.from({ length: 12 }, () => login(tenant.slug, member.email, 'a wrong guess', freshAddress())));
    expect(verify.mock.calls.length).toBeLessThanOrEqual(LOGIN_LIMITS.perAccount);
    expect(responses.map((r) => r.status).sort()).toContain(429);
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([401, 429]));
  });

  it('counts wrong current passwords against the same account', async () => {
    const tenant = await createTenant(t.app);
    const member = await memberWithPassword(tenant);
    const token = (await login(tenant.slug, member.email, PASSWORD, freshAddress())).data.login.token;
    const change = (currentPassword: string) => t.graphql(SET_PASSWORD, { input: { memberId: member.id, password: 'a new passphrase!', currentPassword } }, { token, ip: freshAddress() });
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) {
      expect((await change(`wrong ${i}`)).data.setMemberPassword.__typename).toBe('ValidationError');
    }
    const limited = await change(PASSWORD);
    expect(limited.status).toBe(429);
    expect((await login(tenant.slug, member.email, PASSWORD, freshAddress())).status).toBe(429);
  });
});

describe('logout', () => {
  it('revokes the session it is called with, and only that one', async () => {
    const tenant = await createTenant(t.app);
    const member = await memberWithPassword(tenant);
    const first = (await login(tenant.slug, member.email, PASSWORD, freshAddress())).data.login.token;
    const second = (await login(tenant.slug, member.email, PASSWORD, freshAddress())).data.login.token;
    const response = await t.graphql(LOGOUT, {}, { token: first });
    expect(response.data.logout.__typename).toBe('SessionPayload');
    expect(response.data.logout.session.revokedAt).toBeTruthy();
    expect((await t.graphql(VIEWER, {}, { token: first })).status).toBe(401);
    expect((await t.graphql(VIEWER, {}, { token: second })).status).toBe(200);
    const actions = (await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['session.created', 'session.created', 'session.revoked']);
  });

  it('is for member sessions only', async () => {
    expect((await t.graphql(LOGOUT)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const byPlatform = await t.graphql(LOGOUT, {}, { token: t.platform });
    expect(byPlatform.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('sessions and revokeSession', () => {
  async function sessionIdOf(token: string) {
    return (await t.app.db.prisma.session.findUnique({ where: { tokenHash: sha256Hex(token) } }))!.id;
  }

  it("lists a member's live sessions and marks the current one", async () => {
    const tenant = await createTenant(t.app);
    const member = await memberWithPassword(tenant);
    const token = (await login(tenant.slug, member.email, PASSWORD, '192.0.2.77', { 'user-agent': 'browser' })).data.login.token;
    const response = await t.graphql(SESSIONS, { id: member.id }, { token });
    const sessions = response.data.member.sessions.edges.map((e: { node: unknown }) => e.node);
    expect(sessions).toHaveLength(2); // the fixture's session and this one
    expect(sessions[1]).toEqual({ id: await sessionIdOf(token), current: true, ip: '192.0.2.77', userAgent: 'browser' });
    await t.graphql(LOGOUT, {}, { token: member.token });
    expect((await t.graphql(SESSIONS, { id: member.id }, { token: tenant.owner.token })).data.member.sessions.edges).toHaveLength(1);
  });

  it('lets a member end their own other sessions without members:write', async () => {
    const tenant = await createTenant(t.app);
    const nobody = await memberWithScopes(t, tenant, []);
    await t.app.db.prisma.member.update({ where: { id: nobody.id }, data: { passwordHash: await hashSecret(PASSWORD, t.app.config.argon2) } });
    const other = (await login(tenant.slug, nobody.email, PASSWORD, freshAddress())).data.login.token;
    const response = await t.graphql(REVOKE, { id: await sessionIdOf(other) }, { token: nobody.token });
    expect(response.data.revokeSession.__typename).toBe('SessionPayload');
    expect((await t.graphql(VIEWER, {}, { token: other })).status).toBe(401);
    const ownerSession = await t.graphql(REVOKE, { id: await sessionIdOf(tenant.owner.token) }, { token: nobody.token });
    expect(ownerSession.data.revokeSession).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['members:write'] });
  });

  it("lets a members:write holder end the sessions of members whose role they hold, not an OWNER's", async () => {
    const tenant = await createTenant(t.app);
    const admin = await tenant.addMember('ADMIN');
    const viewer = await tenant.addMember('VIEWER');
    const ofViewer = await t.graphql(REVOKE, { id: await sessionIdOf(viewer.token) }, { token: admin.token });
    expect(ofViewer.data.revokeSession.__typename).toBe('SessionPayload');
    expect((await t.graphql(VIEWER, {}, { token: viewer.token })).status).toBe(401);
    const ofOwner = await t.graphql(REVOKE, { id: await sessionIdOf(tenant.owner.token) }, { token: admin.token });
    expect(ofOwner.data.revokeSession).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    expect((await t.graphql(VIEWER, {}, { token: tenant.owner.token })).status).toBe(200);
  });

  it('is refused without credentials and for another tenant, whose sessions are not nodes to us', async () => {
    const tenant = await createTenant(t.app);
    const member = await tenant.addMember('VIEWER');
    const id = await sessionIdOf(member.token);
    const revokedAt = async () => (await t.app.db.prisma.session.findUnique({ where: { id } }))!.revokedAt;
    await expectAuthCases(t, tenant, { document: REVOKE, field: 'revokeSession', crossTenant: 'notFoundResult', variables: { id }, snapshot: revokedAt });
    await expectAuthCases(t, tenant, { document: NODE, field: 'node', crossTenant: 'null', variables: { id } });
    expect((await t.graphql(NODE, { id }, { token: tenant.owner.token })).data.node).toEqual({ __typename: 'Session', id });
  });
});

// Sessions read from the database are trusted for SESSION_CACHE_TTL_MS: on the instance that
// revokes one it ends at once; elsewhere (here: a revocation written straight to the database,
// which no invalidation announces) within that second.
describe('session reads', () => {
  const loggedIn = async (tenant: TestTenant) => {
    const member = await memberWithPassword(tenant);
    const token = (await login(tenant.slug, member.email, PASSWORD, freshAddress())).data.login.token as string;
    return { member, token };
  };
  const status = async (token: string) => (await t.graphql(VIEWER, {}, { token })).status;

  it('a revocation no instance announced takes effect within a second', async () => {
    const { token } = await loggedIn(await createTenant(t.app));
    expect(await status(token)).toBe(200);
    await t.app.db.prisma.session.update({ where: { tokenHash: sha256Hex(token) }, data: { revokedAt: new Date() } });
    expect(await status(token)).toBe(200); // read less than a second ago
    await new Promise((resolve) => setTimeout(resolve, SESSION_CACHE_TTL_MS + 100));
    expect(await status(token)).toBe(401);
  });

  it('logout, revokeSession and a password change end sessions here at once, however recently read', async () => {
    const tenant = await createTenant(t.app);
    const { member, token } = await loggedIn(tenant);
    const second = (await login(tenant.slug, member.email, PASSWORD, freshAddress())).data.login.token as string;
    const third = (await login(tenant.slug, member.email, PASSWORD, freshAddress())).data.login.token as string;
    for (const each of [token, second, third]) expect(await status(each)).toBe(200);

    await t.graphql(LOGOUT, {}, { token });
    expect(await status(token)).toBe(401);
    const secondId = (await t.app.db.prisma.session.findUniqueOrThrow({ where: { tokenHash: sha256Hex(second) } })).id;
    await t.graphql(REVOKE, { id: secondId }, { token: third });
    expect(await status(second)).toBe(401);

    const fourth = (await login(tenant.slug, member.email, PASSWORD, freshAddress())).data.login.token as string;
    expect(await status(fourth)).toBe(200);
    const changed = await t.graphql(SET_PASSWORD, { input: { memberId: member.id, password: 'another long passphrase', currentPassword: PASSWORD } }, { token: third });
    expect(changed.errors).toBeUndefined();
    expect(await status(fourth)).toBe(401); // other sessions end with the password change
    expect(await status(third)).toBe(200); // the session that changed it lives on
  });

  it('deactivation, a role change and suspension are seen at once (they invalidate)', async () => {
    const tenant = await createTenant(t.app);
    const { member, token } = await loggedIn(tenant);
    expect(await status(token)).toBe(200);
    const deactivate = await t.graphql('mutation($id: ID!) { deactivateMember(id: $id) { __typename } }', { id: member.id }, { token: tenant.owner.token });
    expect(deactivate.errors).toBeUndefined();
    expect(await status(token)).toBe(401);

    const other = await loggedIn(tenant);
    const scopes = async () => (await t.graphql('{ viewer { scopes } }', {}, { token: other.token })).data.viewer.scopes as string[];
    const before = await scopes();
    const admin = await t.app.db.prisma.role.findFirstOrThrow({ where: { tenantId: tenant.id, builtIn: 'ADMIN' } });
    const promoted = await t.graphql('mutation($input: UpdateMemberInput!) { updateMember(input: $input) { __typename } }', { input: { id: other.member.id, roleId: admin.id } }, { token: tenant.owner.token });
    expect(promoted.errors).toBeUndefined();
    const after = await scopes();
    expect(after).not.toEqual(before);
    expect(after).toEqual(['*', '!tenant:admin']); // ADMIN's, read right after the change

    const suspended = await t.graphql('mutation($id: ID!) { suspendTenant(id: $id) { __typename } }', { id: tenant.id }, { token: t.platform });
    expect(suspended.errors).toBeUndefined();
    expect(await status(other.token)).toBe(401);
  });
});
