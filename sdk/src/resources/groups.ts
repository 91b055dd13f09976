import { CreateGroupMutation, DeleteGroupMutation, GetGroupQuery, ListGroupsQuery, UpdateGroupMutation } from '../operations/groups.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type { CreateGroupInput, DeleteGroupInput, Group, GroupFilter, GroupId, UpdateGroupInput } from '../types.ts';
import { found, listed } from './shared.ts';

export function groupsResource(t: Transport) {
  return {
    /** The tenant's key groups, oldest first. */
    ...listed<Group, GroupFilter>(t, ListGroupsQuery),

    async get(id: GroupId, call?: CallOptions): Promise<Group> {
      return (await found(t, GetGroupQuery, { id }, 'Group', id, call)) as Group;
    },

    /** A group with default scopes, an optional scope limit, IP rules and a default key expiry. */
    async create(input: CreateGroupInput, call?: CallOptions): Promise<Group> {
      return (await t.mutate(CreateGroupMutation, { input }, 'GroupPayload', call)).group as Group;
    },

    /** Given lists (scopes, IP rules) replace the stored ones and apply to the group's keys at once. */
    async update(input: UpdateGroupInput, call?: CallOptions): Promise<Group> {
      return (await t.mutate(UpdateGroupMutation, { input }, 'GroupPayload', call)).group as Group;
    },

    /** A group holding keys needs `moveKeysTo` or `revokeKeys: true` (otherwise ConflictError). */
    async delete(input: DeleteGroupInput, call?: CallOptions): Promise<{ deletedGroupId: string; movedKeyCount: number; revokedKeyCount: number }> {
      return t.mutate(DeleteGroupMutation, { input }, 'DeleteGroupPayload', call);
    },
  };
}
