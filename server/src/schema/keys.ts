import { wrapErrorIfMatches } from '@pothos/plugin-errors';
import { builder } from '../builder.ts';
import { idOf } from '../inputSafety.ts';
import type { ApiKey } from '../generated/prisma/client.ts';
import { ACCESS_CODES, keyEffectiveScopes, keyStatusAt } from '../domain/access.ts';
import { foundOr } from '../domain/errors.ts';
import { EXPIRY_PRESETS } from '../domain/expiry.ts';
import { maskedForm } from '@keywarden/sdk/key-format';
import { explainAccess, type AccessExplanation } from '../services/access.ts';
import { keyCreator, type KeyCreator } from '../services/keys/creator.ts';
import { assertFilterTargetsExist, keyWhere } from '../services/keys/filter.ts';
import { publicBaseOf } from '../context.ts';
import { DEFAULT_REVEAL_LINK_TTL_SECONDS, MAX_REVEAL_LINK_TTL_SECONDS, MIN_REVEAL_LINK_TTL_SECONDS, REVEAL_PATH_PREFIX } from '../services/revealLinks.ts';
import { DEFAULT_ROTATION_MAX_WAIT_SECONDS, MAX_ROTATION_WAIT_SECONDS, MAX_BULK_KEYS, MAX_ROTATION_GRACE_SECONDS, createKey, rotateKey, updateKey, type IssuedKey } from '../services/keys/issue.ts';
import { bulkUpdateKeys, deleteKey, revokeKey, setKeyEnabled } from '../services/keys/status.ts';
import { createKeys, rotateKeys, type BulkItemResult } from '../services/keys/bulk.ts';
import { MUTATION_ERRORS } from './errors.ts';
import { inputMutation } from './payloads.ts';
import './groups.ts';
import { IpRuleInputRef, IpRuleLevelEnum, IpRuleRef } from './ipRules.ts';
import { CreditsInputRef, CreditsRef, NamedRateLimitInputRef, NamedRateLimitRef, RateLimitInputRef, RateLimitRef, RateLimitStatusRef } from './limits.ts';
import { defaultLimitOf, readNamedLimits } from '../domain/limits.ts';
import { keyCredits, keyRateLimitStatus } from '../services/limits.ts';
import { keysetPageById } from './pagination.ts';

const READ = { scope: 'keys:read' } as const;
const WRITE = { scope: 'keys:write' } as const;
const PRESETS = Object.keys(EXPIRY_PRESETS).join(', ');

export const ApiKeyStatusEnum = builder.enumType('ApiKeyStatus', {
  values: ['ACTIVE', 'DISABLED', 'REVOKED', 'EXPIRED'] as const,
  description: 'EXPIRED is not stored: a key is EXPIRED from the second its expiresAt is reached. REVOKED is final.',
});

const KeyCreatorTypeEnum = builder.enumType('KeyCreatorType', { values: ['MEMBER', 'API_KEY'] as const });

const KeyCreatorRef = builder.objectRef<KeyCreator>('KeyCreator').implement({
  description: 'Who created a key: a member, or a key (directly, or through an access token issued from it).',
  fields: (t) => ({
    type: t.field({ type: KeyCreatorTypeEnum, resolve: (c) => c.type }),
    id: t.exposeID('id', { description: 'The member or key id (`mem_…`, `key_…`).' }),
    displayName: t.exposeString('displayName', { nullable: true, description: "The member's name (its email when it has none; needs members:read) or the key's name; null once it no longer exists." }),
  }),
});

const RotationStateEnum = builder.enumType('RotationState', {
  values: {
    WAITING_FOR_FIRST_USE: { description: 'Both secrets work until the new one is first used (then GRACE) or waitUntil passes.' },
    GRACE: { description: 'The previous secret works until graceEndsAt.' },
  },
});

interface Rotation {
  state: 'WAITING_FOR_FIRST_USE' | 'GRACE';
  graceEndsAt: Date | null;
  waitUntil: Date | null;
  gracePeriodSeconds: number | null;
}

function rotationOf(key: { previousSecretExpiresAt: Date | null; rotationWaitUntil: Date | null; rotationGraceSeconds: number | null }, now: Date): Rotation | null {
  if (key.rotationWaitUntil !== null && key.rotationWaitUntil > now) {
    return { state: 'WAITING_FOR_FIRST_USE', graceEndsAt: null, waitUntil: key.rotationWaitUntil, gracePeriodSeconds: key.rotationGraceSeconds };
  }
  if (key.rotationWaitUntil === null && key.previousSecretExpiresAt !== null && key.previousSecretExpiresAt > now) {
    return { state: 'GRACE', graceEndsAt: key.previousSecretExpiresAt, waitUntil: null, gracePeriodSeconds: null };
  }
  return null;
}

