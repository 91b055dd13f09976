// What the key API tests share: documents, helpers and one app per file on a movable clock.
import { beforeEach, expect } from 'vitest';
import { useTestApp, type SharedTestApp } from '../../harness/useTestApp.ts';
import { type TestTenant } from '../../harness/fixtures.ts';
import { newId } from '../../../src/domain/ids.ts';
import { parseKey } from '@keywarden/sdk/key-format';
import { verifySecret } from '../../../src/domain/secrets.ts';
import { typedDocument, type TypedDocumentNode } from '../../harness/operation.ts';
import type {
  AccessCode, ApiKeyFilter, ApiKeyStatus, BulkUpdateKeysInput, CreateKeyInput, IpRuleAction, IpRuleLevel, RevokeKeyInput, RotateKeyInput,
  ErrorCode as ServerErrorCode, UpdateKeyInput,
} from '@keywarden/sdk/graphql';

// The app's clock is ours to move. Fixture sessions live one real hour from their creation, so
// the clock starts half an hour in the past and tests move it by minutes at most.
export const START = Math.floor((Date.now() - 30 * 60_000) / 1000) * 1000;
export let nowMs = START;
export const at = (secondsFromStart: number) => { nowMs = START + secondsFromStart * 1000; };

export let t: SharedTestApp;

/** One app per test file, on a clock the tests move; each test starts at START. */
export function useKeysApp(): void {
  t = useTestApp({ clock: () => new Date(nowMs) });
  beforeEach(() => { nowMs = START; });
}

export const KEY = `id publicId maskedKey name description contactEmail status scopes effectiveScopes endpoints expiresAt metadata
  createdAt updatedAt lastUsedAt lastUsedIp usageCount revokedAt revokedReason rotationGraceEndsAt
  owner { id } group { id } ipRules { action cidr level description }`;
export const ERRORS = `... on Error { message code } ... on ValidationError { fieldErrors { path message } }
  ... on ForbiddenError { missingScopes } ... on ConflictError { field } ... on NotFoundError { resource }`;

/** A key as KEY selects it. */
export interface Key {
  id: string; publicId: string; maskedKey: string; name: string; description: string; contactEmail: string | null;
  status: ApiKeyStatus; scopes: string[]; effectiveScopes: string[]; endpoints: string[]; expiresAt: string | null; metadata: unknown;
  createdAt: string; updatedAt: string; lastUsedAt: string | null; lastUsedIp: string | null; usageCount: number;
  revokedAt: string | null; revokedReason: string | null; rotationGraceEndsAt: string | null;
  owner: { id: string }; group: { id: string } | null;
  ipRules: { action: IpRuleAction; cidr: string; level: IpRuleLevel; description: string }[];
}

/** A typed error of a mutation's result union, as ERRORS selects it. */
export type Failure = { message: string; code: ServerErrorCode } & (
  | { __typename: 'ValidationError'; fieldErrors: { path: string[]; message: string }[] }
  | { __typename: 'ForbiddenError'; missingScopes: string[] }
  | { __typename: 'ConflictError'; field: string | null }
  | { __typename: 'NotFoundError'; resource: string }
);

/** A mutation's result: its payload, named `typename`, or a typed error. */
export type Outcome<Typename extends string, Payload> = ({ __typename: Typename } & Payload) | Failure;

type Issued = { key: string; clientId: string; clientSecret: string; secret: string; apiKey: Key };

export const CREATE = typedDocument<{ createKey: Outcome<'CreateKeyPayload', Issued> }, { input: CreateKeyInput }>(
  `mutation($input: CreateKeyInput!) { createKey(input: $input) { __typename ... on CreateKeyPayload { key clientId clientSecret secret apiKey { ${KEY} } } ${ERRORS} } }`);
export const UPDATE = typedDocument<{ updateKey: Outcome<'ApiKeyPayload', { apiKey: Key }> }, { input: UpdateKeyInput }>(
  `mutation($input: UpdateKeyInput!) { updateKey(input: $input) { __typename ... on ApiKeyPayload { apiKey { ${KEY} } } ${ERRORS} } }`);
export const DISABLE = typedDocument<{ disableKey: Outcome<'ApiKeyPayload', { apiKey: Key }> }, { id: string }>(
  `mutation($id: ID!) { disableKey(id: $id) { __typename ... on ApiKeyPayload { apiKey { ${KEY} } } ${ERRORS} } }`);
