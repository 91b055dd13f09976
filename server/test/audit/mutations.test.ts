import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/generated/prisma/client.ts';
import { newId } from '../../src/domain/ids.ts';
import { hashSecret } from '../../src/domain/secrets.ts';
import { MANAGEMENT_SCOPES } from '../../src/domain/scopes.ts';
import { verifyAuditChain } from '../../src/services/audit.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTenant, platformToken, type TestTenant } from '../harness/fixtures.ts';
import { createTestGroup, createTestKey, type TestKey } from '../harness/keys.ts';
import { expectNoSecretsInAudit } from './support.ts';

// Every mutation of the API, table-driven: run once by a real caller, it writes exactly the
// expected audit events (action, target, changes) carrying the caller, its address, user agent
// and request id; refused or failed mutations write none. A mutation added to schema.graphql
// without a row here fails the coverage test.

type Caller = 'owner' | 'platform' | 'apiKey' | 'anonymous';

interface Expected {
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** Must be contained in the event's changes (toMatchObject). */
  changes?: Record<string, unknown>;
}

interface Prepared {
  document: string;
  variables: Record<string, unknown>;
  /** The events, in order; computed from the response's data. */
  expect(data: any): Expected[];
  /** Where the events land (default: the row's tenant). */
  tenantOf?(data: any): string;
  /** Who the events name as actor when it is not the caller (login acts as the member). */
  actor?: { type: string; id: string };
}

interface Row {
  mutation: string;
  label?: string;
  as: Caller;
  prepare(s: Fixture): Promise<Prepared>;
}

interface Fixture {
  tenant: TestTenant;
  key: TestKey;
}

let t: TestApp;
let platform: string;
let platformId: string;
const plaintexts: string[] = [];
const PASSWORD = 'correct horse battery staple';
plaintexts.push(PASSWORD);

beforeAll(async () => {
  // Events are counted exactly, in every tenant: no timed usage flush may add a
  // key.used_from_new_network event (keys are callers here too) while a mutation is measured.
  t = await createTestApp({ env: { KEYWARDEN_USAGE_FLUSH_MS: '3600000' } });
  platform = await platformToken(t.app);
  platformId = (await t.app.db.prisma.platformCredential.findFirstOrThrow()).id;
  plaintexts.push(platform);
});
afterAll(async () => {
  if (t) await expectNoSecretsInAudit(t.app, plaintexts);
  await t?.close();
});

const ERRORS = '__typename ... on Error { code message }';
const doc = (field: string, args: string, vars: string, selection = '') =>
  `mutation(${vars}) { ${field}(${args}) { ${ERRORS} ${selection} } }`;
const withInput = (field: string, type: string, selection = '') => doc(field, 'input: $input', `$input: ${type}!`, selection);
const withId = (field: string, selection = '') => doc(field, 'id: $id', '$id: ID!', selection);

const prisma = () => t.app.db.prisma;
const one = (action: string, targetType: string, targetId: string, changes?: Record<string, unknown>): Expected[] => [{ action, targetType, targetId, changes }];

async function member(s: Fixture, role: 'ADMIN' | 'MEMBER' | 'VIEWER' = 'VIEWER') {
  const made = await s.tenant.addMember(role);
  plaintexts.push(made.token);
  return made;
}
const customRole = (tenantId: string) =>
  prisma().role.create({ data: { id: newId('rol'), tenantId, name: `Custom ${newId('rol').slice(-5)}`, scopes: ['keys:read'] } });
const scope = (tenantId: string, name = 'tickets:read') =>
  prisma().scope.create({ data: { id: newId('scp'), tenantId, name, description: 'Read tickets' } });
async function key(s: Fixture, status: 'ACTIVE' | 'DISABLED' = 'ACTIVE') {
  const made = await createTestKey(t.app, s.tenant.id, { ownerId: s.tenant.owner.id, scopes: ['keys:read'], status });
  plaintexts.push(made.text, made.secret);
  return made;
}

/** A webhook endpoint made through the API (its secret joins the plaintexts never to be audited). */
async function webhookEndpoint(s: Fixture): Promise<string> {
  const response = await t.graphql(
    `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { ... on WebhookEndpointSecretPayload { endpoint { id } secret } } }`,
    { input: { url: 'https://hooks.example.com/in', eventTypes: ['key.revoked'] } },
    { token: s.tenant.owner.token },
  );
  plaintexts.push(response.data.createWebhookEndpoint.secret);
  return response.data.createWebhookEndpoint.endpoint.id;
}

