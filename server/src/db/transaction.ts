import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';

// A GraphQL mutation request runs in one database transaction (see mutationTransaction.ts), and the
// services inside it open transactions of their own. Those become savepoints: a service that fails
// undoes its own writes and nothing else, as it did on its own connection. PGlite's Prisma adapter
// has no savepoint support, so they are plain SQL here, the same on both databases.

/** Every transaction's (the client's default): long enough for an argon2 hash on a loaded machine; a mutation is never a long job. */
export const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 };

const SAVEPOINTS = Symbol('savepoints');

/** A transaction client whose `$transaction(fn)` runs `fn` in a savepoint of the same transaction. */
export function withSavepoints(tx: PrismaClient): PrismaClient {
  let counter = 0;
  const view: PrismaClient = new Proxy(tx, {
    get(target, property) {
      if (property === SAVEPOINTS) return true;
      if (property === '$transaction') {
        return async (run: unknown) => {
          if (typeof run !== 'function') throw new Error('nested transactions must be interactive');
          return inSavepoint(view, `sp_${++counter}`, () => run(view));
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return view;
}

/** Runs `work`; when it throws, its writes are undone and the rest of the transaction goes on. */
export async function inSavepoint<T>(tx: PrismaClient, name: string, work: () => Promise<T>): Promise<T> {
  await tx.$executeRawUnsafe(`SAVEPOINT ${name}`);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
    throw error;
  }
  await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
  return result;
}

/** A savepoint name no other part of the request uses. */
export function uniqueSavepointName(): string {
  return `sp_${randomUUID().replaceAll('-', '')}`;
}

export function isTransactionClient(client: PrismaClient): boolean {
  return (client as unknown as Record<symbol, unknown>)[SAVEPOINTS] === true;
}

/**
 * Runs `effect` (a cache invalidation, say) once the caller's writes are visible to others: at once
 * outside a transaction, after the commit inside a mutation's (never, if it rolls back). Run before
 * the commit, another instance could reload and cache the rows as they were.
 */
export async function afterCommit(ctx: { afterCommit: (() => unknown)[] | null }, effect: () => unknown): Promise<void> {
  if (ctx.afterCommit) ctx.afterCommit.push(effect);
  else await effect();
}
