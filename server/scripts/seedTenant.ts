// The tenant the bench and the soak run against, written straight to the database before the
// server starts: an owner with a session, and keys made on demand (hashing at OWASP's minimum
// argon2 cost, so seeding stays quick).
import { randomBytes } from 'node:crypto';
import { formatKey } from '@keywarden/sdk/key-format';
import { openDatabase, type DatabaseConfig } from '../src/db/database.ts';
import { applyMigrations } from '../src/db/migrations.ts';
import { newId } from '../src/domain/ids.ts';
import { generatePublicId, generateSecret } from '../src/domain/keyFormat.ts';
import { generateOpaqueToken, hashSecret, OWASP_MIN_ARGON2, sha256Hex } from '../src/domain/secrets.ts';
import type { PrismaClient } from '../src/generated/prisma/client.ts';
import { createTenantWithRoles } from '../src/services/tenantSetup.ts';

export interface SeededTenant {
  prisma: PrismaClient;
  tenant: { id: string; keyPrefix: string };
  member: { id: string };
  /** A session token of the owner. */
  session: string;
  /** A new key of the owner with these scopes: its text and public id. */
  key(scopes: string[]): Promise<{ text: string; publicId: string }>;
}

/** Opens the database, migrates it, seeds a tenant named `name`, runs `use`, and closes the database. */
export async function withSeededTenant<T>(database: DatabaseConfig, name: string, use: (seeded: SeededTenant) => Promise<T>): Promise<T> {
  const db = await openDatabase(database);
  try {
    await applyMigrations(db);
    const prisma = db.prisma;
    const slug = `${name.toLowerCase()}-${randomBytes(4).toString('hex')}`;
    const tenant = await prisma.$transaction((tx) => createTenantWithRoles(tx, { name, slug }));
    const owner = await prisma.role.findFirstOrThrow({ where: { tenantId: tenant.id, builtIn: 'OWNER' } });
    const member = await prisma.member.create({ data: { id: newId('mem'), tenantId: tenant.id, roleId: owner.id, email: `${slug}@example.test`, name } });
    const session = generateOpaqueToken('kws');
    await prisma.session.create({ data: { id: newId('ses'), tenantId: tenant.id, memberId: member.id, tokenHash: sha256Hex(session), expiresAt: new Date(Date.now() + 86_400_000) } });
    const key = async (scopes: string[]) => {
      const publicId = generatePublicId();
      const secret = generateSecret();
      const text = formatKey(tenant.keyPrefix, publicId, secret);
      await prisma.apiKey.create({
        data: { id: newId('key'), tenantId: tenant.id, publicId, name: name.toLowerCase(), ownerId: member.id, scopes, secretHash: await hashSecret(secret, OWASP_MIN_ARGON2), keyPrefix: tenant.keyPrefix, keyTail: text.slice(-4) },
      });
      return { text, publicId };
    };
    return await use({ prisma, tenant, member, session, key });
  } finally {
    await db.close();
  }
}
