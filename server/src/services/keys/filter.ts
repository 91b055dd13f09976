// The key list's filter: Prisma conditions for it, and its named targets checked to exist.
import type { Prisma } from '../../generated/prisma/client.ts';
import type { KeyStatus } from '../../domain/access.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Tx } from '../audit.ts';
import { textSearch } from '../filters.ts';

export interface KeyFilter {
  status?: KeyStatus | null;
  groupId?: string | null;
  ownerId?: string | null;
  scope?: string | null;
  expiringBefore?: Date | null;
  search?: string | null;
  /** Keys of this identity (an unknown one: none). */
  externalId?: string | null;
}

/**
 * Prisma conditions for the list filter. EXPIRED follows `isExpired` (domain/expiry.ts), compared
 * to the second: a key is expired once expiresAt is before the start of the next whole second.
 */
export function keyWhere(filter: KeyFilter | null | undefined, now: Date): Prisma.ApiKeyWhereInput {
  const conditions: Prisma.ApiKeyWhereInput[] = [];
  if (filter?.status) conditions.push(statusWhere(filter.status, now));
  if (filter?.groupId) conditions.push({ groupId: filter.groupId });
  if (filter?.ownerId) conditions.push({ ownerId: filter.ownerId });
  if (filter?.scope) conditions.push({ scopes: { has: filter.scope } });
  if (filter?.expiringBefore) conditions.push({ expiresAt: { lt: filter.expiringBefore } });
  if (filter?.externalId) conditions.push({ identity: { is: { externalId: filter.externalId } } });
  if (filter?.search) conditions.push(textSearch(['name', 'description', 'publicId'], filter.search));
  return { AND: conditions };
}

/** A filter naming a group or owner the tenant does not have is NOT_FOUND, not an empty result. */
export async function assertFilterTargetsExist(db: Tx, filter: KeyFilter | null | undefined): Promise<void> {
  if (filter?.groupId != null && (await db.group.findUnique({ where: { id: filter.groupId }, select: { id: true } })) === null) {
    throw new NotFoundError('Group', filter.groupId);
  }
  if (filter?.ownerId != null && (await db.member.findUnique({ where: { id: filter.ownerId }, select: { id: true } })) === null) {
    throw new NotFoundError('Member', filter.ownerId);
  }
}

function statusWhere(status: KeyStatus, now: Date): Prisma.ApiKeyWhereInput {
  const nextSecond = new Date((Math.floor(now.getTime() / 1000) + 1) * 1000);
  switch (status) {
    case 'REVOKED':
      return { status: 'REVOKED' };
    case 'EXPIRED':
      return { status: { not: 'REVOKED' }, expiresAt: { lt: nextSecond } };
    default:
      return { status, OR: [{ expiresAt: null }, { expiresAt: { gte: nextSecond } }] };
  }
}
