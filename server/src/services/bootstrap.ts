import type { Writable } from 'node:stream';
import type { Database } from '../db/database.ts';
import { ConflictError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { generateOpaqueToken, sha256Hex } from '../domain/secrets.ts';
import { TOKEN_PREFIX } from '../domain/caller.ts';

// Serialises concurrent bootstraps (two instances starting on one empty database print one credential).
const BOOTSTRAP_LOCK = 0x6b77_0001;

/**
 * Creates a platform-operator credential and prints it once. Refuses when one exists unless
 * forced (a forced run adds another credential; existing ones keep working).
 * Returns the credential text, or null when not created.
 */
export async function bootstrap(db: Database, out: Writable, options: { force?: boolean; ifEmpty?: boolean } = {}): Promise<string | null> {
  const text = generateOpaqueToken(TOKEN_PREFIX.platform);
  const created = await db.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`;
    const existing = await tx.platformCredential.count({ where: { revokedAt: null } });
    if (existing > 0 && !options.force) {
      if (options.ifEmpty) return false;
      throw new ConflictError('Keywarden is already bootstrapped; pass --force to create another platform credential');
    }
    await tx.platformCredential.create({ data: { id: newId('plt'), name: 'platform operator', tokenHash: sha256Hex(text) } });
    return true;
  });
  if (!created) return null;
  out.write(banner(text));
  return text;
}

export function bootstrapIfEmpty(db: Database, out: Writable): Promise<string | null> {
  return bootstrap(db, out, { ifEmpty: true });
}

function banner(text: string): string {
  const line = '='.repeat(78);
  return [
    line,
    ' Keywarden platform-operator credential (shown once; it is stored only as a hash):',
    '',
    `   ${text}`,
    '',
    ' Use it as "Authorization: Bearer <credential>" to create tenants.',
    line,
    '',
  ].join('\n');
}
