import { Prisma, type AccessToken, type PrismaClient } from '../generated/prisma/client.ts';

/** One page's bounds, as Pothos' resolveCursorConnection asks for them; cursors are token ids. */
export interface TokenPage {
  after?: string;
  before?: string;
  /** Rows to read per key: the page and one more (whether another page follows). */
  limit: number;
  /** Read from the oldest end (a `last` page); the caller reverses. */
  inverted: boolean;
}

/**
 * The live (neither revoked nor expired) access tokens of each key, newest first, at most
 * `page.limit` of each, in one statement: a LATERAL subquery per key walks the key's
 * (apiKeyId, id) index and stops at the limit. Loading the relation instead read every live
 * token of every key of a page and cut them in memory.
 */
export async function liveTokensOfKeys(
  prisma: Pick<PrismaClient, '$queryRaw'>,
  keys: readonly { id: string; tenantId: string }[],
  page: TokenPage,
  now: Date,
): Promise<Map<string, AccessToken[]>> {
  // The tenant is named although a key's tokens are always of its tenant: raw SQL passes by the
  // client's tenant scope, so the statement carries its own.
  const rows = await prisma.$queryRaw<AccessToken[]>`
    SELECT t.* FROM unnest(${keys.map((k) => k.id)}::text[], ${keys.map((k) => k.tenantId)}::text[]) AS k(id, tenant)
    CROSS JOIN LATERAL (
      SELECT a.* FROM "AccessToken" a
      WHERE a."apiKeyId" = k.id AND a."tenantId" = k.tenant
        AND a."revokedAt" IS NULL AND a."expiresAt" > (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
        ${page.after === undefined ? Prisma.empty : Prisma.sql`AND a.id < ${page.after}`}
        ${page.before === undefined ? Prisma.empty : Prisma.sql`AND a.id > ${page.before}`}
      ORDER BY a.id ${page.inverted ? Prisma.sql`ASC` : Prisma.sql`DESC`}
      LIMIT ${page.limit}
    ) t`;
  const byKey = new Map<string, AccessToken[]>(keys.map((k) => [k.id, []]));
  for (const row of rows) byKey.get(row.apiKeyId)!.push(row);
  return byKey;
}
