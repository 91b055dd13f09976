// One way to open Keywarden's database: embedded PGlite (the default) or a PostgreSQL server.
// Everything above this file talks to `prisma`; only migrations and LISTEN/NOTIFY look below it.
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { TRANSACTION_OPTIONS } from './transaction.ts';

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string | null } // null = in-memory
  | { kind: 'postgres'; url: string; poolSize?: number };

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  /** What the schema engine needs (it can also open a shadow database). */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  /** Releases every connection (and the PGlite instance); safe to call more than once. */
  close(): Promise<void>;
  /** Raw access for LISTEN/NOTIFY: the PGlite instance (pglite kind)… */
  pglite?: PGlite;
  /** …or the connection string (postgres kind). */
  url?: string;
}

// Without a limit, a black-holed host makes ping() and every query hang forever.
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A pooled connection that is never without an 'error' listener. The pool listens only while a
 * connection is idle, and the adapter only once it has started a transaction on it; an error that
 * arrives between (a server that terminates the connection in the same packet as the one that
 * completed the checkout) would otherwise be an unhandled 'error' event and end the process. The
 * connection is already unusable then: its next query fails and the pool discards it.
 */
class GuardedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => {});
  }
}

/**
 * The planner's cost of a random page read, for Keywarden's own sessions: 1.1, the usual value for
 * SSDs and cached data, instead of PostgreSQL's default 4 (spinning disks). With 4, the first page
 * of a tenant whose keys were created after other tenants' walked the primary key past every older
 * key (100 ms at 400,000 keys) rather than reading the (tenantId, id) index (0.2 ms): the planner
 * took the primary key's heap order for cheap and assumed the tenant's keys evenly spread.
 */
export const PLANNER_SETTING = 'random_page_cost=1.1';

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.kind === 'postgres') return openPostgresDatabase(config.url, config.poolSize);
  // On demand: PGlite's module and Wasm cost a server on PostgreSQL memory it never uses.
  const { openPGliteDatabase } = await import('./pglite.ts');
  return openPGliteDatabase(config.dataDir);
}

async function openPostgresDatabase(url: string, poolSize?: number): Promise<Database> {
  // Each connect() of this factory makes its own pg.Pool and its dispose() ends it, so Prisma
  // and the schema engine never share (or leak) connections.
  const adapterFactory = new PrismaPg({
    connectionString: url,
    // Unless the URL sets its own session options (`?options=-c …`).
    ...(new URL(url).searchParams.has('options') ? {} : { options: `-c ${PLANNER_SETTING}` }),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    Client: GuardedClient,
    ...(poolSize !== undefined ? { max: poolSize } : {}),
  });
  return overAdapter(adapterFactory, (prisma) => ({ kind: 'postgres', url, close: once(() => prisma.$disconnect()) }));
}

/** A Database of either kind: one Prisma client over the adapter, pinged with one round trip. */
export function overAdapter(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  rest: (prisma: PrismaClient) => Omit<Database, 'prisma' | 'adapterFactory' | 'ping'>,
): Database {
  // Every transaction, not only a mutation request's, waits for a connection as long as a loaded
  // machine needs (Prisma's default gives up after 2 s: 20 concurrent writers on one tenant did).
  const prisma = new PrismaClient({ adapter: adapterFactory, transactionOptions: TRANSACTION_OPTIONS });
  return {
    prisma,
    adapterFactory,
    ping: async () => {
      await prisma.$queryRawUnsafe('SELECT 1');
    },
    ...rest(prisma),
  };
}

export function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