const RotationRef = builder.objectRef<Rotation>('KeyRotation').implement({
  description: 'Where a rotation with a grace stands.',
  fields: (t) => ({
    state: t.field({ type: RotationStateEnum, resolve: (r) => r.state }),
    graceEndsAt: t.expose('graceEndsAt', { type: 'DateTime', nullable: true, description: 'GRACE: when the previous secret stops working.' }),
    waitUntil: t.expose('waitUntil', { type: 'DateTime', nullable: true, description: 'WAITING_FOR_FIRST_USE: when the previous secret stops working if the new one is never used.' }),
    gracePeriodSeconds: t.exposeInt('gracePeriodSeconds', { nullable: true, description: 'WAITING_FOR_FIRST_USE: the grace the first use starts.' }),
  }),
});

export const ApiKeyRef = builder.prismaNode('ApiKey', {
  id: { field: 'id' },
  // Select mode: a key is read with only the columns its requested fields name (each field's
  // `select`), never whole: a page of keys leaves the secret hashes and unasked columns unread.
  select: { id: true },
  // node(id:) of a record outside the caller's tenant answers null, like a missing one.
  nullable: true,
  description: 'An API key. Its secret is shown once, by createKey or rotateKey; afterwards only maskedKey.',
  authScopes: READ,
  fields: (t) => ({
    publicId: t.exposeString('publicId', { description: 'Identifies the key (`pk_…`); not a secret.' }),
    maskedKey: t.string({
      description: 'The key prefix and the last four characters of the key text, e.g. `kw_…AbCd`.',
      select: { keyPrefix: true, keyTail: true },
      resolve: (key) => maskedForm(key.keyPrefix, key.keyTail),
    }),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    contactEmail: t.exposeString('contactEmail', { nullable: true }),
    status: t.field({
      type: ApiKeyStatusEnum,
      select: { status: true, expiresAt: true },
      resolve: (key, _args, ctx) => keyStatusAt(key, ctx.app.clock()),
    }),
    owner: t.relation('owner', { description: 'The member the key acts for ("on behalf of"); the key never grants more than their role.' }),
    group: t.relation('group', { nullable: true }),
    scopes: t.exposeStringList('scopes', { description: 'The scopes given to the key.' }),
    effectiveScopes: t.stringList({
      description: "What the key may do right now: scopes ∩ its owner's role ∩ its group's scope limit.",
      select: {
        scopes: true,
        owner: { select: { role: { select: { builtIn: true, scopes: true } } } },
        group: { select: { limitsScopes: true, scopeLimit: true } },
      },
      resolve: (key) => keyEffectiveScopes({ key, group: key.group, ownerRole: key.owner.role }),
    }),
    endpoints: t.exposeStringList('endpoints', { description: 'Allowed endpoint glob patterns; `*` allows all.' }),
    ipRules: t.relation('ipRules', { description: "The key's own IP rules (its group's and the tenant's apply too)." , query: { orderBy: { id: 'asc' } } }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    rotationGraceEndsAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'After a rotation with a grace period: until when the previous secret still works.',
      select: { previousSecretExpiresAt: true },
      resolve: (key, _args, ctx) => (key.previousSecretExpiresAt && key.previousSecretExpiresAt > ctx.app.clock() ? key.previousSecretExpiresAt : null),
    }),
    rotation: t.field({
      type: RotationRef,
      nullable: true,
      description: "The previous secret's state after a rotation with a grace; null when only the current secret works.",
      select: { previousSecretExpiresAt: true, rotationWaitUntil: true, rotationGraceSeconds: true },
      resolve: (key, _args, ctx) => rotationOf(key, ctx.app.clock()),
    }),
    metadata: t.expose('metadata', { type: 'JSON', nullable: true }),
    tokenTtlSeconds: t.exposeInt('tokenTtlSeconds', {
      nullable: true,
      description: "Lifetime of the access tokens the key gets at /oauth/token (never beyond the tenant's maximum); null: its group's, else the tenant's default.",
    }),
    tokenExchangeOnly: t.exposeBoolean('tokenExchangeOnly', {
      description: 'The key is accepted only at /oauth/token and /oauth/revoke; presented anywhere else it is refused (TOKEN_EXCHANGE_ONLY), and only its access tokens act.',
    }),
    canary: t.exposeBoolean('canary', {
      description: 'A canary key (honeytoken): never valid; any use answers as an unknown key and records the audit event `canary.triggered`. Shown only to callers who may read keys.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    createdBy: t.field({
      type: KeyCreatorRef,
      nullable: true,
      description: 'Who created the key; null for keys made without an API call (seeded).',
      select: { createdById: true },
      resolve: (key, _args, ctx) => keyCreator(ctx, key.createdById),
    }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'The last successful verification (written in batches: a few seconds late).' }),
    lastUsedIp: t.exposeString('lastUsedIp', { nullable: true, description: 'The end client address of the last successful verification, when the resource server sent one.' }),
    usageCount: t.float({
      description: 'Successful uses. A whole number (Float because it can outgrow GraphQL\'s 32-bit Int).',
      select: { usageCount: true },
      resolve: (key) => Number(key.usageCount),
    }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    revokedReason: t.exposeString('revokedReason', { nullable: true }),
    externalId: t.string({
      nullable: true,
      description: "The integrator's customer or user id the key belongs to; its identity's limits are shared by all its keys.",
      select: { identity: { select: { externalId: true } } },
      resolve: (key) => key.identity?.externalId ?? null,
    }),
    rateLimit: t.field({
      type: RateLimitRef,
      nullable: true,
      description: "The key's own unnamed limit (without one, its group's applies: see rateLimitStatus).",
      select: { rateLimitMax: true, rateLimitWindowMs: true },
      resolve: (key) => defaultLimitOf(key),
    }),
    namedRateLimits: t.field({
      type: [NamedRateLimitRef],
      description: "The key's own named limits.",
      select: { rateLimits: true },
      resolve: (key) => readNamedLimits(key.rateLimits),
    }),
    rateLimitStatus: t.field({
      type: [RateLimitStatusRef],
      description: "Every limit in force for the key (its own, its group's, its identity's) and what is left of each window now.",
      select: {
        id: true, rateLimitMax: true, rateLimitWindowMs: true, rateLimits: true,
        group: { select: { rateLimitMax: true, rateLimitWindowMs: true, rateLimits: true } },
        identity: { select: { id: true, rateLimitMax: true, rateLimitWindowMs: true, rateLimits: true } },
      },
      resolve: (key, _args, ctx) => keyRateLimitStatus(ctx, key),
    }),
    credits: t.field({
      type: CreditsRef,
      nullable: true,
      description: 'Usage credits; null when the key has none (unlimited uses).',
      select: { remainingUses: true, refillAmount: true, refillIntervalSeconds: true, lastRefillAt: true, createdAt: true },
      resolve: (key, _args, ctx) => keyCredits(key, ctx.app.clock()),
    }),
  }),
});

