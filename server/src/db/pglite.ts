// The embedded database: PGlite (Postgres compiled to Wasm) in this process. Loaded only when the
// embedded mode is chosen (database.ts imports it on demand): a server on PostgreSQL never holds
// PGlite's module and Wasm in memory.
import { mkdirSync } from 'node:fs';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { lockDataDir } from './dataDirLock.ts';
import { PLANNER_SETTING, once, overAdapter, type Database } from './database.ts';

/**
 * Every PGlite Keywarden opens, with the extensions its migrations create (pg_trgm: the trigram
 * indexes of key search), so the one migrations folder applies to PGlite and PostgreSQL alike.
 */
export function newPGlite(dataDir?: string, options: PGliteOptions = {}): PGlite {
  return new PGlite({ ...options, ...(dataDir !== undefined ? { dataDir } : {}), extensions: { pg_trgm, ...options.extensions } });
}

/**
 * Wraps a PGlite instance the caller made (e.g. from a prepared data folder, as the test harness does).
 * The returned Database owns it: close() closes it.
 */
export async function wrapPGlite(pglite: PGlite): Promise<Database> {
  await pglite.waitReady;
  // PGlite has one session: set once, it holds for every statement.
  await pglite.exec(`SET ${PLANNER_SETTING}`);
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

/** A driver adapter over an instance the caller made and closes (the schema engine's scratch databases). */
export function pgliteAdapter(pglite: PGlite): PrismaPGlite {
  return new PrismaPGlite(pglite);
}

export async function openPGliteDatabase(dataDir: string | null): Promise<Database> {
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
