import { CreateGroupMutation, DeleteGroupMutation, GetGroupQuery, ListGroupsQuery, UpdateGroupMutation } from '../operations/groups.ts';
import { pageOf } from '../pagination.ts';
import { expectPayload, type CallOptions, type Transport } from '../transport.ts';
import type { CreateGroupInput, DeleteGroupInput, Group, GroupFilter, UpdateGroupInput } from '../types.ts';
import { notFound, paginated } from './shared.ts';

export function groupsResource(t: Transport) {
  return {
    /** The tenant's key groups, oldest first. */
    ...paginated<Group, GroupFilter>(async ({ first, after, filter }, call) => pageOf((await t.request(ListGroupsQuery, { first, after, filter }, call)).groups)),

    async get(id: string, call?: CallOptions): Promise<Group> {
      const { group } = await t.request(GetGroupQuery, { id }, call);
      if (!group) throw notFound('Group', id, 'GetGroup');
      return group;
    },

    /** A group with default scopes, an optional scope limit, IP rules and a default key expiry. */
    async create(input: CreateGroupInput, call?: CallOptions): Promise<Group> {
      const { createGroup } = await t.request(CreateGroupMutation, { input }, call);
      return expectPayload(createGroup, 'GroupPayload', 'CreateGroup').group;
    },

    /** Given lists (scopes, IP rules) replace the stored ones and apply to the group's keys at once. */
    async update(input: UpdateGroupInput, call?: CallOptions): Promise<Group> {
      const { updateGroup } = await t.request(UpdateGroupMutation, { input }, call);
      return expectPayload(updateGroup, 'GroupPayload', 'UpdateGroup').group;
    },

    /** A group holding keys needs `moveKeysTo` or `revokeKeys: true` (otherwise ConflictError). */
    async delete(input: DeleteGroupInput, call?: CallOptions): Promise<{ deletedGroupId: string; movedKeyCount: number; revokedKeyCount: number }> {
      const { deleteGroup } = await t.request(DeleteGroupMutation, { input }, call);
      return expectPayload(deleteGroup, 'DeleteGroupPayload', 'DeleteGroup');
    },
  };
}
