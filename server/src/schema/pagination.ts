import { parsePrismaCursor } from '@pothos/plugin-prisma';
import { NotFoundError, ValidationError } from '../domain/errors.ts';

type CursorModel = { findUnique(args: { where: { id: string }; select: { id: true } }): Promise<unknown> };

/**
 * A cursor names a record; one the caller cannot see (another tenant's) is NOT_FOUND, not a page
 * positioned relative to a record the caller should not know about.
 */
export async function assertCursorVisible(model: CursorModel, args: { after?: string | null; before?: string | null }): Promise<void> {
  for (const cursor of [args.after, args.before]) {
    if (cursor == null) continue;
    let id: unknown;
    try {
      id = parsePrismaCursor(cursor);
    } catch {
      throw ValidationError.field(args.after === cursor ? 'after' : 'before', 'is not a valid cursor');
    }
    if (typeof id !== 'string' || !(await model.findUnique({ where: { id }, select: { id: true } }))) {
      throw new NotFoundError('Cursor');
    }
  }
}

type IdCursorQuery = { cursor?: { id?: unknown }; skip?: number; take: number };

/**
 * Keyset pagination for a connection with `cursor: 'id'` ordered by id ascending. Pothos hands
 * Prisma `cursor` and `skip: 1`, which Prisma compiles to a subquery on the cursor row (outside the
 * caller's tenant) and an OFFSET; this puts `id > cursor` (`id < cursor` backwards, where `take` is
 * negative) into the page's own `where` instead, so an index on (tenantId, id) reaches any page
 * directly. The page is the same: the cursor row is left out either way, and `take` is kept (one
 * row more than asked for, which tells Pothos whether another page follows).
 */
export function keysetById<Q extends IdCursorQuery, W extends object>(query: Q, where: W) {
  const { cursor, skip: _skip, ...page } = query;
  if (cursor === undefined) return { ...page, where };
  const id = cursor.id as string;
  return { ...page, where: { AND: [where, { id: page.take < 0 ? { lt: id } : { gt: id } }] } };
}
