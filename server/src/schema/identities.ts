import { builder } from '../builder.ts';
import type { Identity } from '../generated/prisma/client.ts';
import { defaultLimitOf, readNamedLimits } from '../domain/limits.ts';
import { setIdentityLimits } from '../services/identities.ts';
import { identityRateLimitStatus } from '../services/limits.ts';
import { NamedRateLimitInputRef, NamedRateLimitRef, RateLimitInputRef, RateLimitRef, RateLimitStatusRef } from './limits.ts';
import { inputMutation } from './payloads.ts';

const READ = { scope: 'keys:read' } as const;
const WRITE = { scope: 'keys:write' } as const;

// An identity is found by its externalId (the integrator's id), not by a node id.
export const IdentityRef = builder.prismaObject('Identity', {
  description: "An integrator's customer or user (externalId): its rate limits are counted once for all its keys.",
  authScopes: READ,
  fields: (t) => ({
    externalId: t.exposeString('externalId'),
    rateLimit: t.field({
      type: RateLimitRef,
      nullable: true,
      select: { rateLimitMax: true, rateLimitWindowMs: true },
      resolve: (identity) => defaultLimitOf(identity),
    }),
    namedRateLimits: t.field({ type: [NamedRateLimitRef], select: { rateLimits: true }, resolve: (identity) => readNamedLimits(identity.rateLimits) }),
    rateLimitStatus: t.field({
      type: [RateLimitStatusRef],
      description: 'Each limit and what is left of its shared window now.',
      select: { id: true, rateLimitMax: true, rateLimitWindowMs: true, rateLimits: true },
      resolve: (identity, _args, ctx) => identityRateLimitStatus(ctx, identity),
    }),
    keyCount: t.exposeInt('keyCount', { description: 'Keys of the identity, revoked ones included.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryField('identity', (t) =>
  t.prismaField({
    type: 'Identity',
    nullable: true,
    description: 'The identity of this externalId in the caller\'s tenant; null when no key or limit named it yet.',
    authScopes: READ,
    args: { externalId: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.db.identity.findFirst({ ...query, where: { externalId: args.externalId } }),
  }),
);

const SetIdentityLimitsInput = builder.inputType('SetIdentityLimitsInput', {
  fields: (t) => ({
    externalId: t.string({ required: true, description: '1-256 characters; the identity is made when new.' }),
    rateLimit: t.field({ type: RateLimitInputRef, required: false, description: 'The unnamed limit, charged with each key\'s `default`.' }),
    removeRateLimit: t.boolean({ required: false }),
    namedRateLimits: t.field({ type: [NamedRateLimitInputRef], required: false, description: 'Replaces the whole list.' }),
  }),
});

const IdentityPayload = builder.objectRef<{ identity: Identity }>('IdentityPayload').implement({
  fields: (t) => ({ identity: t.expose('identity', { type: IdentityRef }) }),
});

builder.mutationField('setIdentityLimits', (t) =>
  inputMutation(t, {
    type: IdentityPayload,
    description: "Set the rate limits shared by all keys of an identity; they apply on every instance at once.",
    authScopes: WRITE,
    input: SetIdentityLimitsInput,
    resolve: async (input, ctx) => ({ identity: await setIdentityLimits(ctx, input) }),
  }),
);
