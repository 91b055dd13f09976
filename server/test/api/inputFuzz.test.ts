// Schema-driven fuzzing of every String, ID, DateTime and JSON input of every query and mutation:
// each generated bad value answers a typed error (never INTERNAL_SERVER_ERROR, never a 500) and
// changes nothing in the database.
import fc from 'fast-check';
import {
  getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, isUnionType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.ts';
import { ERROR_CODES } from '../../src/domain/errors.ts';
import { newId, type NodeTypename } from '../../src/domain/ids.ts';
import { useTestApp } from '../harness/useTestApp.ts';
import { databaseSnapshot } from '../harness/database.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey } from '../harness/keys.ts';

const t = useTestApp({ env: { KEYWARDEN_USAGE_FLUSH_MS: '3600000' } });
let tenant: TestTenant;
let operator: string;
/** A real record of each type, so that the other arguments of a fuzzed field are valid. */
const realIds: Partial<Record<NodeTypename, string>> = {};

beforeAll(async () => {
  tenant = await createTenant(t.app, 'Fuzz');
  operator = t.platform;
  const key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, ipRules: [{ action: 'DENY', cidr: '192.0.2.1/32' }] });
  const group = await t.app.db.prisma.group.create({ data: { id: newId('grp'), tenantId: tenant.id, name: 'fuzz group' } });
  Object.assign(realIds, {
    Tenant: tenant.id, Member: tenant.owner.id, Role: tenant.roles.VIEWER, ApiKey: key.id, Group: group.id,
    IpRule: (await t.app.db.prisma.ipRule.findFirstOrThrow({ where: { apiKeyId: key.id } })).id,
    Session: (await t.app.db.prisma.session.findFirstOrThrow({ where: { memberId: tenant.owner.id } })).id,
  });
}, 120_000);

const snapshot = () => databaseSnapshot(t.app.db);

// --- bad values ---------------------------------------------------------------------------------

const withNul = fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([a, b]) => `${a}\0${b}`);
const loneSurrogate = fc
  .tuple(fc.string({ maxLength: 8 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 8 }))
  .map(([a, unit, b]) => `${a}${String.fromCharCode(unit)}${b}`);
const overlong = fc.integer({ min: 10_001, max: 12_000 }).map((n) => 'a'.repeat(n));
const badText = fc.oneof(withNul, loneSurrogate, overlong);

const ID_PREFIXES = ['ten', 'mem', 'rol', 'scp', 'grp', 'key', 'ipr', 'tok', 'ses', 'aud'];
const PREFIX_OF: Record<string, string> = {
  Tenant: 'ten', Member: 'mem', Role: 'rol', Scope: 'scp', Group: 'grp', ApiKey: 'key', IpRule: 'ipr', AccessToken: 'tok', Session: 'ses', AuditEvent: 'aud',
};
const badId = (type: string | undefined) => {
  const generic = fc.oneof(badText, fc.constant(''));
  if (type === undefined) return generic;
  // A well-formed id of another type, or the right prefix with a malformed body.
  const otherType = fc.constantFrom(...ID_PREFIXES.filter((p) => p !== PREFIX_OF[type])).map((prefix) => newId(prefix as never));
  const malformed = fc.string({ maxLength: 30 }).map((body) => `${PREFIX_OF[type]}_${body}`);
  return fc.oneof(generic, otherType, malformed);
};

const badDateTime = fc.oneof(
  fc.constantFrom(
    '2030-02-30T00:00:00Z', '2030-13-01T00:00:00Z', '2030-00-10T00:00:00Z', '2030-04-31T00:00:00Z', '2029-02-29T00:00:00Z',
    '0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '10000-01-01T00:00:00Z', '2030-01-01T24:00:00Z', '2030-01-01T00:60:00Z',
    '2030-01-01T00:00:60Z', '2030-01-01T00:00:00Z\0', '2030-01-01', '2030-01-01T00:00:00', '2030-01-01T00:00:00+25:00', 'now', '',
  ),
  badText,
  fc.integer({ min: 1970, max: 9999 }).map((year) => `${year}-02-30T00:00:00Z`),
);

