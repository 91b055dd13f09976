import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { newId } from '../domain/ids.ts';
import { recordAudit } from './audit.ts';

// `key.used_from_new_network`: the first valid use of a key from an IPv4 /24 or IPv6 /48 it has
// not been used from in `newNetworkDays`. Verification only notes the network in memory (usage.ts);
// this runs in the batched usage flush, so the hot path gains no database write.

/** One network a key was validly used from, as the usage flush hands it over. */
export interface NetworkUse {
  keyId: string;
  tenantId: string;
  /** CIDR, see domain/networks.ts. */
  network: string;
  /** The first address of this batch in that network. */
  address: string;
  endpoint: string;
  at: Date;
}

export const NEW_NETWORK_ACTION = 'key.used_from_new_network';

interface UpsertedNetwork {
  apiKeyId: string;
  tenantId: string;
  network: string;
  episode: string;
}

/**
 * Writes the networks of one flush (one statement) and, in the same transaction, an audit event
 * for each that was truly new: never seen for the key, or last seen more than `newNetworkDays`
 * before this use. The database decides, so several instances flushing the same network report it
 * once: the row's `episode` is set only by the writer that began the new stretch of use, and only
 * that writer sees its own episode returned. Returns how many were new.
 */
export async function recordNewNetworks(prisma: PrismaClient, uses: readonly NetworkUse[], newNetworkDays: number): Promise<number> {
  if (uses.length === 0) return 0;
  const params: unknown[] = [newNetworkDays];
  const rows = uses.map((use) => {
    const n = params.length;
    params.push(newId('net'), use.tenantId, use.keyId, use.network, use.at.toISOString(), use.address);
    return `($${n + 1}::text, $${n + 2}::text, $${n + 3}::text, $${n + 4}::text, ($${n + 5}::timestamptz AT TIME ZONE 'UTC'), $${n + 6}::text)`;
  });
  return prisma.$transaction(async (tx) => {
    // A key deleted since its use is skipped (the join), instead of failing the whole batch.
    const upserted = await tx.$queryRawUnsafe<UpsertedNetwork[]>(
      `INSERT INTO "KeyNetwork" AS n ("id", "tenantId", "apiKeyId", "network", "firstSeenAt", "lastSeenAt", "lastAddress", "episode")
       SELECT v.id, v.tenant, v.key, v.network, v.at, v.at, v.address, v.id
       FROM (VALUES ${rows.join(', ')}) AS v(id, tenant, key, network, at, address)
       JOIN "ApiKey" k ON k."id" = v.key
       ON CONFLICT ("apiKeyId", "network") DO UPDATE SET
         "episode" = CASE WHEN EXCLUDED."lastSeenAt" > n."lastSeenAt" + make_interval(days => $1::int) THEN EXCLUDED."episode" ELSE n."episode" END,
         "firstSeenAt" = CASE WHEN EXCLUDED."lastSeenAt" > n."lastSeenAt" + make_interval(days => $1::int) THEN EXCLUDED."firstSeenAt" ELSE n."firstSeenAt" END,
         "lastAddress" = CASE WHEN EXCLUDED."lastSeenAt" >= n."lastSeenAt" THEN EXCLUDED."lastAddress" ELSE n."lastAddress" END,
         "lastSeenAt" = GREATEST(n."lastSeenAt", EXCLUDED."lastSeenAt")
       RETURNING n."apiKeyId", n."tenantId", n."network", n."episode"`,
      ...params,
    );
    const mine = new Set(rows.map((_, i) => params[1 + i * 6] as string));
    const fresh = upserted.filter((row) => mine.has(row.episode));
    const byKeyNetwork = new Map(uses.map((use) => [`${use.keyId} ${use.network}`, use]));
    for (const row of fresh) {
      const use = byKeyNetwork.get(`${row.apiKeyId} ${row.network}`)!;
      await recordAudit(tx, { caller: { kind: 'anonymous' }, request: { id: `usage-${randomUUID()}`, ip: use.address, userAgent: null } }, {
        tenantId: row.tenantId,
        action: NEW_NETWORK_ACTION,
        targetType: 'ApiKey',
        targetId: row.apiKeyId,
        changes: { network: row.network, address: use.address, endpoint: use.endpoint, at: use.at, newNetworkDays },
      });
    }
    return fresh.length;
  });
}
