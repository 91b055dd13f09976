// One way to open Keywarden's database: embedded PGlite (the default) or a PostgreSQL server.
// Everything above this file talks to `prisma`; only migrations and LISTEN/NOTIFY look below it.
import { mkdirSync } from 'node:fs';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { lockDataDir } from './dataDirLock.ts';
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
 * Every PGlite Keywarden opens, with the extensions its migrations create (pg_trgm: the trigram
 * indexes of key search), so the one migrations folder applies to PGlite and PostgreSQL alike.
 */
export function newPGlite(dataDir?: string, options: PGliteOptions = {}): PGlite {
  return new PGlite({ ...options, ...(dataDir !== undefined ? { dataDir } : {}), extensions: { pg_trgm, ...options.extensions } });
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'pglite' ? openPGliteDatabase(config.dataDir) : openPostgresDatabase(config.url, config.poolSize);
}

/**
 * Wraps a PGlite instance the caller made (e.g. from a prepared data folder, as the test harness does).
 * The returned Database owns it: close() closes it.
 */
export async function wrapPGlite(pglite: PGlite): Promise<Database> {
  await pglite.waitReady;
  return overAdapter(new PrismaPGlite(pglite), (prisma) => ({
    kind: 'pglite',
    pglite,
    close: once(async () => {
      try {
        await prisma.$disconnect();
      } finally {
        if (!pglite.closed) await pglite.close();
      }
    }),
  }));
}

async function openPGliteDatabase(dataDir: string | null): Promise<Database> {
  if (dataDir === null) return wrapPGlite(newPGlite());
  mkdirSync(dataDir, { recursive: true });
  // Before PGlite reads the folder: a second process on it would silently lose writes (dataDirLock.ts).
  const release = lockDataDir(dataDir);
  try {
    const db = await wrapPGlite(newPGlite(dataDir));
    const closeDb = db.close;
    return {
      ...db,
      close: once(async () => {
        try {
          await closeDb();
        } finally {
          release();
        }
      }),
    };
  } catch (error) {
    release();
    throw error;
  }
}

async function openPostgresDatabase(url: string, poolSize?: number): Promise<Database> {
  // Each connect() of this factory makes its own pg.Pool and its dispose() ends it, so Prisma
  // and the schema engine never share (or leak) connections.
  const adapterFactory = new PrismaPg({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    Client: GuardedClient,
    ...(poolSize !== undefined ? { max: poolSize } : {}),
  });
  return overAdapter(adapterFactory, (prisma) => ({ kind: 'postgres', url, close: once(() => prisma.$disconnect()) }));
}

/** A Database of either kind: one Prisma client over the adapter, pinged with one round trip. */
function overAdapter(
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

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