const isDepth = (value: unknown): value is { depth: number } =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 1 && typeof (value as { depth?: unknown }).depth === 'number';

/** JSON text nested `depth` levels, built as text: JSON.stringify itself overflows the stack on it. */
function nestedText(depth: number): string {
  let text = '1';
  for (let i = 0; i < depth; i++) text = i % 2 ? `[${text}]` : `{"a":${text}}`;
  return text;
}
const DEEP = '\u0001deep\u0001';

/** Sends a GraphQL request whose DEEP placeholder (if any) is `depth` levels of nested JSON. */
async function send(document: string, variables: Record<string, unknown>, token: string, depth: number) {
  const body = JSON.stringify({ query: document, variables }).replace(JSON.stringify(DEEP), nestedText(depth));
  const response = await t.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  const text = await response.text();
  const parsed = JSON.parse(text);
  return { status: response.status, data: parsed.data, errors: parsed.errors as { extensions?: Record<string, any> }[] | undefined, body: text };
}
// Deep values are generated as their depth, so that fast-check can print a counterexample.
const badJson = fc.oneof(
  fc.integer({ min: 33, max: 5_000 }).map((depth) => ({ depth })),
  withNul.map((text) => ({ [text]: 1 })),
  withNul.map((text) => ({ note: text })),
  loneSurrogate.map((text) => ({ note: [text] })),
);

// --- every fuzzable leaf of every field -----------------------------------------------------------

type Leaf = { path: (string | number)[]; kind: 'String' | 'ID' | 'DateTime' | 'JSON'; idOf?: string; list: boolean };

function leavesOf(type: GraphQLInputType, path: (string | number)[], idOf: string | undefined, list: boolean, depth: number, out: Leaf[]): void {
  if (isNonNullType(type)) return leavesOf(type.ofType, path, idOf, list, depth, out);
  if (isListType(type)) return leavesOf(type.ofType, path, idOf, true, depth, out);
  if (isInputObjectType(type)) {
    if (depth > 3) return;
    for (const field of Object.values(type.getFields())) {
      leavesOf(field.type, [...path, field.name], field.extensions.idOf as string | undefined, false, depth + 1, out);
    }
    return;
  }
  if (isScalarType(type) && ['String', 'ID', 'DateTime', 'JSON'].includes(type.name)) {
    out.push({ path, kind: type.name as Leaf['kind'], idOf, list });
  }
}

/** A valid value for a required argument or input field, so the fuzzed one is what fails. */
function validValue(type: GraphQLInputType, idOf: string | undefined): unknown {
  if (isNonNullType(type)) return validValue(type.ofType, idOf);
  if (isListType(type)) return [validValue(type.ofType, idOf)];
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = validValue(field.type, field.extensions.idOf as string | undefined);
    }
    return value;
  }
  if (isEnumType(type)) return type.getValues()[0]!.value;
  switch (type.name) {
    case 'ID': return (idOf && realIds[idOf as NodeTypename]) ?? realIds.ApiKey;
    case 'String': return 'fuzz';
    case 'Int': return 1;
    case 'Float': return 1;
    case 'Boolean': return false;
    case 'DateTime': return '2030-01-01T00:00:00Z';
    case 'JSON': return {};
    default: return null;
  }
}

function setAt(target: Record<string, unknown>, path: (string | number)[], value: unknown, field: GraphQLField<unknown, unknown>): void {
  let node: any = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    node[key] ??= {};
    node = node[key];
    // A required list of input objects (createKeys' items) holds one valid item: the bad value goes in it.
    if (Array.isArray(node)) node = node[0] ??= {};
  }
  node[path[path.length - 1]!] = value;
  void field;
}