export const ApiKeyFilterRef = builder.inputType('ApiKeyFilter', {
  fields: (t) => ({
    status: t.field({ type: ApiKeyStatusEnum, required: false }),
    groupId: t.id({ required: false, ...idOf('Group') }),
    ownerId: t.id({ required: false, ...idOf('Member') }),
    scope: t.string({ required: false, description: 'Keys given this scope.' }),
    expiringBefore: t.field({ type: 'DateTime', required: false, description: 'Keys whose expiresAt is before this time (expired ones included).' }),
    search: t.string({ required: false, description: 'Matches name, description or public id, case-insensitively.' }),
    externalId: t.string({ required: false, description: 'Keys of this identity (none for an unknown one).' }),
  }),
});

type FilterArg = {
  status?: string | null; groupId?: string | number | null; ownerId?: string | number | null; scope?: string | null; expiringBefore?: Date | null;
  search?: string | null; externalId?: string | null;
};

function keyFilter(filter: FilterArg | null | undefined) {
  if (!filter) return filter;
  return {
    ...filter,
    status: filter.status as 'ACTIVE' | 'DISABLED' | 'REVOKED' | 'EXPIRED' | null | undefined,
    groupId: filter.groupId == null ? null : String(filter.groupId),
    ownerId: filter.ownerId == null ? null : String(filter.ownerId),
  };
}

// --- explainAccess -------------------------------------------------------------------------

const AccessCodeEnum = builder.enumType('AccessCode', { values: ACCESS_CODES });
const IpDenialReasonEnum = builder.enumType('IpDenialReason', {
  values: ['DENIED', 'NOT_ALLOWED', 'INVALID_ADDRESS'] as const,
  description: 'DENIED: a DENY rule matched. NOT_ALLOWED: the level has ALLOW rules and none matched. INVALID_ADDRESS: the address could not be read.',
});