const ROWS: Row[] = [
  // Tenants
  {
    mutation: 'createTenant', as: 'platform',
    prepare: async () => {
      const slug = `audited-${newId('ten').slice(-8)}`;
      return {
        document: withInput('createTenant', 'CreateTenantInput', '... on TenantPayload { tenant { id } }'),
        variables: { input: { name: 'Audited', slug } },
        tenantOf: (data) => data.createTenant.tenant.id,
        expect: (data) => one('tenant.created', 'Tenant', data.createTenant.tenant.id, { name: 'Audited', slug, keyPrefix: 'kw' }),
      };
    },
  },
  {
    mutation: 'updateTenant', as: 'owner',
    prepare: async (s) => ({
      document: withInput('updateTenant', 'UpdateTenantInput'),
      variables: { input: { id: s.tenant.id, name: 'Renamed', auditRetentionDays: 90 } },
      expect: () => one('tenant.updated', 'Tenant', s.tenant.id, { name: { before: 'Tenant', after: 'Renamed' }, auditRetentionDays: { before: null, after: 90 } }),
    }),
  },
  {
    mutation: 'setRouteMap', as: 'owner',
    prepare: async (s) => ({
      document: withInput('setRouteMap', 'SetRouteMapInput'),
      variables: { input: { defaultAction: 'DENY', routes: [{ pattern: 'GET /v1/**', scopes: ['tickets:read'] }] } },
      expect: () => one('routeMap.updated', 'Tenant', s.tenant.id, {
        defaultAction: { before: 'DENY', after: 'DENY' },
        routes: { before: [], after: [{ pattern: 'GET /v1/**', scopes: ['tickets:read'] }] },
      }),
    }),
  },
  {
    mutation: 'suspendTenant', as: 'platform',
    prepare: async (s) => ({ document: withId('suspendTenant'), variables: { id: s.tenant.id }, expect: () => one('tenant.suspended', 'Tenant', s.tenant.id) }),
  },
  {
    mutation: 'resumeTenant', as: 'platform',
    prepare: async (s) => {
      await prisma().tenant.update({ where: { id: s.tenant.id }, data: { status: 'SUSPENDED' } });
      return { document: withId('resumeTenant'), variables: { id: s.tenant.id }, expect: () => one('tenant.resumed', 'Tenant', s.tenant.id) };
    },
  },
  // Members and sessions
  {
    mutation: 'createMember', as: 'owner',
    prepare: async (s) => ({
      document: withInput('createMember', 'CreateMemberInput', '... on MemberPayload { member { id } }'),
      variables: { input: { email: 'new@example.test', name: 'New Member', roleId: s.tenant.roles.MEMBER, password: PASSWORD } },
      expect: (data) => one('member.created', 'Member', data.createMember.member.id, { email: 'new@example.test', name: 'New Member', roleId: s.tenant.roles.MEMBER }),
    }),
  },
  {
    mutation: 'updateMember', as: 'owner',
    prepare: async (s) => {
      const m = await member(s);
      return {
        document: withInput('updateMember', 'UpdateMemberInput'),
        variables: { input: { id: m.id, name: 'Renamed Member', roleId: s.tenant.roles.MEMBER } },
        expect: () => one('member.updated', 'Member', m.id, { name: { before: 'Test Member', after: 'Renamed Member' }, roleId: { before: s.tenant.roles.VIEWER, after: s.tenant.roles.MEMBER } }),
      };
    },
  },
  {
    mutation: 'deactivateMember', as: 'owner',
    prepare: async (s) => {
      const m = await member(s);
      return { document: withId('deactivateMember'), variables: { id: m.id }, expect: () => one('member.deactivated', 'Member', m.id) };
    },
  },
  {
    mutation: 'reactivateMember', as: 'owner',
    prepare: async (s) => {
      const m = await member(s);
      await prisma().member.update({ where: { id: m.id }, data: { status: 'DEACTIVATED' } });
      return { document: withId('reactivateMember'), variables: { id: m.id }, expect: () => one('member.reactivated', 'Member', m.id) };
    },
  },
  {
    mutation: 'deleteMember', as: 'owner',
    prepare: async (s) => {
      const m = await member(s);
      return { document: withId('deleteMember'), variables: { id: m.id }, expect: () => one('member.deleted', 'Member', m.id, { email: m.email }) };
    },
  },
  {
    mutation: 'setMemberPassword', as: 'owner',
    prepare: async (s) => {
      const m = await member(s);
      return {
        document: withInput('setMemberPassword', 'SetMemberPasswordInput'),
        variables: { input: { memberId: m.id, password: PASSWORD } },
        expect: () => one('member.password_set', 'Member', m.id, { revokedSessions: 1 }),
      };
    },
  },
  {
    mutation: 'login', as: 'anonymous',
    prepare: async (s) => {
      const m = await member(s);
      await prisma().member.update({ where: { id: m.id }, data: { passwordHash: await hashSecret(PASSWORD, t.app.config.argon2) } });
      return {
        document: withInput('login', 'LoginInput', '... on LoginPayload { token }'),
        variables: { input: { tenant: s.tenant.slug, email: m.email, password: PASSWORD } },
        actor: { type: 'MEMBER', id: m.id },
        expect: (data) => {
          plaintexts.push(data.login.token);
          return [{ action: 'session.created', targetType: 'Session', targetId: expect.stringMatching(/^ses_/) as unknown as string, changes: { memberId: m.id } }];
        },
      };
    },
  },
  {
    mutation: 'logout', as: 'owner',
    prepare: async (s) => {
      const session = await prisma().session.findFirstOrThrow({ where: { memberId: s.tenant.owner.id } });
      return { document: 'mutation { logout { __typename ... on Error { code message } } }', variables: {}, expect: () => one('session.revoked', 'Session', session.id, { memberId: s.tenant.owner.id }) };
    },
  },
  {
    mutation: 'revokeSession', as: 'owner',
    prepare: async (s) => {
      const m = await member(s);
      const session = await prisma().session.findFirstOrThrow({ where: { memberId: m.id } });
      return { document: withId('revokeSession'), variables: { id: session.id }, expect: () => one('session.revoked', 'Session', session.id, { memberId: m.id }) };
    },
  },
  // Roles and scopes
  {
    mutation: 'createRole', as: 'owner',
    prepare: async () => ({
      document: withInput('createRole', 'CreateRoleInput', '... on RolePayload { role { id } }'),
      variables: { input: { name: 'Auditors', scopes: ['audit:read'] } },
      expect: (data) => one('role.created', 'Role', data.createRole.role.id, { name: 'Auditors', scopes: ['audit:read'] }),
    }),
  },
  {
    mutation: 'updateRole', as: 'owner',
    prepare: async (s) => {
      const role = await customRole(s.tenant.id);
      return {
        document: withInput('updateRole', 'UpdateRoleInput'),
        variables: { input: { id: role.id, description: 'Reads keys' } },
        expect: () => one('role.updated', 'Role', role.id, { description: { before: '', after: 'Reads keys' } }),
      };
    },
  },
  {
    mutation: 'deleteRole', as: 'owner',
    prepare: async (s) => {
      const role = await customRole(s.tenant.id);
      return { document: withInput('deleteRole', 'DeleteRoleInput'), variables: { input: { id: role.id } }, expect: () => one('role.deleted', 'Role', role.id, { name: role.name }) };
    },
  },
  {
    mutation: 'createScope', as: 'owner',
    prepare: async () => ({
      document: withInput('createScope', 'CreateScopeInput', '... on ScopePayload { scope { id } }'),
      variables: { input: { name: 'tickets:write', description: 'Write tickets' } },
      expect: (data) => one('scope.created', 'Scope', data.createScope.scope.id, { name: 'tickets:write', description: 'Write tickets' }),
    }),
  },
  {
    mutation: 'updateScope', as: 'owner',
    prepare: async (s) => {
      const made = await scope(s.tenant.id);
      return {
        document: withInput('updateScope', 'UpdateScopeInput'),
        variables: { input: { id: made.id, description: 'Read every ticket' } },
        expect: () => one('scope.updated', 'Scope', made.id, { description: { before: 'Read tickets', after: 'Read every ticket' } }),
      };
    },
  },
  {
    mutation: 'deleteScope', as: 'owner',
    prepare: async (s) => {
      const made = await scope(s.tenant.id);
      return { document: withInput('deleteScope', 'DeleteScopeInput'), variables: { input: { id: made.id } }, expect: () => one('scope.deleted', 'Scope', made.id, { name: 'tickets:read' }) };
    },
  },
  // Groups and IP rules
  {
    mutation: 'createGroup', as: 'owner',
    prepare: async () => ({
      document: withInput('createGroup', 'CreateGroupInput', '... on GroupPayload { group { id } }'),
      variables: { input: { name: 'Partners', defaultScopes: ['keys:read'] } },
      expect: (data) => one('group.created', 'Group', data.createGroup.group.id, { name: 'Partners' }),
    }),
  },
  {
    mutation: 'updateGroup', as: 'owner',
    prepare: async (s) => {
      const group = await createTestGroup(t.app, s.tenant.id);
      return {
        document: withInput('updateGroup', 'UpdateGroupInput'),
        variables: { input: { id: group, description: 'For partners' } },
        expect: () => one('group.updated', 'Group', group, { description: { before: '', after: 'For partners' } }),
      };
    },
  },
  {
    mutation: 'deleteGroup', as: 'owner',
    prepare: async (s) => {
      const group = await createTestGroup(t.app, s.tenant.id);
      return { document: withInput('deleteGroup', 'DeleteGroupInput'), variables: { input: { id: group } }, expect: () => one('group.deleted', 'Group', group) };
    },
  },
  {
    mutation: 'createIpRule', as: 'owner',
    prepare: async () => ({
      document: withInput('createIpRule', 'CreateIpRuleInput', '... on IpRulePayload { ipRule { id } }'),
      variables: { input: { action: 'ALLOW', cidr: '10.0.0.0/8', description: 'office' } },
      expect: (data) => one('ipRule.created', 'IpRule', data.createIpRule.ipRule.id, { action: 'ALLOW', cidr: '10.0.0.0/8' }),
    }),
  },
  {
    mutation: 'deleteIpRule', as: 'owner',
    prepare: async (s) => {
      const rule = await prisma().ipRule.create({ data: { id: newId('ipr'), tenantId: s.tenant.id, action: 'DENY', cidr: '192.0.2.0/24' } });
      return { document: withId('deleteIpRule'), variables: { id: rule.id }, expect: () => one('ipRule.deleted', 'IpRule', rule.id, { cidr: '192.0.2.0/24' }) };
    },
  },
  // Keys
  {
    mutation: 'createKey', as: 'owner',
    prepare: async () => ({
      document: withInput('createKey', 'CreateKeyInput', '... on CreateKeyPayload { apiKey { id } secret }'),
      variables: { input: { name: 'Issued', scopes: ['keys:read'], ipRules: [{ action: 'ALLOW', cidr: '10.1.0.0/16' }] } },
      expect: (data) => {
        plaintexts.push(data.createKey.secret);
        return one('key.created', 'ApiKey', data.createKey.apiKey.id, { name: 'Issued', scopes: ['keys:read'] });
      },
    }),
  },
  {
    mutation: 'createKey', label: 'by an API key', as: 'apiKey',
    prepare: async (s) => {
      // For a member whose role holds no scope the calling key lacks.
      const viewer = await member(s);
      return {
        document: withInput('createKey', 'CreateKeyInput', '... on CreateKeyPayload { apiKey { id } secret }'),
        variables: { input: { name: 'Provisioned', ownerId: viewer.id, scopes: ['keys:read'] } },
        expect: (data) => {
          plaintexts.push(data.createKey.secret);
          return one('key.created', 'ApiKey', data.createKey.apiKey.id, { name: 'Provisioned', ownerId: viewer.id });
        },
      };
    },
  },
  {
    mutation: 'updateKey', as: 'owner',
    prepare: async (s) => {
      const k = await key(s);
      return {
        document: withInput('updateKey', 'UpdateKeyInput'),
        variables: { input: { id: k.id, name: 'Renamed key', scopes: ['keys:read', 'groups:read'] } },
        expect: () => one('key.updated', 'ApiKey', k.id, { name: { after: 'Renamed key' }, scopes: { before: ['keys:read'], after: ['keys:read', 'groups:read'] } }),
      };
    },
  },
  {
    mutation: 'disableKey', as: 'owner',
    prepare: async (s) => {
      const k = await key(s);
      return { document: withId('disableKey'), variables: { id: k.id }, expect: () => one('key.disabled', 'ApiKey', k.id, { status: { before: 'ACTIVE', after: 'DISABLED' } }) };
    },
  },
  {
    mutation: 'enableKey', as: 'owner',
    prepare: async (s) => {
      const k = await key(s, 'DISABLED');
      return { document: withId('enableKey'), variables: { id: k.id }, expect: () => one('key.enabled', 'ApiKey', k.id, { status: { before: 'DISABLED', after: 'ACTIVE' } }) };
    },
  },
  {
    mutation: 'revokeKey', as: 'owner',
    prepare: async (s) => {
      const k = await key(s);
      return {
        document: withInput('revokeKey', 'RevokeKeyInput'),
        variables: { input: { id: k.id, reason: 'leaked in a log' } },
        expect: () => one('key.revoked', 'ApiKey', k.id, { status: { before: 'ACTIVE', after: 'REVOKED' }, reason: 'leaked in a log' }),
      };
    },
  },
  {
    mutation: 'reportLeakedKey', as: 'owner',
    prepare: async (s) => {
      const k = await key(s);
      return {
        document: withInput('reportLeakedKey', 'ReportLeakedKeyInput'),
        variables: { input: { key: k.text, url: 'https://paste.example.test/1' } },
        expect: () => [
          { action: 'key.leaked', targetType: 'ApiKey', targetId: k.id, changes: { reportedBy: 'member', url: 'https://paste.example.test/1', policy: 'REVOKE', matched: 'current' } },
          { action: 'key.revoked', targetType: 'ApiKey', targetId: k.id, changes: { status: { before: 'ACTIVE', after: 'REVOKED' }, leaked: true } },
        ],
      };
    },
  },
  {
    mutation: 'revokeAccessToken', as: 'owner',
    prepare: async (s) => {
      const k = await key(s);
      const token = await prisma().accessToken.create({
        data: { id: newId('tok'), tenantId: s.tenant.id, apiKeyId: k.id, tokenHash: newId('tok'), scopes: [], expiresAt: new Date(Date.now() + 3_600_000) },
      });
      return { document: withId('revokeAccessToken'), variables: { id: token.id }, expect: () => one('accessToken.revoked', 'AccessToken', token.id) };
    },
  },
  {
    mutation: 'rotateKey', as: 'owner',
    prepare: async (s) => {
      const k = await key(s);
      return {
        document: withInput('rotateKey', 'RotateKeyInput', '... on RotateKeyPayload { secret }'),
        variables: { input: { id: k.id, gracePeriodSeconds: 60 } },
        expect: (data) => {
          plaintexts.push(data.rotateKey.secret);
          return one('key.rotated', 'ApiKey', k.id, { gracePeriodSeconds: 60 });
        },
      };
    },
  },
  {
    mutation: 'createKeys', as: 'owner',
    prepare: async () => ({
      document: withInput('createKeys', 'CreateKeysInput', '... on CreateKeysPayload { results { created { apiKey { id name } secret } } }'),
      variables: { input: { items: [{ name: 'Bulk one', scopes: ['keys:read'] }, { name: 'Bulk two', scopes: [] }] } },
      // One event per key, as createKey writes it.
      expect: (data) => data.createKeys.results.flatMap((r: { created: { apiKey: { id: string; name: string }; secret: string } }) => {
        plaintexts.push(r.created.secret);
        return one('key.created', 'ApiKey', r.created.apiKey.id, { name: r.created.apiKey.name });
      }),
    }),
  },
  {
    mutation: 'rotateKeys', as: 'owner',
    prepare: async (s) => {
      const [a, b] = [await key(s), await key(s)];
      return {
        document: withInput('rotateKeys', 'RotateKeysInput', '... on RotateKeysPayload { results { rotated { secret } } }'),
        variables: { input: { items: [{ id: a.id }, { id: b.id, gracePeriodSeconds: 60 }] } },
        expect: (data) => {
          for (const r of data.rotateKeys.results) plaintexts.push(r.rotated.secret);
          return [...one('key.rotated', 'ApiKey', a.id), ...one('key.rotated', 'ApiKey', b.id, { gracePeriodSeconds: 60 })];
        },
      };
    },
  },
  {
    mutation: 'setIdentityLimits', as: 'owner',
    prepare: async (s) => {
      const identity = await prisma().identity.create({ data: { id: newId('idt'), tenantId: s.tenant.id, externalId: 'cust-audited' } });
      return {
        document: withInput('setIdentityLimits', 'SetIdentityLimitsInput'),
        variables: { input: { externalId: 'cust-audited', rateLimit: { limit: 100, windowMs: 60_000 } } },
        expect: () => one('identity.limits_set', 'Identity', identity.id, { externalId: 'cust-audited' }),
      };
    },
  },
  {
    mutation: 'deleteKey', as: 'owner',
    prepare: async (s) => {
      const k = await key(s);
      return { document: withId('deleteKey'), variables: { id: k.id }, expect: () => one('key.deleted', 'ApiKey', k.id) };
    },
  },
  {
    mutation: 'bulkUpdateKeys', as: 'owner',
    prepare: async (s) => {
      const [a, b] = [await key(s), await key(s)];
      return {
        document: withInput('bulkUpdateKeys', 'BulkUpdateKeysInput'),
        variables: { input: { action: 'DISABLE', ids: [a.id, b.id] } },
        expect: () => [
          ...[a.id, b.id].sort().map((id) => ({ action: 'key.disabled', targetType: 'ApiKey', targetId: id, changes: { status: { before: 'ACTIVE', after: 'DISABLED' } } })),
          { action: 'keys.bulkUpdated', targetType: 'ApiKey', targetId: null, changes: { action: 'DISABLE', count: 2 } },
        ],
      };
    },
  },
  // Webhooks
  {
    mutation: 'createWebhookEndpoint', as: 'owner',
    prepare: async () => ({
      document: withInput('createWebhookEndpoint', 'CreateWebhookEndpointInput', '... on WebhookEndpointSecretPayload { endpoint { id } secret }'),
      variables: { input: { url: 'https://hooks.example.com/a', eventTypes: ['key.created', 'audit.*'] } },
      expect: (data) => {
        plaintexts.push(data.createWebhookEndpoint.secret);
        return one('webhook.created', 'WebhookEndpoint', data.createWebhookEndpoint.endpoint.id, { url: 'https://hooks.example.com/a', eventTypes: ['key.created', 'audit.*'] });
      },
    }),
  },
  {
    mutation: 'updateWebhookEndpoint', as: 'owner',
    prepare: async (s) => {
      const id = await webhookEndpoint(s);
      return {
        document: withInput('updateWebhookEndpoint', 'UpdateWebhookEndpointInput'),
        variables: { input: { id, description: 'CRM' } },
        expect: () => one('webhook.updated', 'WebhookEndpoint', id, { description: { before: '', after: 'CRM' } }),
      };
    },
  },
  {
    mutation: 'rotateWebhookSecret', as: 'owner',
    prepare: async (s) => {
      const id = await webhookEndpoint(s);
      return {
        document: withInput('rotateWebhookSecret', 'RotateWebhookSecretInput', '... on WebhookEndpointSecretPayload { secret }'),
        variables: { input: { id, overlapSeconds: 600 } },
        expect: (data) => {
          plaintexts.push(data.rotateWebhookSecret.secret);
          return one('webhook.rotated', 'WebhookEndpoint', id, { overlapSeconds: 600 });
        },
      };
    },
  },
  {
    mutation: 'pauseWebhookEndpoint', as: 'owner',
    prepare: async (s) => {
      const id = await webhookEndpoint(s);
      return { document: withId('pauseWebhookEndpoint'), variables: { id }, expect: () => one('webhook.paused', 'WebhookEndpoint', id, { status: { before: 'ACTIVE', after: 'PAUSED' } }) };
    },
  },
  {
    mutation: 'resumeWebhookEndpoint', as: 'owner',
    prepare: async (s) => {
      const id = await webhookEndpoint(s);
      await prisma().webhookEndpoint.update({ where: { id }, data: { status: 'DISABLED' } });
      return { document: withId('resumeWebhookEndpoint'), variables: { id }, expect: () => one('webhook.resumed', 'WebhookEndpoint', id, { status: { before: 'DISABLED', after: 'ACTIVE' } }) };
    },
  },
  {
    mutation: 'deleteWebhookEndpoint', as: 'owner',
    prepare: async (s) => {
      const id = await webhookEndpoint(s);
      return { document: withId('deleteWebhookEndpoint'), variables: { id }, expect: () => one('webhook.deleted', 'WebhookEndpoint', id, { url: 'https://hooks.example.com/in' }) };
    },
  },
  {
    mutation: 'redeliverWebhook', as: 'owner',
    prepare: async (s) => {
      const endpointId = await webhookEndpoint(s);
      const delivery = await prisma().webhookDelivery.create({
        data: { id: newId('msg'), tenantId: s.tenant.id, endpointId, eventType: 'key.revoked', payload: '{}', status: 'FAILED', attempts: 3, nextAttemptAt: new Date() },
      });
      return {
        document: withId('redeliverWebhook'),
        variables: { id: delivery.id },
        expect: () => one('webhook.redelivered', 'WebhookDelivery', delivery.id, { endpointId, status: { before: 'FAILED', after: 'PENDING' } }),
      };
    },
  },
  {
    mutation: 'setWebhookExpiryLeadTimes', as: 'owner',
    prepare: async (s) => ({
      document: withInput('setWebhookExpiryLeadTimes', 'SetWebhookExpiryLeadTimesInput'),
      variables: { input: { leadTimesSeconds: [86_400, 1_209_600] } },
      expect: () => one('tenant.webhookSettingsUpdated', 'Tenant', s.tenant.id, { expiryLeadSeconds: { before: [604_800, 86_400], after: [1_209_600, 86_400] } }),
    }),
  },
];

