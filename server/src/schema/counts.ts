import type { Context } from '../appTypes.ts';

// Counts of a record's related rows (a group's keys, a member's keys, a role's members), for every
// record of a page in ONE grouped query on the caller's tenant client (ctx.db adds the tenant):
//   SELECT "groupId", COUNT(*) FROM "ApiKey" WHERE "tenantId" = $1 AND "groupId" IN (…page…) GROUP BY "groupId"
// Pothos' relationCount counted the relation over every tenant (a GROUP BY of the whole table) and
// joined the page to it. The ids a request asks for in the same tick are batched, DataLoader's way.

type Load = (ctx: Context, ids: string[]) => Promise<{ id: string | null; count: number }[]>;

interface Batch {
  ids: Set<string>;
  result: Promise<Map<string, number>>;
}

const pending = new WeakMap<Context, Map<Load, Batch>>();

/** The number of `load`'s rows for `id`, batched with the other ids asked for in this tick. */
export function relatedCount(ctx: Context, load: Load, id: string): Promise<number> {
  let batches = pending.get(ctx);
  if (!batches) pending.set(ctx, (batches = new Map()));
  let batch = batches.get(load);
  if (!batch) {
    const ids = new Set<string>();
    const result = new Promise<Map<string, number>>((resolve, reject) => {
      // After the current resolvers have run (and asked for their ids), as DataLoader schedules.
      void Promise.resolve().then(() =>
        process.nextTick(() => {
          if (batches.get(load) === batch) batches.delete(load);
          load(ctx, [...ids]).then((rows) => resolve(new Map(rows.flatMap((r) => (r.id === null ? [] : [[r.id, r.count] as const])))), reject);
        }),
      );
    });
    batch = { ids, result };
    batches.set(load, batch);
  }
  batch.ids.add(id);
  return batch.result.then((counts) => counts.get(id) ?? 0);
}

export const keysOfGroups: Load = async (ctx, ids) =>
  (await ctx.db.apiKey.groupBy({ by: ['groupId'], where: { groupId: { in: ids } }, _count: { _all: true } })).map((r) => ({ id: r.groupId, count: r._count._all }));

export const keysOfOwners: Load = async (ctx, ids) =>
  (await ctx.db.apiKey.groupBy({ by: ['ownerId'], where: { ownerId: { in: ids } }, _count: { _all: true } })).map((r) => ({ id: r.ownerId, count: r._count._all }));

export const keysOfIdentities: Load = async (ctx, ids) =>
  (await ctx.db.apiKey.groupBy({ by: ['identityId'], where: { identityId: { in: ids } }, _count: { _all: true } })).map((r) => ({ id: r.identityId, count: r._count._all }));

export const membersOfRoles: Load = async (ctx, ids) =>
  (await ctx.db.member.groupBy({ by: ['roleId'], where: { roleId: { in: ids } }, _count: { _all: true } })).map((r) => ({ id: r.roleId, count: r._count._all }));