type IpRefusalShape = { level: 'TENANT' | 'GROUP' | 'KEY'; reason: 'DENIED' | 'NOT_ALLOWED' | 'INVALID_ADDRESS'; cidr: string | null; explanation: AccessExplanation };

const IpRefusalRef = builder.objectRef<IpRefusalShape>('IpRefusal').implement({
  description: 'Which IP rule level refused the address, and the DENY rule when one matched.',
  fields: (t) => ({
    level: t.expose('level', { type: IpRuleLevelEnum }),
    reason: t.expose('reason', { type: IpDenialReasonEnum }),
    cidr: t.exposeString('cidr', { nullable: true }),
    rule: t.field({ type: IpRuleRef, nullable: true, resolve: (refusal) => refusal.explanation.ipRule }),
  }),
});

const AccessExplanationRef = builder.objectRef<AccessExplanation>('AccessExplanation').implement({
  description: 'Why a key would be accepted or refused, checked in order: tenant, revoked, expired, disabled, IP rules, endpoint, scopes.',
  fields: (t) => ({
    allowed: t.exposeBoolean('allowed'),
    code: t.expose('code', { type: AccessCodeEnum, description: 'The first check that fails, or VALID.' }),
    detail: t.exposeString('detail'),
    effectiveScopes: t.exposeStringList('effectiveScopes'),
    missingScopes: t.exposeStringList('missingScopes', { description: 'Asked-for scopes the key does not effectively hold.' }),
    ipRefusal: t.field({
      type: IpRefusalRef,
      nullable: true,
      description: 'Set when the IP rules refuse the address (whatever the code).',
      resolve: (explanation) =>
        explanation.ip.allowed
          ? null
          : { level: explanation.ip.level, reason: explanation.ip.reason, cidr: explanation.ip.cidr ?? null, explanation },
    }),
    apiKey: t.field({ type: ApiKeyRef, resolve: (explanation) => explanation.apiKey }),
  }),
});

builder.queryFields((t) => ({
  apiKeys: t.prismaConnection({
    type: 'ApiKey',
    cursor: 'id',
    description: "The tenant's API keys, oldest first.",
    authScopes: READ,
    args: { filter: t.arg({ type: ApiKeyFilterRef, required: false }) },
    resolve: async (query, _root, args, ctx) => {
      const filter = keyFilter(args.filter);
      // The filter's check and the page (which also proves the cursor visible) go to the database at
      // once; a failed check answers its error (the cursor's first) and the page is dropped.
      const [page, targets] = await Promise.allSettled([
        keysetPageById(query, keyWhere(filter, ctx.app.clock()), args, (q) => ctx.db.apiKey.findMany({ ...q, orderBy: { id: 'asc' } })),
        assertFilterTargetsExist(ctx.db, filter),
      ]);
      if (page.status === 'rejected') throw page.reason;
      if (targets.status === 'rejected') throw targets.reason;
      return page.value;
    },
  }),
  apiKey: t.prismaField({
    type: 'ApiKey',
    nullable: true,
    description: "The key with this id; NOT_FOUND when the caller's tenant has none.",
    authScopes: READ,
    args: { id: t.arg.id({ required: true, ...idOf('ApiKey') }) },
    resolve: (query, _root, args, ctx) => foundOr(ctx.db.apiKey.findUnique({ ...query, where: { id: String(args.id) } }), 'ApiKey', String(args.id)),
  }),
  explainAccess: t.field({
    type: AccessExplanationRef,
    // Like apiKey(id), a bad argument or unknown key is a top-level error (VALIDATION_FAILED with
    // fieldErrors, NOT_FOUND), which keeps `code` free for the verdict.
    nullable: true,
    description: 'Tells exactly why the key would be refused or allowed for this address, endpoint and scopes right now.',
    authScopes: READ,
    args: {
      keyId: t.arg.id({ required: true, ...idOf('ApiKey') }),
      ip: t.arg.string({ required: true, description: 'The client address to check, IPv4 or IPv6.' }),
      endpoint: t.arg.string({ required: false, description: '`/path` or `METHOD /path`; not checked when absent.' }),
      scopes: t.arg.stringList({ required: false, description: 'Scopes the request would need.' }),
    },
    resolve: (_root, args, ctx) => explainAccess(ctx, { ...args, keyId: String(args.keyId) }),
  }),
}));

// --- mutations -------------------------------------------------------------------------------

