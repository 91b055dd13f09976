// One isolated, migrated database per test file.
// - TEST_DATABASE_URL set: a fresh `kw_test_<random>` database on that server, dropped by dispose().
// - otherwise: an in-memory PGlite. Starting PGlite from scratch (initdb) costs ~2 s; loading a
//   dump of an already migrated one costs ~0.5 s. The dump is built once and cached on disk,
//   keyed by a hash of the migrations and the PGlite version, so it can never be stale.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { newPGlite, wrapPGlite } from '../../src/db/pglite.ts';
import { applyMigrations, listMigrations, pendingMigrations } from '../../src/db/migrations.ts';

export type TestDatabase = Database & { dispose(): Promise<void> };

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SNAPSHOT_DIR = path.join(SERVER_DIR, 'node_modules/.cache/keywarden-test');

export async function openTestDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  return url ? openPostgresTestDatabase(url, true) : openPGliteTestDatabase();
}

/** The same isolation, but nothing applied: for tests of the migrations themselves. */
export async function openEmptyTestDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return openPostgresTestDatabase(url, false);
  const db = await openDatabase({ kind: 'pglite', dataDir: null });
  return Object.assign(db, { dispose: () => db.close() });
}

async function openPostgresTestDatabase(serverUrl: string, migrate: boolean): Promise<TestDatabase> {
  const name = `kw_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let db: Database | undefined;
  try {
    db = await openDatabase({ kind: 'postgres', url: url.toString() });
    if (migrate) await applyMigrations(db);
  } catch (error) {
    await db?.close();
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    throw error;
  }
  const opened = db;
  let disposed: Promise<void> | undefined;
  return Object.assign(opened, {
    dispose: () =>
      (disposed ??= (async () => {
        await opened.close();
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      })()),
  });
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function openPGliteTestDatabase(): Promise<TestDatabase> {
  const snapshot = await migratedSnapshot();
  const db = await wrapPGlite(newPGlite(undefined, { loadDataDir: snapshot }));
  // One cheap query guards against a snapshot that does not match (it is rebuilt next time).
  if ((await pendingMigrations(db)).length > 0) await applyMigrations(db);
  return Object.assign(db, { dispose: () => db.close() });
}

let snapshotInProcess: Promise<Blob> | undefined;

function migratedSnapshot(): Promise<Blob> {
  return (snapshotInProcess ??= (async () => {
    const file = path.join(SNAPSHOT_DIR, `pglite-${await snapshotKey()}.tar`);
    if (existsSync(file)) return new Blob([await readFile(file)]);

    const pglite = newPGlite();
    const db = await wrapPGlite(pglite);
    try {
      await applyMigrations(db);
      await pglite.exec('CHECKPOINT'); // everything on "disk" before the dump
      const dump = await pglite.dumpDataDir('none'); // gzip makes loading slower (~0.9 s vs ~0.5 s)
      const bytes = Buffer.from(await dump.arrayBuffer());
      await mkdir(SNAPSHOT_DIR, { recursive: true });
      // Parallel workers may race here: each writes its own temp file, the rename is atomic.
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await writeFile(tmp, bytes);
      await rename(tmp, file);
      await removeOtherSnapshots(file);
      return new Blob([bytes]);
    } finally {
      await db.close();
    }
  })());
}

async function snapshotKey(): Promise<string> {
  const hash = createHash('sha256');
  // The pinned PGlite version: a dump is only loadable by the PGlite that wrote it.
  const pkg = JSON.parse(await readFile(path.join(SERVER_DIR, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  hash.update(`pglite ${pkg.dependencies?.['@electric-sql/pglite'] ?? '?'}\n`);
  const list = await listMigrations();
  hash.update(list.lockfile.content ?? '');
  for (const m of list.migrationDirectories) {
    hash.update(`\0${m.path}\0${m.migrationFile.content.tag === 'ok' ? m.migrationFile.content.value : ''}`);
  }
  return hash.digest('hex').slice(0, 16);
}

async function removeOtherSnapshots(keep: string): Promise<void> {
  for (const entry of await readdir(SNAPSHOT_DIR).catch(() => [])) {
    const full = path.join(SNAPSHOT_DIR, entry);
    // Leave other workers' in-flight temp files alone; stale ones are small in number.
    if (full !== keep && /^pglite-[0-9a-f]+\.tar$/.test(entry)) await rm(full, { force: true });
  }
}

const snapshotQueries = new WeakMap<object, string>();

/**
 * Every row of every table of the app's database, as one hash and count per table: equal
 * snapshots mean nothing was written in between (audit events and sessions included).
 */
export async function databaseSnapshot(db: Database): Promise<{ t: string; n: number; h: string }[]> {
  let sql = snapshotQueries.get(db);
  if (sql === undefined) {
    const tables = await db.prisma.$queryRawUnsafe<{ name: string }[]>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY 1`,
    );
    sql = tables
      .map(({ name }) => `SELECT '${name}' AS t, count(*)::int AS n, md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS h FROM "${name}" r`)
      .join(' UNION ALL ');
    snapshotQueries.set(db, sql);
  }
  return db.prisma.$queryRawUnsafe(sql);
}
