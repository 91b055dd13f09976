import {
  CreateMemberMutation, DeactivateMemberMutation, DeleteMemberMutation, GetMemberQuery, ListMembersQuery, MeQuery,
  ReactivateMemberMutation, SetMemberPasswordMutation, UpdateMemberMutation,
} from '../operations/members.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type { CreateMemberInput, Me, Member, MemberFilter, MemberId, SetMemberPasswordInput, UpdateMemberInput } from '../types.ts';
import { found, listed } from './shared.ts';

/** Lists take `tenantId` only for the platform operator (tenant callers see their own tenant). */
export interface MemberListFilter extends MemberFilter {
  tenantId?: string;
}

export function membersResource(t: Transport) {
  return {
    ...listed<Member, MemberListFilter>(t, ListMembersQuery),

    async get(id: MemberId, call?: CallOptions): Promise<Member> {
      return (await found(t, GetMemberQuery, { id }, 'Member', id, call)) as Member;
    },

    /** The member of the calling session, or the member an API key acts for (with their role). */
    async me(call?: CallOptions): Promise<Me> {
      return (await found(t, MeQuery, {}, 'Member', undefined, call)) as Me;
    },

    async create(input: CreateMemberInput, call?: CallOptions): Promise<Member> {
      return (await t.mutate(CreateMemberMutation, { input }, 'MemberPayload', call)).member as Member;
    },

    /** Rename a member or change their role. */
    async update(input: UpdateMemberInput, call?: CallOptions): Promise<Member> {
      return (await t.mutate(UpdateMemberMutation, { input }, 'MemberPayload', call)).member as Member;
    },

    /** The member can no longer log in; their sessions end and their API keys are refused. */
    async deactivate(id: MemberId, call?: CallOptions): Promise<Member> {
      return (await t.mutate(DeactivateMemberMutation, { id }, 'MemberPayload', call)).member as Member;
    },

    async reactivate(id: MemberId, call?: CallOptions): Promise<Member> {
      return (await t.mutate(ReactivateMemberMutation, { id }, 'MemberPayload', call)).member as Member;
    },

    /** Refused (ConflictError) while the member owns API keys. */
    async delete(id: MemberId, call?: CallOptions): Promise<{ deletedMemberId: string }> {
      return t.mutate(DeleteMemberMutation, { id }, 'DeleteMemberPayload', call);
    },

    /** Your own password (give `currentPassword`), or with members:write another member's. */
    async setPassword(input: SetMemberPasswordInput, call?: CallOptions): Promise<Member> {
      return (await t.mutate(SetMemberPasswordMutation, { input }, 'MemberPayload', call)).member as Member;
    },
  };
}