const InitialKeyStatusEnum = builder.enumType('InitialKeyStatus', { values: ['ACTIVE', 'DISABLED'] as const });

const KeyDeliveryEnum = builder.enumType('KeyDelivery', {
  values: {
    KEY_TEXT: { description: 'The key text in the answer (key, clientSecret, secret).' },
    REVEAL_LINK: { description: 'A single-use link (revealUrl) that shows the key text once, in place of the text.' },
  },
});

const GraceStartEnum = builder.enumType('RotationGraceStart', {
  values: {
    ROTATION: { description: 'The grace starts now.' },
    FIRST_USE: { description: 'The grace starts when the new secret is first used successfully (at the latest after maxWaitSeconds, when the previous secret stops).' },
  },
});

const DELIVERY = `Default KEY_TEXT. REVEAL_LINK: the answer carries revealUrl and no key text.`;
const REVEAL_TTL = `How long the reveal link can be opened: ${MIN_REVEAL_LINK_TTL_SECONDS}-${MAX_REVEAL_LINK_TTL_SECONDS} seconds; default ${DEFAULT_REVEAL_LINK_TTL_SECONDS} (24 h). Only with REVEAL_LINK.`;

const CreateKeyInput = builder.inputType('CreateKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Nickname shown in lists.' }),
    description: t.string({ required: false }),
    contactEmail: t.string({ required: false, description: 'Who to contact about the key.' }),
    ownerId: t.id({ required: false, ...idOf('Member'), description: 'The member the key acts for ("on behalf of"); default: the calling member. Required for API-key callers.' }),
    groupId: t.id({ required: false, ...idOf('Group') }),
    scopes: t.stringList({ required: false, description: "Default: the group's default scopes (none without a group)." }),
    endpoints: t.stringList({ required: false, description: 'Allowed endpoint glob patterns, e.g. `GET /v1/tickets/**`; default `*` (all).' }),
    ipRules: t.field({ type: [IpRuleInputRef], required: false, description: 'Key-level IP rules.' }),
    expiresIn: t.string({ required: false, description: `A preset: ${PRESETS}.` }),
    expiresAt: t.field({ type: 'DateTime', required: false, description: 'An exact expiry (whole seconds); not with expiresIn.' }),
    status: t.field({ type: InitialKeyStatusEnum, required: false, description: 'Default ACTIVE ("activated").' }),
    metadata: t.field({ type: 'JSON', required: false, description: 'A JSON object of at most 4 KiB, returned by verification.' }),
    publicId: t.string({ required: false, description: 'Choose the public id: `pk_` and 3-64 letters, digits, `_` or `-`; unique. Default: generated.' }),
    tokenTtlSeconds: t.int({ required: false, description: "Lifetime of its access tokens: 60 s up to the tenant's maximum. Default: the group's, else the tenant's default." }),
    tokenExchangeOnly: t.boolean({ required: false, description: 'Only exchanged for access tokens at /oauth/token; default false.' }),
    rateLimit: t.field({ type: RateLimitInputRef, required: false, description: "The key's unnamed limit (default: its group's)." }),
    namedRateLimits: t.field({ type: [NamedRateLimitInputRef], required: false, description: 'Limits verify charges by name; replaces the whole list.' }),
    credits: t.field({ type: CreditsInputRef, required: false, description: "Usage credits (default: its group's for a new key; none: unlimited)." }),
    externalId: t.string({ required: false, description: "Your customer's or user's id (1-256 characters): the key shares that identity's limits." }),
    delivery: t.field({ type: KeyDeliveryEnum, required: false, description: DELIVERY }),
    revealLinkTtlSeconds: t.int({ required: false, description: REVEAL_TTL }),
    canary: t.boolean({ required: false, description: 'A canary key (honeytoken) to plant where a thief would find it: formatted like any key, never valid; every use is answered as an unknown key and recorded at once (audit `canary.triggered`). Default false; cannot be changed later.' }),
  }),
});

