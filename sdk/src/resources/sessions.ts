import { LoginMutation, LogoutMutation, MemberSessionsQuery, RevokeSessionMutation } from '../operations/sessions.ts';
import { PageIterator, pageOf, type ListOptions, type Page } from '../pagination.ts';
import { meta, withMeta } from '../meta.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type { LoginInput, LoginResult, MemberId, Session, SessionId } from '../types.ts';
import { found } from './shared.ts';

export function sessionsResource(t: Transport) {
  return {
    /**
     * A session token for a member's email and password. Wrong credentials throw
     * AuthenticationError; repeated failures RateLimitedError (with `retryAfter`).
     */
    async login(input: LoginInput, call?: CallOptions): Promise<LoginResult> {
      return (await t.mutate(LoginMutation, { input }, 'LoginPayload', call)) as LoginResult;
    },

    /** End the session this client uses. */
    async logout(call?: CallOptions): Promise<Session> {
      return (await t.mutate(LogoutMutation, {}, 'SessionPayload', call)).session as Session;
    },

    /** End one of your own sessions, or (members:write) another member's. */
    async revoke(id: SessionId, call?: CallOptions): Promise<Session> {
      return (await t.mutate(RevokeSessionMutation, { id }, 'SessionPayload', call)).session as Session;
    },

    /** A member's live sessions, oldest first. */
    list(memberId: MemberId, options: ListOptions = {}, call?: CallOptions): PageIterator<Session> {
      return new PageIterator(async ({ first, after }) => {
        const { sessions } = await found(t, MemberSessionsQuery, { memberId, first, after }, 'Member', memberId, call);
        return withMeta(pageOf(sessions), meta(sessions)) as Page<Session>;
      }, options);
    },
  };
}
