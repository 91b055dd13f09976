import { builder } from '../builder.ts';
import { defaultLimitOf, readNamedLimits } from '../domain/limits.ts';
import { CreditsInputRef, GroupCreditsRef, NamedRateLimitInputRef, NamedRateLimitRef, RateLimitInputRef, RateLimitRef } from './limits.ts';
import { idOf } from '../inputSafety.ts';
import type { Group } from '../generated/prisma/client.ts';
import { foundOr } from '../domain/errors.ts';
import { createGroup, deleteGroup, updateGroup, type DeletedGroup } from '../services/groups.ts';
import { MUTATION_ERRORS } from './errors.ts';
import { inputMutation } from './payloads.ts';
import { IpRuleInputRef } from './ipRules.ts';
import { assertCursorVisible } from './pagination.ts';
import { textSearch } from '../services/filters.ts';

const READ = { scope: 'groups:read' } as const;
const WRITE = { scope: 'groups:write' } as const;

export const GroupRef = builder.prismaNode('Group', {
  id: { field: 'id' },
  // Select mode: only the columns the requested fields name are read, e.g. for the groups of a page of keys.
  select: { id: true },
  // node(id:) of a record outside the caller's tenant answers null, like a missing one.
  nullable: true,
  description: 'A key group: default scopes, an optional scope limit, IP rules and a default expiry for the keys inside it.',
  authScopes: READ,
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    defaultScopes: t.exposeStringList('defaultScopes', { description: 'Given to a new key in the group that names no scopes.' }),
    limitsScopes: t.exposeBoolean('limitsScopes', { description: 'When true, keys in the group never effectively hold more than scopeLimit.' }),
    scopeLimit: t.exposeStringList('scopeLimit'),
    defaultExpirySeconds: t.exposeInt('defaultExpirySeconds', {
      nullable: true,
      description: "Lifetime of a new key that names no expiry (never beyond the tenant's maximum).",
    }),
    tokenTtlSeconds: t.exposeInt('tokenTtlSeconds', {
      nullable: true,
      description: "Lifetime of the access tokens its keys get at /oauth/token (a key's own setting first; never beyond the tenant's maximum); null: the tenant's default.",
    }),
    ipRules: t.relation('ipRules', { description: "The group's IP rules, oldest first.", query: { orderBy: { id: 'asc' } } }),
    keyCount: t.exposeInt('keyCount', { description: 'Keys in the group, revoked ones included.' }),
    rateLimit: t.field({
      type: RateLimitRef,
      nullable: true,
      description: 'The unnamed limit of each key of the group that has none of its own (counted per key).',
      select: { rateLimitMax: true, rateLimitWindowMs: true },
      resolve: (group) => defaultLimitOf(group),
    }),
    namedRateLimits: t.field({
      type: [NamedRateLimitRef],
      description: 'Named limits of each key of the group that has none of the same name (counted per key).',
      select: { rateLimits: true },
      resolve: (group) => readNamedLimits(group.rateLimits),
    }),
    credits: t.field({
      type: GroupCreditsRef,
      nullable: true,
      select: { defaultRemainingUses: true, defaultRefillAmount: true, defaultRefillIntervalSeconds: true },
      resolve: (g) => g.defaultRemainingUses === null ? null : {
        remaining: g.defaultRemainingUses,
        refill: g.defaultRefillAmount != null && g.defaultRefillIntervalSeconds != null ? { amount: g.defaultRefillAmount, intervalSeconds: g.defaultRefillIntervalSeconds } : null,
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const GroupFilter = builder.inputType('GroupFilter', {
  fields: (t) => ({ search: t.string({ required: false, description: 'Matches name or description, case-insensitively.' }) }),
});

builder.queryFields((t) => ({
  groups: t.prismaConnection({
    type: 'Group',
    cursor: 'id',
    description: "The tenant's key groups, oldest first.",
    authScopes: READ,
    args: { filter: t.arg({ type: GroupFilter, required: false }) },
    resolve: async (query, _root, args, ctx) => {
      await assertCursorVisible(ctx.db.group, args);
      return ctx.db.group.findMany({ ...query, where: textSearch(['name', 'description'], args.filter?.search), orderBy: { id: 'asc' } });
    },
  }),
  group: t.prismaField({
    type: 'Group',
    nullable: true,
    description: "The group with this id; NOT_FOUND when the caller's tenant has none.",
    authScopes: READ,
    args: { id: t.arg.id({ required: true, ...idOf('Group') }) },
    resolve: (query, _root, args, ctx) => foundOr(ctx.db.group.findUnique({ ...query, where: { id: String(args.id) } }), 'Group', String(args.id)),
  }),
}));

const CreateGroupInput = builder.inputType('CreateGroupInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Unique in the tenant.' }),
    description: t.string({ required: false }),
    defaultScopes: t.stringList({ required: false }),
    limitsScopes: t.boolean({ required: false }),
    scopeLimit: t.stringList({ required: false }),
    defaultExpirySeconds: t.int({ required: false }),
    tokenTtlSeconds: t.int({ required: false }),
    ipRules: t.field({ type: [IpRuleInputRef], required: false }),
    rateLimit: t.field({ type: RateLimitInputRef, required: false, description: "Each key's unnamed limit, unless the key sets its own." }),
    namedRateLimits: t.field({ type: [NamedRateLimitInputRef], required: false, description: 'Replaces the whole list.' }),
    credits: t.field({ type: CreditsInputRef, required: false, description: 'The credits each new key of the group starts with when given none.' }),
  }),
});

