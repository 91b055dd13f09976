import {
  CreateMemberMutation, DeactivateMemberMutation, DeleteMemberMutation, GetMemberQuery, ListMembersQuery, MeQuery,
  ReactivateMemberMutation, SetMemberPasswordMutation, UpdateMemberMutation,
} from '../operations/members.ts';
import { pageOf } from '../pagination.ts';
import { expectPayload, type CallOptions, type Transport } from '../transport.ts';
import type { CreateMemberInput, Me, Member, MemberFilter, SetMemberPasswordInput, UpdateMemberInput } from '../types.ts';
import { notFound, paginated } from './shared.ts';

/** Lists take `tenantId` only for the platform operator (tenant callers see their own tenant). */
export interface MemberListFilter extends MemberFilter {
  tenantId?: string;
}

export function membersResource(t: Transport) {
  return {
    ...paginated<Member, MemberListFilter>(async ({ first, after, filter }, call) => {
      const { tenantId, ...rest } = filter ?? {};
      return pageOf((await t.request(ListMembersQuery, { first, after, filter: rest, tenantId: tenantId ?? null }, call)).members);
    }),

    async get(id: string, call?: CallOptions): Promise<Member> {
      const { member } = await t.request(GetMemberQuery, { id }, call);
      if (!member) throw notFound('Member', id, 'GetMember');
      return member;
    },

    /** The member of the calling session, or the member an API key acts for (with their role). */
    async me(call?: CallOptions): Promise<Me> {
      const { me } = await t.request(MeQuery, {}, call);
      if (!me) throw notFound('Member', undefined, 'Me');
      return me;
    },

    async create(input: CreateMemberInput, call?: CallOptions): Promise<Member> {
      const { createMember } = await t.request(CreateMemberMutation, { input }, call);
      return expectPayload(createMember, 'MemberPayload', 'CreateMember').member;
    },

    /** Rename a member or change their role. */
    async update(input: UpdateMemberInput, call?: CallOptions): Promise<Member> {
      const { updateMember } = await t.request(UpdateMemberMutation, { input }, call);
      return expectPayload(updateMember, 'MemberPayload', 'UpdateMember').member;
    },

    /** The member can no longer log in; their sessions end and their API keys are refused. */
    async deactivate(id: string, call?: CallOptions): Promise<Member> {
      const { deactivateMember } = await t.request(DeactivateMemberMutation, { id }, call);
      return expectPayload(deactivateMember, 'MemberPayload', 'DeactivateMember').member;
    },

    async reactivate(id: string, call?: CallOptions): Promise<Member> {
      const { reactivateMember } = await t.request(ReactivateMemberMutation, { id }, call);
      return expectPayload(reactivateMember, 'MemberPayload', 'ReactivateMember').member;
    },

    /** Refused (ConflictError) while the member owns API keys. */
    async delete(id: string, call?: CallOptions): Promise<{ deletedMemberId: string }> {
      const { deleteMember } = await t.request(DeleteMemberMutation, { id }, call);
      return expectPayload(deleteMember, 'DeleteMemberPayload', 'DeleteMember');
    },

    /** Your own password (give `currentPassword`), or with members:write another member's. */
    async setPassword(input: SetMemberPasswordInput, call?: CallOptions): Promise<Member> {
      const { setMemberPassword } = await t.request(SetMemberPasswordMutation, { input }, call);
      return expectPayload(setMemberPassword, 'MemberPayload', 'SetMemberPassword').member;
    },
  };
}
