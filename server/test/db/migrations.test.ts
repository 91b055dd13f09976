import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { applyMigrations, listMigrations, pendingMigrations } from '../../src/db/migrations.ts';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { openEmptyTestDatabase, openTestDatabase, type TestDatabase } from '../harness/database.ts';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
/** The repository's migrations, which the server applies by default. */
const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));
/** The advisory lock migrating instances share: fixed forever, since every version must agree on it. */
const MIGRATION_LOCK_KEY = 4_857_290_117;

async function migrationNames(dir = DEFAULT_MIGRATIONS_DIR): Promise<string[]> {
  return (await listMigrations(dir)).migrationDirectories.map((m) => m.path);
}

async function publicTables(db: TestDatabase): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ table_name: string }[]>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  return rows.map((r) => r.table_name).sort();
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished: boolean;
  rolled_back: boolean;
  logs: string | null;
}

async function migrationRows(db: TestDatabase): Promise<MigrationRow[]> {
  return db.prisma.$queryRawUnsafe<MigrationRow[]>(
    `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back, logs
     FROM _prisma_migrations ORDER BY migration_name`,
  );
}

describe('migrations folder', () => {
  it('is in Prisma format: timestamped folders and a postgresql lockfile', async () => {
    const list = await listMigrations();
    expect(list.lockfile.content).toMatch(/^provider = "postgresql"$/m);
    expect(list.migrationDirectories.length).toBeGreaterThan(0);
    for (const m of list.migrationDirectories) {
      expect(m.path).toMatch(/^\d{14}_[a-z0-9_]+$/);
      expect(m.migrationFile.content.tag).toBe('ok');
    }
  });
});

describe('applyMigrations from an empty database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openEmptyTestDatabase();
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it('reports every migration pending before anything is applied', async () => {
    expect(await pendingMigrations(db)).toEqual(await migrationNames());
  });

  it('applies every migration and creates every model table', async () => {
    const names = await migrationNames();
    expect((await applyMigrations(db)).applied).toEqual(names);

    const tables = await publicTables(db);
    for (const model of Object.values(Prisma.ModelName)) expect(tables).toContain(model);
    expect(tables).toContain('_prisma_migrations');
  });

  it('records them as the Prisma CLI does (finished, sha256 checksum of the file)', async () => {
    const list = await listMigrations();
    const rows = await migrationRows(db);
    expect(rows.map((r) => r.migration_name)).toEqual(list.migrationDirectories.map((m) => m.path));
    for (const [i, row] of rows.entries()) {
      const file = list.migrationDirectories[i]!.migrationFile.content;
      const sql = file.tag === 'ok' ? file.value : '';
      expect(row).toMatchObject({ finished: true, rolled_back: false, logs: null });
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
    }
  });

  it('has nothing pending afterwards', async () => {
    expect(await pendingMigrations(db)).toEqual([]);
  });

  it('is idempotent: applying again applies nothing and changes nothing', async () => {
    const before = await migrationRows(db);
    expect((await applyMigrations(db)).applied).toEqual([]);
    expect(await migrationRows(db)).toEqual(before);
  });
});

describe('a failing migration', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await openTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'kw-migrations-'));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    // A function body: `;` inside $$ … $$ must not split the script.
    await mkdir(path.join(dir, '29990101000000_function'));
    await writeFile(
      path.join(dir, '29990101000000_function/migration.sql'),
      `CREATE FUNCTION kw_test_touch() RETURNS trigger AS $$\nBEGIN\n  NEW."updatedAt" := now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n`,
    );
    await mkdir(path.join(dir, '29990101000001_broken'));
    await writeFile(path.join(dir, '29990101000001_broken/migration.sql'), 'CREATE TABLE "kw_partial" (id INT);\nSELECT * FROM "kw_no_such_table";\n');
  });
  afterAll(async () => {
    await db?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts from a fully migrated test database', async () => {
    expect(await pendingMigrations(db)).toEqual([]);
  });

  it('rejects, is recorded as failed, and leaves nothing half-applied', async () => {
    await expect(applyMigrations(db, { migrationsDir: dir })).rejects.toThrow(/kw_no_such_table/);

    const rows = await migrationRows(db);
    expect(rows.find((r) => r.migration_name === '29990101000000_function')).toMatchObject({ finished: true });
    expect(rows.find((r) => r.migration_name === '29990101000001_broken')).toMatchObject({ finished: false });
    expect(await publicTables(db)).not.toContain('kw_partial');
    expect(await pendingMigrations(db, dir)).toEqual(['29990101000001_broken']);
  });

  it('blocks later runs until resolved, as prisma migrate deploy does', async () => {
    await expect(applyMigrations(db, { migrationsDir: dir })).rejects.toThrow(/failed migrations/);
  });
});

describe.runIf(onPostgres)('concurrent starts on one PostgreSQL database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openEmptyTestDatabase();
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it('waits for another holder of the migration lock, and gives up after lockTimeoutMs', async () => {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      await expect(applyMigrations(db, { lockTimeoutMs: 300 })).rejects.toThrow(/Timed out .* waiting for another instance/);
      expect(await pendingMigrations(db)).toEqual(await migrationNames());
    } finally {
      await holder.end();
    }
  });

  it('two applyMigrations at once both succeed and record each migration once', async () => {
    const other = await openDatabase({ kind: 'postgres', url: db.url! });
    try {
      const names = await migrationNames();
      const results = await Promise.all([applyMigrations(db), applyMigrations(other)]);
      expect([...results[0].applied, ...results[1].applied].sort()).toEqual(names);

      const rows = await migrationRows(db);
      expect(rows.map((r) => r.migration_name)).toEqual(names);
      expect(rows.every((r) => r.finished && !r.rolled_back)).toBe(true);
      expect(await pendingMigrations(other)).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
