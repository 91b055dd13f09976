import { LoginMutation, LogoutMutation, MemberSessionsQuery, RevokeSessionMutation } from '../operations/sessions.ts';
import { PageIterator, pageOf, type ListOptions } from '../pagination.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type { LoginInput, LoginResult, Session } from '../types.ts';
import { found } from './shared.ts';

export function sessionsResource(t: Transport) {
  return {
    /**
     * A session token for a member's email and password. Wrong credentials throw
     * AuthenticationError; repeated failures RateLimitedError (with `retryAfter`).
     */
    async login(input: LoginInput, call?: CallOptions): Promise<LoginResult> {
      return t.mutate(LoginMutation, { input }, 'LoginPayload', call);
    },

    /** End the session this client uses. */
    async logout(call?: CallOptions): Promise<Session> {
      return (await t.mutate(LogoutMutation, {}, 'SessionPayload', call)).session;
    },

    /** End one of your own sessions, or (members:write) another member's. */
    async revoke(id: string, call?: CallOptions): Promise<Session> {
      return (await t.mutate(RevokeSessionMutation, { id }, 'SessionPayload', call)).session;
    },

    /** A member's live sessions, oldest first. */
    list(memberId: string, options: ListOptions = {}, call?: CallOptions): PageIterator<Session> {
      return new PageIterator(async ({ first, after }) => pageOf((await found(t, MemberSessionsQuery, { memberId, first, after }, 'Member', memberId, call)).sessions), options);
    },
  };
}