const UpdateGroupInput = builder.inputType('UpdateGroupInput', {
  fields: (t) => ({
    id: t.id({ required: true, ...idOf('Group') }),
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    defaultScopes: t.stringList({ required: false }),
    limitsScopes: t.boolean({ required: false }),
    scopeLimit: t.stringList({ required: false }),
    defaultExpirySeconds: t.int({ required: false }),
    clearDefaultExpiry: t.boolean({ required: false }),
    tokenTtlSeconds: t.int({ required: false }),
    clearTokenTtl: t.boolean({ required: false, description: "Tokens of the group's keys get the tenant's default lifetime again." }),
    ipRules: t.field({ type: [IpRuleInputRef], required: false, description: "Replaces the group's whole list." }),
    rateLimit: t.field({ type: RateLimitInputRef, required: false, description: "Each key's unnamed limit, unless the key sets its own." }),
    namedRateLimits: t.field({ type: [NamedRateLimitInputRef], required: false, description: 'Replaces the whole list.' }),
    credits: t.field({ type: CreditsInputRef, required: false, description: 'The credits each new key of the group starts with when given none.' }),
    removeRateLimit: t.boolean({ required: false }),
    removeCredits: t.boolean({ required: false, description: 'New keys get no credits (existing keys keep theirs).' }),
  }),
});

const DeleteGroupInput = builder.inputType('DeleteGroupInput', {
  fields: (t) => ({
    id: t.id({ required: true, ...idOf('Group') }),
    moveKeysTo: t.id({ required: false, ...idOf('Group'), description: "Move the group's keys to this group first." }),
    revokeKeys: t.boolean({ required: false, description: "Revoke the group's keys first (and detach them from the group)." }),
    reason: t.string({ required: false, description: 'Revocation reason, with revokeKeys.' }),
  }),
});

const GroupPayload = builder.objectRef<{ group: Group }>('GroupPayload').implement({
  fields: (t) => ({ group: t.expose('group', { type: GroupRef }) }),
});

const DeleteGroupPayload = builder.objectRef<DeletedGroup>('DeleteGroupPayload').implement({
  fields: (t) => ({
    deletedGroupId: t.exposeID('deletedGroupId'),
    movedKeyCount: t.exposeInt('movedKeyCount'),
    revokedKeyCount: t.exposeInt('revokedKeyCount'),
  }),
});

builder.mutationFields((t) => ({
  createGroup: inputMutation(t, {
    type: GroupPayload,
    description: 'Create a key group with its defaults and IP rules.',
    authScopes: WRITE,
    input: CreateGroupInput,
    resolve: async (input, ctx) => ({ group: await createGroup(ctx, input) }),
  }),
  updateGroup: inputMutation(t, {
    type: GroupPayload,
    description: 'Change a group; the new scope limit and IP rules apply to its keys at once.',
    authScopes: WRITE,
    input: UpdateGroupInput,
    resolve: async (input, ctx) => ({ group: await updateGroup(ctx, { ...input, id: String(input.id) }) }),
  }),
  deleteGroup: t.field({
    type: DeleteGroupPayload,
    description: 'Delete a group. One that holds keys needs moveKeysTo or revokeKeys: true; otherwise CONFLICT, naming the count.',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: DeleteGroupInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      deleteGroup(ctx, { ...input, id: String(input.id), moveKeysTo: input.moveKeysTo == null ? null : String(input.moveKeysTo) }),
  }),
}));