const UpdateKeyInput = builder.inputType('UpdateKeyInput', {
  fields: (t) => ({
    id: t.id({ required: true, ...idOf('ApiKey') }),
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    contactEmail: t.string({ required: false, description: 'An empty string removes it.' }),
    ownerId: t.id({ required: false, ...idOf('Member') }),
    groupId: t.id({ required: false, ...idOf('Group') }),
    removeFromGroup: t.boolean({ required: false }),
    scopes: t.stringList({ required: false }),
    endpoints: t.stringList({ required: false }),
    ipRules: t.field({ type: [IpRuleInputRef], required: false, description: "Replaces the key's whole list." }),
    expiresIn: t.string({ required: false, description: `A preset from now: ${PRESETS}.` }),
    expiresAt: t.field({ type: 'DateTime', required: false }),
    neverExpires: t.boolean({ required: false, description: 'Remove the expiry (only when the tenant has no maximum key lifetime).' }),
    metadata: t.field({ type: 'JSON', required: false, description: 'Replaces the metadata.' }),
    tokenTtlSeconds: t.int({ required: false }),
    clearTokenTtl: t.boolean({ required: false, description: "Its access tokens get the group's, else the tenant's default lifetime again." }),
    tokenExchangeOnly: t.boolean({ required: false }),
    rateLimit: t.field({ type: RateLimitInputRef, required: false, description: "The key's unnamed limit (default: its group's)." }),
    namedRateLimits: t.field({ type: [NamedRateLimitInputRef], required: false, description: 'Limits verify charges by name; replaces the whole list.' }),
    credits: t.field({ type: CreditsInputRef, required: false, description: "Usage credits (default: its group's for a new key; none: unlimited)." }),
    removeRateLimit: t.boolean({ required: false, description: "Remove the key's unnamed limit (its group's then applies)." }),
    removeCredits: t.boolean({ required: false, description: 'Unlimited uses from now on.' }),
    externalId: t.string({ required: false, description: 'An empty string detaches the key from its identity.' }),
  }),
});

const RevokeKeyInput = builder.inputType('RevokeKeyInput', {
  fields: (t) => ({ id: t.id({ required: true, ...idOf('ApiKey') }), reason: t.string({ required: true }) }),
});

const RotateKeyInput = builder.inputType('RotateKeyInput', {
  fields: (t) => ({
    id: t.id({ required: true, ...idOf('ApiKey') }),
    gracePeriodSeconds: t.int({
      required: false,
      description: `How long the previous secret, and the OAuth access tokens issued from it, keep working: 0-${MAX_ROTATION_GRACE_SECONDS} seconds; default 0 (they stop at once).`,
    }),
    graceStartsAt: t.field({ type: GraceStartEnum, required: false, description: 'When the grace period starts; default ROTATION.' }),
    maxWaitSeconds: t.int({
      required: false,
      description: `FIRST_USE: how long to wait at most for the first use (60-${MAX_ROTATION_WAIT_SECONDS} seconds; default ${DEFAULT_ROTATION_MAX_WAIT_SECONDS}, 7 days). Unused by then, the previous secret stops.`,
    }),
    delivery: t.field({ type: KeyDeliveryEnum, required: false, description: DELIVERY }),
    revealLinkTtlSeconds: t.int({ required: false, description: REVEAL_TTL }),
  }),
});

const BulkKeyActionEnum = builder.enumType('BulkKeyAction', { values: ['DISABLE', 'ENABLE', 'REVOKE'] as const });

const BulkUpdateKeysInput = builder.inputType('BulkUpdateKeysInput', {
  fields: (t) => ({
    ids: t.idList({ required: false, ...idOf('ApiKey'), description: 'These keys (all must exist in the tenant)…' }),
    filter: t.field({ type: ApiKeyFilterRef, required: false, description: '…or every key matching this filter (revoked keys are passed over).' }),
    action: t.field({ type: BulkKeyActionEnum, required: true }),
    reason: t.string({ required: false, description: 'Required for REVOKE.' }),
  }),
});

const SHOWN_ONCE = 'Shown this once: store it now; only maskedKey is shown again. Null with delivery REVEAL_LINK.';

/** The key text, unless it goes by reveal link. */
const shownText = (issued: IssuedKey): string | null => (issued.revealLink ? null : issued.secret);

/**
 * What createKey and rotateKey hand out, each use named: the key text for `Authorization: Bearer`,
 * and the OAuth client_id and client_secret for POST /oauth/token.
 */
