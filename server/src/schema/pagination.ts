import { parsePrismaCursor } from '@pothos/plugin-prisma';
import { NotFoundError, ValidationError } from '../domain/errors.ts';

type CursorModel = { findUnique(args: { where: { id: string }; select: { id: true } }): Promise<unknown> };

/**
 * A cursor names a record; one the caller cannot see (another tenant's) is NOT_FOUND, not a page
 * positioned relative to a record the caller should not know about.
 */
export async function assertCursorVisible(model: CursorModel, args: CursorArgs): Promise<void> {
  for (const id of cursorIds(args)) {
    if (typeof id !== 'string' || !(await model.findUnique({ where: { id }, select: { id: true } }))) {
      throw new NotFoundError('Cursor');
    }
  }
}

type CursorArgs = { after?: string | null; before?: string | null };

/** The ids `after` and `before` name; a malformed cursor is a field error. */
function cursorIds(args: CursorArgs): unknown[] {
  return [args.after, args.before].flatMap((cursor) => {
    if (cursor == null) return [];
    try {
      return [parsePrismaCursor(cursor)];
    } catch {
      throw ValidationError.field(args.after === cursor ? 'after' : 'before', 'is not a valid cursor');
    }
  });
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

/**
 * The keyset page of keysetById, and the cursor's visibility, in ONE statement: the cursor's own
 * row is asked for alongside the page (whatever the filter; the tenant's scope applies to it as to
 * the page), so a page after a cursor costs what the first page does. No such row: the cursor is
 * another tenant's or gone, NOT_FOUND. With both `after` and `before`, the cursors are checked apart.
 */
export async function keysetPageById<Q extends IdCursorQuery, W extends object, R extends { id: string }>(
  query: Q,
  where: W,
  args: CursorArgs,
  findMany: (page: Omit<Q, 'cursor' | 'skip'> & { where: object }) => Promise<R[]>,
): Promise<R[]> {
  const ids = cursorIds(args);
  const { cursor, skip: _skip, ...page } = query;
  if (cursor === undefined || ids.length > 1) {
    for (const id of ids) if ((await findMany({ ...page, take: 1, where: { id: String(id) } })).length === 0) throw new NotFoundError('Cursor');
    return findMany(keysetById(query, where));
  }
  const id = cursor.id as string;
  const backward = page.take < 0;
  const rows = await findMany({
    ...page,
    take: page.take + (backward ? -1 : 1),
    where: { AND: [{ id: backward ? { lte: id } : { gte: id } }, { OR: [{ id }, { AND: [where, { id: backward ? { lt: id } : { gt: id } }] }] }] },
  });
  const at = backward ? rows.length - 1 : 0;
  if (rows[at]?.id !== id) throw new NotFoundError('Cursor');
  rows.splice(at, 1);
  return rows;
}
