import { LoginMutation, LogoutMutation, MemberSessionsQuery, RevokeSessionMutation } from '../operations/sessions.ts';
import { PageIterator, pageOf, type ListOptions } from '../pagination.ts';
import { expectPayload, type CallOptions, type Transport } from '../transport.ts';
import type { LoginInput, LoginResult, Session } from '../types.ts';
import { notFound } from './shared.ts';

export function sessionsResource(t: Transport) {
  return {
    /**
     * A session token for a member's email and password. Wrong credentials throw
     * AuthenticationError; repeated failures RateLimitedError (with `retryAfter`).
     */
    async login(input: LoginInput, call?: CallOptions): Promise<LoginResult> {
      const { login } = await t.request(LoginMutation, { input }, call);
      return expectPayload(login, 'LoginPayload', 'Login');
    },

    /** End the session this client uses. */
    async logout(call?: CallOptions): Promise<Session> {
      const { logout } = await t.request(LogoutMutation, {}, call);
      return expectPayload(logout, 'SessionPayload', 'Logout').session;
    },

    /** End one of your own sessions, or (members:write) another member's. */
    async revoke(id: string, call?: CallOptions): Promise<Session> {
      const { revokeSession } = await t.request(RevokeSessionMutation, { id }, call);
      return expectPayload(revokeSession, 'SessionPayload', 'RevokeSession').session;
    },

    /** A member's live sessions, oldest first. */
    list(memberId: string, options: ListOptions = {}, call?: CallOptions): PageIterator<Session> {
      return new PageIterator(async ({ first, after }) => {
        const { member } = await t.request(MemberSessionsQuery, { memberId, first, after }, call);
        if (!member) throw notFound('Member', memberId, 'MemberSessions');
        return pageOf(member.sessions);
      }, options);
    },
  };
}
