import { builder } from '../builder.ts';
import { idOf } from '../inputSafety.ts';
import type { Session } from '../generated/prisma/client.ts';
import { ValidationError } from '../domain/errors.ts';
import { clientFor } from '../db/clientFor.ts';
import { MUTATION_ERRORS } from './errors.ts';
import { MemberRef } from './members.ts';
import { login, logout, revokeSession } from '../services/sessions.ts';

export const SessionRef = builder.prismaNode('Session', {
  id: { field: 'id' },
  // node(id:) of a record outside the caller's tenant answers null, like a missing one.
  nullable: true,
  description: 'A member\'s login session. Its token is shown once, by `login`.',
  // Members see their own sessions; seeing others' (address, user agent) takes members:read.
  authScopes: (session, ctx) =>
    ctx.caller.kind === 'member' && ctx.caller.memberId === session.memberId ? true : { $any: { platform: true, scope: 'members:read' } },
  fields: (t) => ({
    member: t.relation('member'),
    current: t.boolean({ description: 'Whether this request uses this session.', resolve: (s, _args, ctx) => ctx.caller.kind === 'member' && ctx.caller.sessionId === s.id }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    ip: t.exposeString('ip', { nullable: true, description: 'The client address that logged in.' }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
  }),
});

const LoginInput = builder.inputType('LoginInput', {
  fields: (t) => ({
    tenant: t.string({ required: true, description: 'The tenant\'s slug.' }),
    email: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

const LoginPayload = builder.objectRef<{ token: string; expiresAt: Date; memberId: string }>('LoginPayload').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Send as `Authorization: Bearer <token>`. Shown only here; stored only as a hash.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    member: t.prismaField({
      type: MemberRef,
      resolve: (query, payload, _args, ctx) => ctx.db.member.findUniqueOrThrow({ ...query, where: { id: payload.memberId } }),
    }),
  }),
});

const SessionPayload = builder.objectRef<{ session: Session }>('SessionPayload').implement({
  fields: (t) => ({ session: t.expose('session', { type: SessionRef }) }),
});

builder.mutationFields((t) => ({
  login: t.field({
    type: LoginPayload,
    description:
      'Exchange a member\'s email and password for a session token (12 hours). Wrong credentials answer UNAUTHENTICATED; ' +
      'repeated failures per account or address answer RATE_LIMITED with Retry-After.',
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: LoginInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await login(ctx, input);
      // The rest of this request (the payload's member) is read as the member who just logged in.
      ctx.caller = result.caller;
      ctx.db = clientFor(result.caller, ctx.unscoped);
      return result;
    },
  }),
  logout: t.field({
    type: SessionPayload,
    description: 'End the session this request uses.',
    authScopes: { tenant: true },
    errors: MUTATION_ERRORS,
    resolve: async (_root, _args, ctx) => ({ session: await logout(ctx) }),
  }),
  revokeSession: t.field({
    type: SessionPayload,
    description: 'End one of your own sessions, or (members:write) a session of a member whose role you hold.',
    authScopes: { $any: { platform: true, tenant: true } },
    errors: MUTATION_ERRORS,
    args: { id: t.arg.id({ required: true, ...idOf('Session') }) },
    resolve: async (_root, { id }, ctx) => ({ session: await revokeSession(ctx, String(id)) }),
  }),
}));