const REQUEST = { ip: '203.0.113.50', userAgent: 'audit-table/1.0' };

async function fixture(): Promise<Fixture> {
  const tenant = await createTenant(t.app);
  plaintexts.push(tenant.owner.token);
  // The API-key caller holds every management scope, through the OWNER it acts for.
  const apiKey = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: MANAGEMENT_SCOPES.map((s) => s.name) });
  plaintexts.push(apiKey.text, apiKey.secret);
  return { tenant, key: apiKey };
}

function tokenFor(caller: Caller, s: Fixture): string | undefined {
  return { owner: s.tenant.owner.token, platform, apiKey: s.key.text, anonymous: undefined }[caller];
}

function expectedActor(caller: Caller, s: Fixture): { actorType: string; actorId: string | null; actorPublicId: string | null } {
  switch (caller) {
    case 'owner': return { actorType: 'MEMBER', actorId: s.tenant.owner.id, actorPublicId: null };
    case 'platform': return { actorType: 'PLATFORM', actorId: platformId, actorPublicId: null };
    case 'apiKey': return { actorType: 'API_KEY', actorId: s.key.id, actorPublicId: s.key.publicId };
    case 'anonymous': return { actorType: 'SYSTEM', actorId: null, actorPublicId: null };
  }
}

const allEvents = () => prisma().auditEvent.count();
const eventsAfter = (tenantId: string, seq: number): Promise<AuditEvent[]> =>
  prisma().auditEvent.findMany({ where: { tenantId, seq: { gt: seq } }, orderBy: { seq: 'asc' } });
