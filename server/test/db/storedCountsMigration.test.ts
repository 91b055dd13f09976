// The stored_counts migration on a database that already holds keys and members: the counts it
// adds start exact (its back-fill), and the triggers keep them so from then on.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyMigrations, listMigrations } from '../../src/db/migrations.ts';
import { openEmptyTestDatabase, type TestDatabase } from '../harness/database.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));
let db: TestDatabase;
let before: string;

beforeAll(async () => {
  db = await openEmptyTestDatabase();
  // Every migration before stored_counts.
  before = await mkdtemp(path.join(tmpdir(), 'kw-migrations-'));
  const names = (await listMigrations()).migrationDirectories.map((m) => m.path);
  const at = names.findIndex((name) => name.endsWith('_stored_counts'));
  expect(at).toBeGreaterThan(0);
  await cp(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), path.join(before, 'migration_lock.toml'));
  for (const name of names.slice(0, at)) await cp(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
  await applyMigrations(db, { migrationsDir: before });
});
afterAll(async () => {
  await db?.dispose();
  if (before) await rm(before, { recursive: true, force: true });
});

const sql = (text: string) => db.prisma.$executeRawUnsafe(text);

it('back-fills every count from the rows already there, then keeps them', async () => {
  await sql(`INSERT INTO "Tenant" (id, name, slug, "updatedAt") VALUES ('ten_1', 'T', 't1', now()), ('ten_2', 'U', 't2', now())`);
  await sql(`INSERT INTO "Role" (id, "tenantId", name, scopes, "updatedAt") VALUES ('rol_1', 'ten_1', 'r', '{}', now()), ('rol_2', 'ten_2', 'r', '{}', now())`);
  await sql(`INSERT INTO "Member" (id, "tenantId", email, name, "roleId", "updatedAt") VALUES
    ('mem_1', 'ten_1', 'a@x', 'A', 'rol_1', now()), ('mem_2', 'ten_1', 'b@x', 'B', 'rol_1', now()), ('mem_3', 'ten_2', 'c@x', 'C', 'rol_2', now())`);
  await sql(`INSERT INTO "Group" (id, "tenantId", name, "defaultScopes", "scopeLimit", "updatedAt") VALUES
    ('grp_1', 'ten_1', 'g', '{}', '{}', now()), ('grp_2', 'ten_1', 'h', '{}', '{}', now()), ('grp_3', 'ten_2', 'g', '{}', '{}', now())`);
  await sql(`INSERT INTO "Identity" (id, "tenantId", "externalId", "updatedAt") VALUES ('idt_1', 'ten_1', 'e', now())`);
  await sql(`INSERT INTO "ApiKey" (id, "tenantId", "publicId", name, "ownerId", "groupId", "identityId", scopes, "secretHash", "keyPrefix", "keyTail", "updatedAt")
    SELECT 'key_' || i, CASE WHEN i <= 7 THEN 'ten_1' ELSE 'ten_2' END, 'pub_' || i, 'k', CASE WHEN i <= 3 THEN 'mem_1' WHEN i <= 7 THEN 'mem_2' ELSE 'mem_3' END,
      CASE WHEN i <= 5 THEN 'grp_1' WHEN i <= 7 THEN NULL ELSE 'grp_3' END, CASE WHEN i <= 2 THEN 'idt_1' END, '{}', 'x', 'kw', 'AbCd', now()
    FROM generate_series(1, 10) AS i`);

  await applyMigrations(db);
  const counts = async () => ({
    groups: await db.prisma.$queryRawUnsafe(`SELECT id, "keyCount" AS n FROM "Group" ORDER BY id`),
    members: await db.prisma.$queryRawUnsafe(`SELECT id, "apiKeyCount" AS n FROM "Member" ORDER BY id`),
    identities: await db.prisma.$queryRawUnsafe(`SELECT id, "keyCount" AS n FROM "Identity" ORDER BY id`),
    roles: await db.prisma.$queryRawUnsafe(`SELECT id, "memberCount" AS n FROM "Role" ORDER BY id`),
  });
  expect(await counts()).toEqual({
    groups: [{ id: 'grp_1', n: 5 }, { id: 'grp_2', n: 0 }, { id: 'grp_3', n: 3 }],
    members: [{ id: 'mem_1', n: 3 }, { id: 'mem_2', n: 4 }, { id: 'mem_3', n: 3 }],
    identities: [{ id: 'idt_1', n: 2 }],
    roles: [{ id: 'rol_1', n: 2 }, { id: 'rol_2', n: 1 }],
  });

  // From now on the triggers: a move, a delete and a member changing role.
  await sql(`UPDATE "ApiKey" SET "groupId" = 'grp_2', "identityId" = NULL WHERE id IN ('key_1', 'key_6')`);
  await sql(`DELETE FROM "ApiKey" WHERE id = 'key_8'`);
  await sql(`INSERT INTO "Role" (id, "tenantId", name, scopes, "updatedAt") VALUES ('rol_3', 'ten_1', 's', '{}', now())`);
  await sql(`UPDATE "Member" SET "roleId" = 'rol_3' WHERE id = 'mem_2'`);
  expect(await counts()).toEqual({
    groups: [{ id: 'grp_1', n: 4 }, { id: 'grp_2', n: 2 }, { id: 'grp_3', n: 2 }],
    members: [{ id: 'mem_1', n: 3 }, { id: 'mem_2', n: 4 }, { id: 'mem_3', n: 2 }],
    identities: [{ id: 'idt_1', n: 1 }],
    roles: [{ id: 'rol_1', n: 1 }, { id: 'rol_2', n: 1 }, { id: 'rol_3', n: 1 }],
  });
});