function issuedKeyPayload(name: 'CreateKeyPayload' | 'RotateKeyPayload') {
  return builder.objectRef<IssuedKey>(name).implement({
    fields: (t) => ({
      apiKey: t.expose('apiKey', { type: ApiKeyRef }),
      key: t.string({
        nullable: true,
        description: `The full key text (\`<prefix>_<publicId><secret><checksum>\`). Send it as \`Authorization: Bearer <key>\` (or \`X-API-Key: <key>\`); it is also the OAuth client_secret. ${SHOWN_ONCE}`,
        resolve: (issued) => shownText(issued),
      }),
      clientId: t.string({
        description: "The OAuth 2.0 client_id for POST /oauth/token: the key's public id (the same as apiKey.publicId). Not a secret.",
        resolve: (issued) => issued.apiKey.publicId,
      }),
      clientSecret: t.string({
        nullable: true,
        description: `The OAuth 2.0 client_secret for POST /oauth/token (HTTP Basic or the client_secret parameter): the full key text, the same as \`key\`. ${SHOWN_ONCE}`,
        resolve: (issued) => shownText(issued),
      }),
      secret: t.string({ nullable: true, description: `The full key text, the same as \`key\` (its earlier name). ${SHOWN_ONCE}`, resolve: (issued) => shownText(issued) }),
      revealUrl: t.string({
        nullable: true,
        description: 'With delivery REVEAL_LINK: the link that shows the key text once (then answers 410 Gone). Hand it to whoever will use the key; null otherwise.',
        resolve: (issued, _args, ctx) => (issued.revealLink ? `${publicBaseOf(ctx)}${REVEAL_PATH_PREFIX}${issued.revealLink.token}` : null),
      }),
      revealLinkExpiresAt: t.field({
        type: 'DateTime',
        nullable: true,
        description: 'With delivery REVEAL_LINK: when the link stops working if not opened.',
        resolve: (issued) => issued.revealLink?.expiresAt ?? null,
      }),
    }),
  });
}

const CreateKeyPayload = issuedKeyPayload('CreateKeyPayload');
const RotateKeyPayload: typeof CreateKeyPayload = issuedKeyPayload('RotateKeyPayload');

const ApiKeyPayload = builder.objectRef<{ apiKey: ApiKey }>('ApiKeyPayload').implement({
  fields: (t) => ({ apiKey: t.expose('apiKey', { type: ApiKeyRef }) }),
});

const DeleteKeyPayload = builder.objectRef<{ deletedKeyId: string }>('DeleteKeyPayload').implement({
  fields: (t) => ({ deletedKeyId: t.exposeID('deletedKeyId') }),
});

const BulkUpdateKeysPayload = builder.objectRef<{ count: number; keyIds: string[] }>('BulkUpdateKeysPayload').implement({
  fields: (t) => ({
    count: t.exposeInt('count', { description: 'Keys whose status changed.' }),
    keyIds: t.exposeIDList('keyIds'),
  }),
});

const ATOMIC = 'true (the default): every item or none; the first failing item is the answer, named by its place (`input.items.<i>`). false: each item on its own; a failing item answers its error in its place and the others are kept.';

const CreateKeysInput = builder.inputType('CreateKeysInput', {
  fields: (t) => ({
    items: t.field({ type: [CreateKeyInput], required: true, description: `1-${MAX_BULK_KEYS} keys, each as createKey takes it.` }),
    atomic: t.boolean({ required: false, description: ATOMIC }),
  }),
});

const RotateKeysInput = builder.inputType('RotateKeysInput', {
  fields: (t) => ({
    items: t.field({ type: [RotateKeyInput], required: true, description: `1-${MAX_BULK_KEYS} keys, each as rotateKey takes it; a key at most once.` }),
    atomic: t.boolean({ required: false, description: ATOMIC }),
  }),
});

/** Why one item of a bulk call was not done: one of the errors a mutation answers. */
const BulkItemErrorRef = builder.unionType('BulkItemError', {
  types: MUTATION_ERRORS.types,
  // The error arrives wrapped (see the field below); its name is its GraphQL type's.
  resolveType: (error) => (error as Error).name,
});

/** A bulk call's payload: one result per item, in the input's order. */
function bulkPayload(name: 'CreateKeys' | 'RotateKeys', issued: typeof CreateKeyPayload) {
  const field = name === 'CreateKeys' ? 'created' : 'rotated';
  const Item = builder.objectRef<BulkItemResult>(`${name}Item`).implement({
    description: `One item's outcome: \`${field}\` or \`error\`.`,
    fields: (t) => ({
      index: t.exposeInt('index', { description: "The item's place in input.items, from 0." }),
      [field]: t.field({ type: issued, nullable: true, description: `The key and its full text, shown once. ${SHOWN_ONCE}`, resolve: (r) => r.issued }),
      error: t.field({
        type: BulkItemErrorRef,
        nullable: true,
        description: 'Why this item was not done (only when atomic is false).',
        // Wrapped as the errors plugin wraps a field's error: GraphQL would take a returned Error for a thrown one.
        resolve: (r) => (r.error ? (wrapErrorIfMatches(r.error, MUTATION_ERRORS.types) as typeof r.error) : null),
      }),
    }),
  });
  return builder.objectRef<{ results: BulkItemResult[] }>(`${name}Payload`).implement({
    fields: (t) => ({
      results: t.field({ type: [Item], resolve: (p) => p.results }),
      succeeded: t.int({ description: 'Items done.', resolve: (p) => p.results.filter((r) => r.issued).length }),
      failed: t.int({ description: 'Items that answered an error.', resolve: (p) => p.results.filter((r) => r.error).length }),
    }),
  });
}