function documentFor(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const params = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const named = getNamedType(field.type);
  let selection = '';
  if (isUnionType(named)) selection = '{ __typename ... on Error { code } }';
  else if (!isScalarType(named) && !isEnumType(named)) selection = '{ __typename }';
  return `${operation}(${params}) { ${field.name}(${args}) ${selection} }`;
}

type Case = { operation: 'query' | 'mutation'; field: GraphQLField<unknown, unknown>; leaf: Leaf };

function cases(): Case[] {
  const out: Case[] = [];
  for (const operation of ['query', 'mutation'] as const) {
    const root = operation === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
    for (const field of Object.values(root.getFields())) {
      const leaves: Leaf[] = [];
      for (const arg of field.args as readonly GraphQLArgument[]) leavesOf(arg.type, [arg.name], arg.extensions.idOf as string | undefined, false, 0, leaves);
      for (const leaf of leaves) out.push({ operation, field, leaf });
    }
  }
  return out;
}

function badValueFor(leaf: Leaf): fc.Arbitrary<unknown> {
  const value = leaf.kind === 'String' ? badText : leaf.kind === 'ID' ? badId(leaf.idOf) : leaf.kind === 'DateTime' ? badDateTime : badJson;
  return leaf.list ? value.map((v) => [v]) : value;
}

const TYPED_CODES = new Set<string>(ERROR_CODES.filter((code) => code !== 'INTERNAL_SERVER_ERROR'));
let generated = 0;

describe('bad input to every field answers a typed error and changes nothing', () => {
  const all = cases();

  it('finds the inputs to fuzz in the schema', () => {
    expect(all.length).toBeGreaterThan(100);
    for (const kind of ['String', 'ID', 'DateTime', 'JSON']) expect(all.some((c) => c.leaf.kind === kind), kind).toBe(true);
  });

  it.each(['owner', 'operator'] as const)('as the %s', async (who) => {
    const token = who === 'owner' ? tenant.owner.token : operator;
    for (const { operation, field, leaf } of all) {
      const document = documentFor(operation, field);
      await fc.assert(
        fc.asyncProperty(badValueFor(leaf), async (bad) => {
          generated++;
          const variables: Record<string, unknown> = {};
          for (const arg of field.args) {
            if (isNonNullType(arg.type) || arg.name === leaf.path[0]) variables[arg.name] = validValue(arg.type, arg.extensions.idOf as string | undefined);
          }
          setAt(variables, leaf.path, isDepth(bad) ? DEEP : Array.isArray(bad) && isDepth(bad[0]) ? [DEEP] : bad, field);
          const before = operation === 'mutation' ? await snapshot() : null;
          const depth = isDepth(bad) ? bad.depth : Array.isArray(bad) && isDepth(bad[0]) ? bad[0].depth : 0;
          const response = await send(document, variables, token, depth);
          const label = `${field.name}(${leaf.path.join('.')}) = ${JSON.stringify(bad).slice(0, 80)} → ${response.body.slice(0, 300)}`;
          expect(response.status, label).toBeLessThan(500);
          const codes = (response.errors ?? []).map((e) => e.extensions?.code);
          expect(codes, label).not.toContain('INTERNAL_SERVER_ERROR');
          const result = (response.data as any)?.[field.name];
          const typedResult = typeof result?.__typename === 'string' && result.__typename.endsWith('Error');
          expect(typedResult || (codes.length > 0 && codes.every((c) => TYPED_CODES.has(c))), `${label}: a typed error`).toBe(true);
          if (before !== null) expect(await snapshot(), `${label}: nothing changed`).toEqual(before);
        }),
        { numRuns: 6 },
      );
    }
  }, 600_000);

  afterAll(() => {
    // The figure the closing note reports.
    console.log(`input fuzz: ${generated} bad inputs sent, over ${all.length} inputs of ${new Set(all.map((c) => c.field.name)).size} fields`);
  });
});