export const ENABLE = typedDocument<{ enableKey: Outcome<'ApiKeyPayload', { apiKey: Key }> }, { id: string }>(
  `mutation($id: ID!) { enableKey(id: $id) { __typename ... on ApiKeyPayload { apiKey { ${KEY} } } ${ERRORS} } }`);
export const REVOKE = typedDocument<{ revokeKey: Outcome<'ApiKeyPayload', { apiKey: Key }> }, { input: RevokeKeyInput }>(
  `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { __typename ... on ApiKeyPayload { apiKey { ${KEY} } } ${ERRORS} } }`);
export const DELETE = typedDocument<{ deleteKey: Outcome<'DeleteKeyPayload', { deletedKeyId: string }> }, { id: string }>(
  `mutation($id: ID!) { deleteKey(id: $id) { __typename ... on DeleteKeyPayload { deletedKeyId } ${ERRORS} } }`);
export const ROTATE = typedDocument<{ rotateKey: Outcome<'RotateKeyPayload', Issued> }, { input: RotateKeyInput }>(
  `mutation($input: RotateKeyInput!) { rotateKey(input: $input) { __typename ... on RotateKeyPayload { key clientId clientSecret secret apiKey { ${KEY} } } ${ERRORS} } }`);
export const BULK = typedDocument<{ bulkUpdateKeys: Outcome<'BulkUpdateKeysPayload', { count: number; keyIds: string[] }> }, { input: BulkUpdateKeysInput }>(
  `mutation($input: BulkUpdateKeysInput!) { bulkUpdateKeys(input: $input) { __typename ... on BulkUpdateKeysPayload { count keyIds } ${ERRORS} } }`);
export const GET = typedDocument<{ apiKey: Key | null }, { id: string }>(`query($id: ID!) { apiKey(id: $id) { ${KEY} } }`);
export const LIST = typedDocument<
  { apiKeys: { edges: { cursor: string; node: { id: string; status: ApiKeyStatus } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
  { filter?: ApiKeyFilter; first?: number; after?: string | null }
>(`query($filter: ApiKeyFilter, $first: Int, $after: String) {
  apiKeys(filter: $filter, first: $first, after: $after) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }`);
export const EXPLAIN = typedDocument<
  { explainAccess: { code: AccessCode; allowed: boolean; effectiveScopes: string[]; missingScopes: string[] } },
  { id: string; ip: string; scopes?: string[] }
>(`query($id: ID!, $ip: String!, $scopes: [String!]) { explainAccess(keyId: $id, ip: $ip, scopes: $scopes) {
  code allowed effectiveScopes missingScopes } }`);

export type Result = Record<string, any>;

/** The one top-level field of a response, which must carry no top-level errors. */
export async function call<R, V>(document: TypedDocumentNode<R, V>, variables: V, token: string): Promise<R[keyof R]> {
  const response = await t.executeOperation(document, variables, { token });
  expect(response.errors, response.body).toBeUndefined();
  return Object.values(response.data as object)[0];
}

/** A document with its variables, checked against each other, for tests that run a list of operations. */
export interface Operation {
  document: TypedDocumentNode<Record<string, unknown>, unknown>;
  variables: unknown;
}
export const operation = <R, V>(document: TypedDocumentNode<R, V>, variables: V) => ({ document, variables }) as Operation;

/** `call` for a result that must be `typename`: asserts so, and returns it narrowed to that member. */
export async function callFor<R, V, N extends string>(document: TypedDocumentNode<R, V>, variables: V, token: string, typename: N) {
  const result = (await call(document, variables, token)) as { __typename: string };
  expect(result.__typename, JSON.stringify(result)).toBe(typename);
  return result as Extract<R[keyof R], { __typename: N }>;
}

/** Asserts which member of a result union came back, and narrows the result to it. */
export function expectTypename<T extends { __typename: string }, N extends T['__typename']>(
  result: T, typename: N,
): asserts result is Extract<T, { __typename: N }> {
  expect(result.__typename, JSON.stringify(result)).toBe(typename);
}

export async function issue(tenant: TestTenant, input: Partial<CreateKeyInput> = {}, token = tenant.owner.token): Promise<Issued> {
  const result = await call(CREATE, { input: { name: 'key', ...input } }, token);
  expectTypename(result, 'CreateKeyPayload');
  return result;
}

export function expectFieldError(outcome: unknown, path: readonly string[], message?: string | RegExp) {
  const result = outcome as Result;
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