const CreateKeysPayload = bulkPayload('CreateKeys', CreateKeyPayload);
const RotateKeysPayload = bulkPayload('RotateKeys', RotateKeyPayload);

type CreateKeyArgs = { ownerId?: string | number | null; groupId?: string | number | null };

const idOrNull = (id: string | number | null | undefined) => (id == null ? null : String(id));

builder.mutationFields((t) => ({
  createKey: t.field({
    type: CreateKeyPayload,
    description: 'Issue a key. The payload carries the full key text, once.',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: CreateKeyInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      createKey(ctx, { ...input, ownerId: idOrNull(input.ownerId), groupId: idOrNull(input.groupId) }),
  }),
  updateKey: t.field({
    type: ApiKeyPayload,
    description: 'Change a key (not a revoked one). Given lists replace the stored ones.',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: UpdateKeyInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({
      apiKey: await updateKey(ctx, { ...input, id: String(input.id), ownerId: idOrNull(input.ownerId), groupId: idOrNull(input.groupId) }),
    }),
  }),
  disableKey: t.field({
    type: ApiKeyPayload,
    description: 'Refuse the key until enabled again.',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { id: t.arg.id({ required: true, ...idOf('ApiKey') }) },
    resolve: async (_root, { id }, ctx) => ({ apiKey: await setKeyEnabled(ctx, String(id), false) }),
  }),
  enableKey: t.field({
    type: ApiKeyPayload,
    description: 'Accept a disabled key again (not a revoked one).',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { id: t.arg.id({ required: true, ...idOf('ApiKey') }) },
    resolve: async (_root, { id }, ctx) => ({ apiKey: await setKeyEnabled(ctx, String(id), true) }),
  }),
  revokeKey: inputMutation(t, {
    type: ApiKeyPayload,
    description: 'Refuse the key for good, with a reason. A revoked key cannot be enabled, rotated or changed.',
    authScopes: WRITE,
    input: RevokeKeyInput,
    resolve: async (input, ctx) => ({ apiKey: await revokeKey(ctx, { ...input, id: String(input.id) }) }),
  }),
  deleteKey: t.field({
    type: DeleteKeyPayload,
    description: 'Remove the key; its audit history stays.',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { id: t.arg.id({ required: true, ...idOf('ApiKey') }) },
    resolve: async (_root, { id }, ctx) => ({ deletedKeyId: await deleteKey(ctx, String(id)) }),
  }),
  rotateKey: t.field({
    type: RotateKeyPayload,
    description: 'A new secret for the same public id, shown once; the previous one, and the access tokens issued from it, work for the grace period.',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: RotateKeyInput, required: true }) },
    resolve: (_root, { input }, ctx) => rotateKey(ctx, { ...input, id: String(input.id) }),
  }),
  createKeys: t.field({
    type: CreateKeysPayload,
    description: `Issue up to ${MAX_BULK_KEYS} keys in one call, each audited as createKey. One argon2-costing field per operation.`,
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: CreateKeysInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      createKeys(ctx, {
        atomic: input.atomic,
        items: input.items.map((item: CreateKeyArgs) => ({ ...item, ownerId: idOrNull(item.ownerId), groupId: idOrNull(item.groupId) })),
      }),
  }),
  rotateKeys: t.field({
    type: RotateKeysPayload,
    description: `Rotate up to ${MAX_BULK_KEYS} keys in one call, each audited as rotateKey. One argon2-costing field per operation.`,
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: RotateKeysInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      rotateKeys(ctx, { atomic: input.atomic, items: input.items.map((item) => ({ ...item, id: String(item.id) })) }),
  }),
  bulkUpdateKeys: t.field({
    type: BulkUpdateKeysPayload,
    description: 'Disable, enable or revoke many keys at once, all or nothing.',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: BulkUpdateKeysInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      bulkUpdateKeys(ctx, { ...input, ids: input.ids?.map(String) ?? null, filter: keyFilter(input.filter) }),
  }),
}));
