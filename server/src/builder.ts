import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import type PrismaTypes from './generated/pothos-types.ts';
import { getDatamodel } from './generated/pothos-types.ts';
import type { Context } from './context.ts';
import { inputSafetyPlugin } from './inputSafety.ts';
import { mutationSavepointsPlugin } from './mutationTransaction.ts';
import { typenameOfId } from './domain/ids.ts';
import { isProduction } from './config.ts';
import { AuthenticationError, ForbiddenError } from './domain/errors.ts';

/** Largest page any connection returns, whatever `first` asks for. */
export const MAX_PAGE_SIZE = 100;
/** A connection asked for without `first`/`last` answers this many. */
export const DEFAULT_PAGE_SIZE = 20;

// Plugins only; types live in schema/. Order matters: scope-auth wraps everything else, so a
// denied field runs nothing; errors sits outside prisma so domain errors become typed results, and
// outside input safety and the mutation savepoints, so bad input and a field's typed errors are
// answered as its result union's ValidationError (and the field's writes are undone).
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    /** Any authenticated caller. */
    authenticated: boolean;
    /** The platform operator. */
    platform: boolean;
    /** A caller acting inside a tenant (member session, API key, access token). */
    tenant: boolean;
    /** A tenant caller holding this scope. */
    scope: string;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, inputSafetyPlugin, mutationSavepointsPlugin, PrismaPlugin, RelayPlugin, ValidationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({
      authenticated: ctx.caller.kind !== 'anonymous',
      platform: ctx.caller.kind === 'platform',
      tenant: ctx.caller.kind === 'member' || ctx.caller.kind === 'apiKey' || ctx.caller.kind === 'accessToken',
      scope: (scope: string) => ctx.caller.kind !== 'anonymous' && ctx.caller.kind !== 'platform' && ctx.caller.scopes.has(scope),
    }),
    unauthorizedError: (_parent, ctx, _info, result) => {
      if (ctx.caller.kind === 'anonymous') return new AuthenticationError();
      const missing = missingScopes(result.failure);
      return new ForbiddenError(missing, missing.length ? undefined : 'This operation is not allowed for this caller');
    },
  },
  errors: {
    defaultTypes: [],
    // `createKey` answers `CreateKeyResult = CreateKeyPayload | ValidationError | …`.
    directResult: true,
    defaultUnionOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Result` },
  },
  prisma: {
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    onUnusedQuery: isProduction() ? null : 'warn',
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Our ids are already prefixed by type (`key_…`), so they serve as global ids unchanged.
    encodeGlobalID: (_typename, id) => String(id),
    decodeGlobalID: (globalID) => ({ typename: typenameOfId(globalID) ?? 'Unknown', id: globalID }),
    // Like every lookup, node(id:) needs a credential; a record outside the caller's tenant is null.
    nodeQueryOptions: { authScopes: { authenticated: true } },
    nodesQueryOptions: { authScopes: { authenticated: true } },
  },
});

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

type Failure = { kind: string; scope?: string; parameter?: unknown; failures?: Failure[] };

function missingScopes(failure: Failure): string[] {
  if (failure.kind === 'AuthScope' && failure.scope === 'scope' && typeof failure.parameter === 'string') {
    return [failure.parameter];
  }
  return [...new Set((failure.failures ?? []).flatMap(missingScopes))];
}

builder.queryType({});
builder.mutationType({});
