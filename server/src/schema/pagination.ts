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
