import { setTimeout as sleep } from 'node:timers/promises';
import SchemaBuilder, { BasePlugin, contextCacheSymbol, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { GraphQLError, getOperationAST, print, type ExecutionArgs, type ExecutionResult, type GraphQLFieldResolver } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestHeadersOf, type Context } from './context.ts';
import { KeywardenError } from './domain/errors.ts';
import { prepareBulkSecrets } from './services/keys/bulk.ts';
import {
  claim, idempotencyKeyOf, keepAnswer, principalOf, releaseClaim, requestHash, type IdempotencyScope,
} from './services/idempotency.ts';
import { clientFor } from './db/clientFor.ts';
import { TRANSACTION_OPTIONS, inSavepoint, transactionConflictCode, uniqueSavepointName, withSavepoints } from './db/transaction.ts';

// A write and its answer agree. A mutation request runs in one database transaction that commits
// only when the answer carries no error in `errors`: a payload field the caller may not read, a
// failure while resolving it, anything. Otherwise nothing of the request is kept and the answer
// is those errors alone, with `extensions.committed: false`; no data (a secret of a key that does
// not exist would be a lie). A mutation field that answers one of its typed errors (a member of
// its result union) undoes its own writes through a savepoint (MutationSavepointsPlugin),
// while the request's other fields keep theirs.
//
// With an Idempotency-Key header, the key is claimed in the same transaction (services/idempotency.ts):
// the answer is kept with the writes, or, when the request fails or every field answered a typed
// error (nothing changed), the claim goes with them and the same key may be sent again.

class RolledBack extends Error {
  constructor(readonly result: ExecutionResult) {
    super('the answer carries errors: rolled back');
  }
}

export function useMutationTransaction(): Plugin<Context> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      setExecuteFn((executeArgs) => executeInTransaction(executeArgs.contextValue as Context, () => executeFn(executeArgs), executeArgs));
    },
  };
}

/** The request's mutation fields, and how many of them answered a typed error. */
const fieldOutcomes = new WeakMap<Context['request'], { fields: number; failed: number }>();

/** The Idempotency-Key scope of a mutation request, or null without the header. */
function idempotencyScope(ctx: Context, args: ExecutionArgs): IdempotencyScope | null {
  const key = idempotencyKeyOf(requestHeadersOf(ctx));
  const principal = principalOf(ctx.caller);
  if (key === null || principal === null) return null;
  return {
    principal,
    route: 'graphql',
    key,
    requestHash: requestHash({ document: print(args.document), operationName: args.operationName ?? null, variables: args.variableValues ?? {} }),
  };
}

const refused = (error: KeywardenError): ExecutionResult => ({
  errors: [new GraphQLError(error.message, { originalError: error })],
  extensions: { committed: false },
});

/** Attempts in all of a mutation request that PostgreSQL aborted as a deadlock or serialization failure. */
export const MAX_ATTEMPTS = 3;

/**
 * Each write locks the rows it changes (a key's group, owner and identity, for their stored
 * counts) and the tenant's advisory locks, so two requests can deadlock: PostgreSQL aborts one
 * (40P01), or a serialization fails (40001). Nothing of it was kept, so the request runs again in
 * a new transaction, as a first attempt would: its own context caches, savepoints, bulk secrets,
 * idempotency claim and effects. Any other failure is answered at once.
 */
async function executeInTransaction(ctx: Context, execute: () => unknown, args: ExecutionArgs): Promise<ExecutionResult> {
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) {
      // Pothos keeps per-context state (the Prisma client it read from ctx.db, loaders) under
      // this key: a fresh one, or the retry would read through the failed transaction.
      (ctx as unknown as Record<symbol, unknown>)[contextCacheSymbol] = {};
    }
    const outcome = await attemptInTransaction(ctx, execute, args);
    if (outcome.kind === 'done') return outcome.result;
    const last = attempt >= MAX_ATTEMPTS;
    ctx.app.logger.warn(
      { requestId: ctx.request.id, sqlState: outcome.code, attempt, of: MAX_ATTEMPTS },
      last ? 'a mutation met a lock conflict on its last attempt: answered as failed' : 'a mutation met a lock conflict (deadlock or serialization failure): running it again',
    );
    if (last) {
      if (outcome.kind === 'thrown') throw outcome.error;
      return outcome.result;
    }
    await sleep(Math.round((10 + Math.random() * 40) * attempt));
  }
}

