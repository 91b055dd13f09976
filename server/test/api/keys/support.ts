// What the key API tests share: documents, helpers and one app per file on a movable clock.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { type TestTenant } from '../../harness/fixtures.ts';
import { newId } from '../../../src/domain/ids.ts';
import { parseKey } from '@keywarden/sdk/key-format';
import { verifySecret } from '../../../src/domain/secrets.ts';

// The app's clock is ours to move. Fixture sessions live one real hour from their creation, so
// the clock starts half an hour in the past and tests move it by minutes at most.
export const START = Math.floor((Date.now() - 30 * 60_000) / 1000) * 1000;
export let nowMs = START;
export const at = (secondsFromStart: number) => { nowMs = START + secondsFromStart * 1000; };

export let t: TestApp;

/** One app per test file, on a clock the tests move; each test starts at START. */
export function useKeysApp(): void {
  beforeAll(async () => { t = await createTestApp({ clock: () => new Date(nowMs) }); });
  afterAll(async () => { await t?.close(); });
  beforeEach(() => { nowMs = START; });
}

export const KEY = `id publicId maskedKey name description contactEmail status scopes effectiveScopes endpoints expiresAt metadata
  createdAt updatedAt lastUsedAt lastUsedIp usageCount revokedAt revokedReason rotationGraceEndsAt
  owner { id } group { id } ipRules { action cidr level description }`;
export const ERRORS = `... on Error { message code } ... on ValidationError { fieldErrors { path message } }
  ... on ForbiddenError { missingScopes } ... on ConflictError { field } ... on NotFoundError { resource }`;
export const CREATE = `mutation($input: CreateKeyInput!) { createKey(input: $input) { __typename ... on CreateKeyPayload { key clientId clientSecret secret apiKey { ${KEY} } } ${ERRORS} } }`;
export const UPDATE = `mutation($input: UpdateKeyInput!) { updateKey(input: $input) { __typename ... on ApiKeyPayload { apiKey { ${KEY} } } ${ERRORS} } }`;
export const DISABLE = `mutation($id: ID!) { disableKey(id: $id) { __typename ... on ApiKeyPayload { apiKey { ${KEY} } } ${ERRORS} } }`;
export const ENABLE = `mutation($id: ID!) { enableKey(id: $id) { __typename ... on ApiKeyPayload { apiKey { ${KEY} } } ${ERRORS} } }`;
export const REVOKE = `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { __typename ... on ApiKeyPayload { apiKey { ${KEY} } } ${ERRORS} } }`;
export const DELETE = `mutation($id: ID!) { deleteKey(id: $id) { __typename ... on DeleteKeyPayload { deletedKeyId } ${ERRORS} } }`;
export const ROTATE = `mutation($input: RotateKeyInput!) { rotateKey(input: $input) { __typename ... on RotateKeyPayload { key clientId clientSecret secret apiKey { ${KEY} } } ${ERRORS} } }`;
export const BULK = `mutation($input: BulkUpdateKeysInput!) { bulkUpdateKeys(input: $input) { __typename ... on BulkUpdateKeysPayload { count keyIds } ${ERRORS} } }`;
export const GET = `query($id: ID!) { apiKey(id: $id) { ${KEY} } }`;
export const LIST = `query($filter: ApiKeyFilter, $first: Int, $after: String) {
  apiKeys(filter: $filter, first: $first, after: $after) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }`;
export const EXPLAIN = `query($id: ID!, $ip: String!, $scopes: [String!]) { explainAccess(keyId: $id, ip: $ip, scopes: $scopes) {
  code allowed effectiveScopes missingScopes } }`;

export type Result = Record<string, any>;

/** The one top-level field of a response, which must carry no top-level errors. */
export async function call(document: string, variables: Record<string, unknown>, token: string): Promise<Result> {
  const response = await t.graphql(document, variables, { token });
  expect(response.errors, response.body).toBeUndefined();
  return Object.values(response.data as Result)[0];
}

export async function issue(tenant: TestTenant, input: Record<string, unknown> = {}, token = tenant.owner.token) {
  const result = await call(CREATE, { input: { name: 'key', ...input } }, token);
  expect(result.__typename, JSON.stringify(result)).toBe('CreateKeyPayload');
  return result as { key: string; clientId: string; clientSecret: string; secret: string; apiKey: Result };
}

export function expectFieldError(result: Result, path: string[], message?: string | RegExp) {
  expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
  expect(result.code).toBe('VALIDATION_FAILED');
  const match = result.fieldErrors.find((e: { path: string[] }) => e.path.join('.') === path.join('.'));
  expect(match, `no field error at ${path.join('.')}: ${JSON.stringify(result.fieldErrors)}`).toBeTruthy();
  if (message) expect(match.message).toMatch(message);
}

/** Everything a failed mutation must leave untouched: keys, IP rules and the audit trail. */
export async function tenantState(tenantId: string): Promise<string> {
  const db = t.app.db.prisma;
  const [keys, rules, audit] = await Promise.all([
    db.apiKey.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    db.ipRule.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    db.auditEvent.count({ where: { tenantId } }),
  ]);
  return JSON.stringify({ keys, rules, audit }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

export async function addScopes(tenant: TestTenant, names: string[]) {
  await t.app.db.prisma.scope.createMany({ data: names.map((name) => ({ id: newId('scp'), tenantId: tenant.id, name })) });
}

export async function customRole(tenant: TestTenant, scopes: string[]) {
  const role = await t.app.db.prisma.role.create({ data: { id: newId('rol'), tenantId: tenant.id, name: `role-${newId('rol').slice(-6)}`, scopes } });
  return role.id;
}

export async function auditEvents(tenantId: string, targetId?: string) {
  return t.app.db.prisma.auditEvent.findMany({ where: { tenantId, ...(targetId && { targetId }) }, orderBy: { seq: 'asc' } });
}

export async function storedKey(id: string) {
  return t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id } });
}

/** What verification will accept: the current secret, or the previous one until its grace ends. */
export async function secretAccepted(id: string, keyText: string): Promise<boolean> {
  const parsed = parseKey(keyText);
  if (!parsed.ok) return false;
  const key = await storedKey(id);
  if (await verifySecret(key.secretHash, parsed.secret)) return true;
  return key.previousSecretHash !== null && key.previousSecretExpiresAt !== null && key.previousSecretExpiresAt.getTime() > nowMs
    && verifySecret(key.previousSecretHash, parsed.secret);
}
