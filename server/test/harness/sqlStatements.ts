import pg from 'pg';
import type { Database } from '../../src/db/database.ts';

// The SQL statements the app sends while `run` runs, recorded where the driver sends them: the
// PGlite instance's query(), or pg's Client#query (every pooled connection of this process).
// Transaction control (BEGIN, COMMIT, …) is left out: it is not a statement that reads anything.
export async function sqlStatements(db: Database, run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const record = (sql: unknown) => {
    const text = typeof sql === 'string' ? sql : (sql as { text?: string } | undefined)?.text;
    if (text && !/^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET TRANSACTION)/i.test(text)) seen.push(text);
  };
  if (db.pglite) {
    const pglite = db.pglite;
    const original = pglite.query;
    const originalTransaction = pglite.transaction;
    pglite.query = function (this: typeof pglite, ...args: Parameters<typeof original>) {
      record(args[0]);
      return original.apply(this, args);
    } as typeof original;
    // An interactive transaction's statements go through the `tx` PGlite hands its callback.
    pglite.transaction = function (this: typeof pglite, callback: Parameters<typeof originalTransaction>[0]) {
      return originalTransaction.call(this, (tx) => {
        const txQuery = tx.query;
        tx.query = ((...args: Parameters<typeof txQuery>) => (record(args[0]), txQuery.apply(tx, args))) as typeof txQuery;
        return callback(tx);
      });
    } as typeof originalTransaction;
    try {
      await run();
    } finally {
      pglite.query = original;
      pglite.transaction = originalTransaction;
    }
    return seen;
  }
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    record(args[0]);
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await run();
  } finally {
    pg.Client.prototype.query = original;
  }
  return seen;
}