const lastSeq = async (tenantId: string) => (await prisma().auditEvent.findFirst({ where: { tenantId }, orderBy: { seq: 'desc' } }))?.seq ?? 0;

describe('every mutation writes exactly its audit events', () => {
  it('has a row for every mutation in schema.graphql', () => {
    const schema = buildSchema(readFileSync(new URL('../../../schema.graphql', import.meta.url), 'utf8'));
    const mutations = Object.keys((schema.getMutationType() as GraphQLObjectType).getFields()).sort();
    expect([...new Set(ROWS.map((r) => r.mutation))].sort()).toEqual(mutations);
  });

  it.each(ROWS.map((row) => [row.label ? `${row.mutation} (${row.label})` : row.mutation, row] as const))('%s', async (_name, row) => {
    const s = await fixture();
    const prepared = await row.prepare(s);
    const baseline = await lastSeq(s.tenant.id);
    const globalBefore = await allEvents();
    const requestId = `req-${newId('aud').slice(-10)}`;

    const response = await t.graphql(prepared.document, prepared.variables, {
      token: tokenFor(row.as, s), ip: REQUEST.ip, headers: { 'user-agent': REQUEST.userAgent, 'x-request-id': requestId },
    });
    expect(response.errors, response.body).toBeUndefined();
    const result = response.data[row.mutation];
    expect(result.__typename, JSON.stringify(result)).not.toMatch(/Error$/);

    const tenantId = prepared.tenantOf?.(response.data) ?? s.tenant.id;
    const written = await eventsAfter(tenantId, tenantId === s.tenant.id ? baseline : 0);
    const expected = prepared.expect(response.data);
    expect(await allEvents(), 'no event in any other tenant').toBe(globalBefore + expected.length);
    expect(written.map((e) => ({ action: e.action, targetType: e.targetType, targetId: e.targetId }))).toEqual(
      expected.map((e) => ({ action: e.action, targetType: e.targetType, targetId: e.targetId })),
    );
    const actor = prepared.actor ? { actorType: prepared.actor.type, actorId: prepared.actor.id, actorPublicId: null } : expectedActor(row.as, s);
    written.forEach((event, i) => {
      expect(event).toMatchObject({ ...actor, tenantId, ip: REQUEST.ip, userAgent: REQUEST.userAgent, requestId });
      if (expected[i]!.changes) expect(event.changes).toMatchObject(expected[i]!.changes!);
    });
    expect((await verifyAuditChain(prisma(), tenantId)).ok).toBe(true);
  });
});

