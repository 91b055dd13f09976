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

/**
 * PostgreSQL's answers that say "nothing is wrong with this transaction, only its timing": 40P01
 * deadlock_detected (the server aborted it to break a lock cycle) and 40001 serialization_failure.
 * Run again, it normally succeeds. Prisma raises them as P2034 or with the driver adapter's
 * SQLSTATE; a GraphQL error carries them as its originalError.
 */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);

/** The SQLSTATE (or P2034) when `error` (or what it wraps, a list of errors included) is a deadlock or a serialization failure; else null. */
export function transactionConflictCode(error: unknown): string | null {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  let found: string | null = null;
  while (pending.length > 0) {
    const e = pending.pop();
    if (typeof e !== 'object' || e === null || seen.has(e)) continue;
    seen.add(e);
    if (Array.isArray(e)) {
      pending.push(...(e as unknown[]));
      continue;
    }
    const { code, originalCode, cause, meta, originalError, errors } = e as {
      code?: unknown; originalCode?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown }; originalError?: unknown; errors?: unknown;
    };
    const sqlState = [originalCode, code].find((c) => typeof c === 'string' && RETRYABLE_SQLSTATES.has(c));
    if (typeof sqlState === 'string') return sqlState;
    if (code === 'P2034') found = 'P2034'; // a SQLSTATE deeper in its cause says more
    pending.push(cause, meta?.driverAdapterError, originalError);
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return found;
}
