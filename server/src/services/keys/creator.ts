import type { Context } from '../../context.ts';
import { idPrefixOf } from '../../domain/ids.ts';

// Who created a key, from the id stored with it (createdById): the member who called createKey,
// or the key that did (an access token's caller is its key). The id's prefix says which.

export interface KeyCreator {
  type: 'MEMBER' | 'API_KEY';
  id: string;
  /**
   * The member's name (email when it has none) or the key's name; null when it no longer exists,
   * or for a member when the caller may not read members (members:read).
   */
  displayName: string | null;
}

/** The creator of a key, read through the caller's tenant-scoped client; null when not recorded. */
export async function keyCreator(ctx: Context, createdById: string | null): Promise<KeyCreator | null> {
  if (createdById === null) return null;
  const { db, caller } = ctx;
  switch (idPrefixOf(createdById)) {
    case 'mem': {
      // As reading the member itself: its name and email need members:read (keys:read alone shows the id).
      const mayReadMembers = caller.kind === 'platform' || (caller.kind !== 'anonymous' && caller.scopes.has('members:read'));
      if (!mayReadMembers) return { type: 'MEMBER', id: createdById, displayName: null };
      const member = await db.member.findUnique({ where: { id: createdById }, select: { name: true, email: true } });
      return { type: 'MEMBER', id: createdById, displayName: member === null ? null : member.name || member.email };
    }
    case 'key': {
      const key = await db.apiKey.findUnique({ where: { id: createdById }, select: { name: true } });
      return { type: 'API_KEY', id: createdById, displayName: key?.name ?? null };
    }
    default:
      return null;
  }
}