describe('a refused or failed mutation writes no event', () => {
  const FAILURES: { name: string; as: 'owner' | 'viewer' | 'platform' | 'other'; prepare(s: Fixture): Promise<{ document: string; variables: Record<string, unknown> }> }[] = [
    {
      name: 'invalid input (createTenant with a bad slug)', as: 'platform',
      prepare: async () => ({ document: withInput('createTenant', 'CreateTenantInput'), variables: { input: { name: 'X', slug: 'Not A Slug' } } }),
    },
    {
      name: 'a conflict (createScope with a taken name)', as: 'owner',
      prepare: async (s) => {
        await scope(s.tenant.id, 'tickets:read');
        return { document: withInput('createScope', 'CreateScopeInput'), variables: { input: { name: 'tickets:read' } } };
      },
    },
    {
      name: 'a missing scope (createKey by a VIEWER)', as: 'viewer',
      prepare: async () => ({ document: withInput('createKey', 'CreateKeyInput'), variables: { input: { name: 'Nope' } } }),
    },
    {
      name: "another tenant's record (updateTenant)", as: 'other',
      prepare: async (s) => ({ document: withInput('updateTenant', 'UpdateTenantInput'), variables: { input: { id: s.tenant.id, name: 'Hijacked' } } }),
    },
    {
      name: "another tenant's key (revokeKey)", as: 'other',
      prepare: async (s) => ({ document: withInput('revokeKey', 'RevokeKeyInput'), variables: { input: { id: (await key(s)).id, reason: 'x' } } }),
    },
    {
      name: 'a refusal found inside the transaction (deleteGroup that holds keys)', as: 'owner',
      prepare: async (s) => {
        const group = await createTestGroup(t.app, s.tenant.id);
        const k = await createTestKey(t.app, s.tenant.id, { ownerId: s.tenant.owner.id, groupId: group });
        plaintexts.push(k.text);
        return { document: withInput('deleteGroup', 'DeleteGroupInput'), variables: { input: { id: group } } };
      },
    },
    {
      name: 'a no-op (enableKey of an active key writes nothing to record)', as: 'owner',
      prepare: async (s) => ({ document: withId('enableKey'), variables: { id: (await key(s)).id } }),
    },
  ];

  it.each(FAILURES.map((f) => [f.name, f] as const))('%s', async (_name, failure) => {
    const s = await fixture();
    const prepared = await failure.prepare(s);
    let token: string;
    if (failure.as === 'viewer') token = (await member(s)).token;
    else if (failure.as === 'other') token = (await fixture()).tenant.owner.token;
    else token = failure.as === 'platform' ? platform : s.tenant.owner.token;
    const before = await allEvents();
    const response = await t.graphql(prepared.document, prepared.variables, { token });
    const result = response.data?.[Object.keys(response.data ?? {})[0] ?? ''];
    if (!failure.name.startsWith('a no-op')) {
      expect(response.errors?.length || /Error$/.test(result?.__typename ?? ''), response.body).toBeTruthy();
    }
    expect(await allEvents()).toBe(before);
  });
});
