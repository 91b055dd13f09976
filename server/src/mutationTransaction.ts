import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { getOperationAST, type ExecutionResult, type GraphQLFieldResolver } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context.ts';
import { clientFor } from './db/clientFor.ts';
import { TRANSACTION_OPTIONS, inSavepoint, uniqueSavepointName, withSavepoints } from './db/transaction.ts';

// A write and its answer agree. A mutation request runs in one database transaction that commits
// only when the answer carries no error in `errors`: a payload field the caller may not read, a
// failure while resolving it, anything. Otherwise nothing of the request is kept and the answer
// is those errors alone, with `extensions.committed: false`; no data (a secret of a key that does
// not exist would be a lie). A mutation field that answers one of its typed errors (a member of
// its result union) undoes its own writes through a savepoint (MutationSavepointsPlugin),
// while the request's other fields keep theirs.

class RolledBack extends Error {
  constructor(readonly result: ExecutionResult) {
    super('the answer carries errors: rolled back');
  }
}

export function useMutationTransaction(): Plugin<Context> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      setExecuteFn((executeArgs) => executeInTransaction(executeArgs.contextValue as Context, () => executeFn(executeArgs)));
    },
  };
}

async function executeInTransaction(ctx: Context, execute: () => unknown): Promise<ExecutionResult> {
  const outside = { db: ctx.db, unscoped: ctx.unscoped };
  const effects: (() => unknown)[] = [];
  let result: ExecutionResult;
  try {
    result = await ctx.app.db.prisma.$transaction(async (tx) => {
      ctx.unscoped = withSavepoints(tx as typeof ctx.unscoped);
      ctx.db = clientFor(ctx.caller, ctx.unscoped);
      ctx.afterCommit = effects;
      const answer = (await execute()) as ExecutionResult;
      if (answer.errors?.length) throw new RolledBack(answer);
      return answer;
    }, TRANSACTION_OPTIONS);
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
    return { errors: error.result.errors, extensions: { ...error.result.extensions, committed: false } };
  } finally {
    Object.assign(ctx, outside, { afterCommit: null });
  }
  for (const effect of effects) {
    // The change is committed and answered as done; a failing effect is the operator's to see.
    try {
      await effect();
    } catch (error) {
      ctx.app.logger.error({ err: error, requestId: ctx.request.id }, 'an effect after a committed mutation failed');
    }
  }
  return result;
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
      return inSavepoint(ctx.unscoped, uniqueSavepointName(), async () => resolver(parent, args, context, info));
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