type Attempt =
  | { kind: 'done'; result: ExecutionResult }
  | { kind: 'conflict'; code: string; result: ExecutionResult }
  | { kind: 'thrown'; code: string; error: unknown };

async function attemptInTransaction(ctx: Context, execute: () => unknown, args: ExecutionArgs): Promise<Attempt> {
  const outside = { db: ctx.db, unscoped: ctx.unscoped };
  const effects: (() => unknown)[] = [];
  const outcome = { fields: 0, failed: 0 };
  fieldOutcomes.set(ctx.request, outcome);
  let result: ExecutionResult;
  let replayed = false;
  try {
    const scope = idempotencyScope(ctx, args);
    await prepareBulkSecrets(ctx, args);
    result = await ctx.app.db.prisma.$transaction(async (tx) => {
      ctx.unscoped = withSavepoints(tx as typeof ctx.unscoped);
      ctx.db = clientFor(ctx.caller, ctx.unscoped);
      ctx.afterCommit = effects;
      const claimed = scope ? await claim<ExecutionResult>(ctx.unscoped, scope, ctx.app.clock()) : null;
      if (claimed?.kind === 'replay') {
        replayed = true;
        return { ...claimed.answer, extensions: { ...claimed.answer.extensions, idempotentReplay: true } };
      }
      const answer = (await execute()) as ExecutionResult;
      if (answer.errors?.length) throw new RolledBack(answer);
      if (scope && claimed?.kind === 'new') {
        const nothingChanged = outcome.fields > 0 && outcome.failed === outcome.fields;
        if (nothingChanged) await releaseClaim(ctx.unscoped, claimed.id);
        else await keepAnswer(ctx.unscoped, scope, claimed.id, { data: answer.data, ...(answer.extensions && { extensions: answer.extensions }) });
      }
      return answer;
    }, TRANSACTION_OPTIONS);
  } catch (error) {
    if (error instanceof KeywardenError) return { kind: 'done', result: refused(error) };
    if (!(error instanceof RolledBack)) {
      const code = transactionConflictCode(error);
      if (code === null) throw error;
      return { kind: 'thrown', code, error };
    }
    const failed = { errors: error.result.errors, extensions: { ...error.result.extensions, committed: false } };
    const code = transactionConflictCode(error.result.errors);
    return code === null ? { kind: 'done', result: failed } : { kind: 'conflict', code, result: failed };
  } finally {
    Object.assign(ctx, outside, { afterCommit: null });
  }
  if (replayed) return { kind: 'done', result };
  for (const effect of effects) {
    // The change is committed and answered as done; a failing effect is the operator's to see.
    try {
      await effect();
    } catch (error) {
      ctx.app.logger.error({ err: error, requestId: ctx.request.id }, 'an effect after a committed mutation failed');
    }
  }
  return { kind: 'done', result };
}

/**
 * Pothos plugin: each mutation field runs in a savepoint of the request's transaction, so a field
 * that answers one of its typed errors has written nothing, whatever it did before failing.
 * Listed after the errors plugin, which turns the rethrown error into the result union member.
 */
export class MutationSavepointsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.parentType !== 'Mutation') return resolver;
    return (parent, args, context, info) => {
      const ctx = context as Context;
      if (!ctx.afterCommit) return resolver(parent, args, context, info);
      const outcome = fieldOutcomes.get(ctx.request);
      if (outcome) outcome.fields++;
      return inSavepoint(ctx.unscoped, uniqueSavepointName(), async () => resolver(parent, args, context, info)).catch((error: unknown) => {
        if (outcome) outcome.failed++;
        throw error;
      });
    };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      mutationSavepoints: MutationSavepointsPlugin<Types>;
    }
  }
}

export const mutationSavepointsPlugin = 'mutationSavepoints' as const;
SchemaBuilder.registerPlugin(mutationSavepointsPlugin, MutationSavepointsPlugin);
