// Issuing and editing keys: create, update and rotate, the operations that check a key's owner,
// group, scopes and expiry, or hand out a secret.
import { z } from 'zod';
import type { Context } from '../../appTypes.ts';
import type { ApiKey, Group, Member, Prisma, Role } from '../../generated/prisma/client.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../domain/errors.ts';
import { formatDuration, resolveExpiry } from '../../domain/expiry.ts';
import { newId } from '../../domain/ids.ts';
import { formatKey, DISPLAY_TAIL_LENGTH, PUBLIC_ID_PATTERN } from '@keywarden/sdk/key-format';
import { generatePublicId, generateSecret } from '../../domain/keyFormat.ts';
import { roleScopes, scopeSet } from '../../domain/scopes.ts';
import { hashSecret } from '../../domain/secrets.ts';
import { descriptionInput, endpointList, nameInput, scopeList } from '../inputs.ts';
import { diff, recordAudit, type Tx } from '../audit.ts';
import { createIpRules, describeRules, ipRuleList, replaceIpRules } from '../ipRules.ts';
import { assertMayGrant, tenantCaller } from '../authorization.ts';
import { assertKnownScopes } from '../scopes.ts';
import { assertTokenTtlAllowed, tokenTtlInput } from '../accessTokens.ts';
import { orConflict, parseInput } from '../validation.ts';
import { auditView, invalidateKeys, keyIdInput as id, loadChangeableKey } from './records.ts';
import { bothGiven, creditsInput, externalIdInput, keyCreditsData, limitFields, limitUpdateFields, rateLimitData } from '../limits.ts';
import { identityFor } from '../identities.ts';
import { endRotatedOutTokens } from './rotatedTokens.ts';
import { checkDelivery, createRevealLink, deliveryFields, endRevealLinks, type IssuedRevealLink } from '../revealLinks.ts';

const MAX_METADATA_BYTES = 4096;
export const MAX_ROTATION_GRACE_SECONDS = 7 * 86_400;
/** Items of one createKeys or rotateKeys call. */
export const MAX_BULK_KEYS = 1000;
/** argon2 hashes a bulk call runs at once (each on one of libuv's threads). */
export const ARGON2_BULK_CONCURRENCY = 2;

const keyName = nameInput(100);
const description = descriptionInput(1000);
/** An email address, or '' to clear it (on update). */
const contactEmail = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .refine((value) => value === '' || z.email().safeParse(value).success, 'must be an email address');
const metadata = z
  .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
  .refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_METADATA_BYTES, `must be at most ${MAX_METADATA_BYTES} bytes as JSON`);

const expiry = {
  expiresIn: z.string().nullish(),
  expiresAt: z.date().nullish(),
};

export const createInput = z.object({
  name: keyName,
  description: description.nullish(),
  contactEmail: contactEmail.nullish(),
  ownerId: id.nullish(),
  groupId: id.nullish(),
  scopes: scopeList.nullish(),
  endpoints: endpointList.nullish(),
  ipRules: ipRuleList.nullish(),
  ...expiry,
  status: z.enum(['ACTIVE', 'DISABLED']).nullish(),
  metadata: metadata.nullish(),
  publicId: z.string().regex(PUBLIC_ID_PATTERN, 'must be "pk_" followed by 3-64 letters, digits, "_" or "-"').nullish(),
  tokenTtlSeconds: tokenTtlInput.nullish(),
  tokenExchangeOnly: z.boolean().nullish(),
  ...limitFields,
  credits: creditsInput.nullish(),
  externalId: externalIdInput.nullish(),
  ...deliveryFields,
  canary: z.boolean().nullish(),
}).superRefine(checkDelivery);

const updateInput = z
  .object({
    id,
    name: keyName.nullish(),
    description: description.nullish(),
    contactEmail: contactEmail.nullish(),
    ownerId: id.nullish(),
    groupId: id.nullish(),
    removeFromGroup: z.boolean().nullish(),
    scopes: scopeList.nullish(),
    endpoints: endpointList.nullish(),
    ipRules: ipRuleList.nullish(),
    ...expiry,
    neverExpires: z.boolean().nullish(),
    metadata: metadata.nullish(),
    tokenTtlSeconds: tokenTtlInput.nullish(),
    clearTokenTtl: z.boolean().nullish(),
    tokenExchangeOnly: z.boolean().nullish(),
    ...limitUpdateFields,
    credits: creditsInput.nullish(),
    removeCredits: z.boolean().nullish(),
    externalId: externalIdInput.nullish(),
  })
  .superRefine((input, issue) => {
    bothGiven(input, 'tokenTtlSeconds', 'clearTokenTtl', issue);
    bothGiven(input, 'rateLimit', 'removeRateLimit', issue);
    bothGiven(input, 'credits', 'removeCredits', issue);
    if (input.removeFromGroup && input.groupId != null) {
      issue.addIssue({ code: 'custom', path: ['removeFromGroup'], message: 'Give groupId or removeFromGroup, not both' });
    }
    if (input.neverExpires && (input.expiresIn != null || input.expiresAt != null)) {
      issue.addIssue({ code: 'custom', path: ['neverExpires'], message: 'Give expiresIn, expiresAt or neverExpires, not several' });
    }
  });

export const DEFAULT_ROTATION_MAX_WAIT_SECONDS = 7 * 86_400;
export const MAX_ROTATION_WAIT_SECONDS = 30 * 86_400;

export const rotateInput = z.object({
  id,
  gracePeriodSeconds: z
    .number()
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(MAX_ROTATION_GRACE_SECONDS, `must be at most ${MAX_ROTATION_GRACE_SECONDS} seconds (7 days)`)
    .nullish(),
  graceStartsAt: z.enum(['ROTATION', 'FIRST_USE']).nullish(),
  maxWaitSeconds: z
    .number()
    .int('must be a whole number')
    .min(60, 'must be at least 60 seconds')
    .max(MAX_ROTATION_WAIT_SECONDS, `must be at most ${MAX_ROTATION_WAIT_SECONDS} seconds (30 days)`)
    .nullish(),
  ...deliveryFields,
}).superRefine((input, issue) => {
  checkDelivery(input, issue);
  if (input.maxWaitSeconds != null && input.graceStartsAt !== 'FIRST_USE') {
    issue.addIssue({ code: 'custom', path: ['maxWaitSeconds'], message: 'is only for graceStartsAt FIRST_USE' });
  }
});

// ---------------------------------------------------------------------------------------------
// Checks shared by create and update

type OwnerWithRole = Member & { role: Role };

async function loadOwner(tx: Tx, ownerId: string): Promise<OwnerWithRole> {
  const owner = await tx.member.findUnique({ where: { id: ownerId }, include: { role: true } });
  if (!owner) throw new NotFoundError('Member', ownerId);
  if (owner.status !== 'ACTIVE') throw ValidationError.field(['input', 'ownerId'], 'The member is deactivated');
  return owner;
}

async function loadGroup(tx: Tx, groupId: string): Promise<Group> {
  const group = await tx.group.findUnique({ where: { id: groupId } });
  if (!group) throw new NotFoundError('Group', groupId);
  return group;
}

/**
 * A key's scopes must exist, be held by its owner's role and fit its group's limit. Checked when
 * any of the three is set; afterwards a demoted owner or a narrowed group shrinks the key's
 * effective scopes at read time instead.
 */
async function assertKeyScopesFit(tx: Tx, input: {
  tenantId: string;
  scopes: readonly string[];
  owner: OwnerWithRole;
  group: Group | null;
  fromGroupDefaults: boolean;
}): Promise<void> {
  const path = ['input', 'scopes'];
  const origin = input.fromGroupDefaults ? " (the group's default scopes)" : '';
  await assertKnownScopes(tx, input.tenantId, input.scopes, path);
  const errors: FieldError[] = [];
  const beyondRole = roleScopes(input.owner.role).missing(input.scopes);
  if (beyondRole.length > 0) {
    errors.push({ path, message: `The owner's role "${input.owner.role.name}" does not hold: ${beyondRole.join(', ')}${origin}` });
  }
  if (input.group?.limitsScopes) {
    const beyondGroup = scopeSet(input.group.scopeLimit).missing(input.scopes);
    if (beyondGroup.length > 0) {
      errors.push({ path, message: `The group "${input.group.name}" limits keys to its scope limit, which lacks: ${beyondGroup.join(', ')}${origin}` });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
}

/** A key acts for its owner, so only a caller holding every scope of the owner's role may make one for them. */
function assertMayActFor(ctx: Context, owner: OwnerWithRole): void {
  const caller = tenantCaller(ctx);
  if (caller.kind === 'member' && caller.memberId === owner.id) return;
  assertMayGrant(ctx, roleScopes(owner.role), `The owner's role "${owner.role.name}" holds scopes the caller lacks`);
}

/**
 * The explicit preset or date, else the group's default lifetime (never beyond the tenant's
 * maximum, which may have shrunk since the group was set up), else the tenant's maximum.
 */
function keyExpiry(
  input: { expiresIn?: string | null; expiresAt?: Date | null },
  now: Date,
  maxLifetimeSeconds: number | null,
  groupDefaultSeconds: number | null,
): Date | null {
  const useGroupDefault = input.expiresIn == null && input.expiresAt == null && groupDefaultSeconds != null;
  const lifetime = useGroupDefault ? Math.min(groupDefaultSeconds, maxLifetimeSeconds ?? Infinity) : null;
  const result = resolveExpiry({
    preset: input.expiresIn,
    at: lifetime === null ? input.expiresAt : new Date(now.getTime() + lifetime * 1000),
    now,
    maxLifetimeSeconds,
  });
  if (!result.ok) throw ValidationError.field(['input', result.field], result.message);
  return result.expiresAt;
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface IssuedKey {
  apiKey: ApiKey;
  /** The full key text: returned by this one response, never stored or shown again. */
  secret: string;
  /** With delivery REVEAL_LINK: the link that shows the text once, in place of the text. */
  revealLink?: IssuedRevealLink;
}

/** A new secret and its argon2id hash, made before any transaction so that no connection or lock waits on it. */
export interface NewSecret {
  secret: string;
  secretHash: string;
}

async function newSecret(ctx: Context): Promise<NewSecret> {
  const secret = generateSecret();
  return { secret, secretHash: await hashSecret(secret, ctx.app.config.argon2) };
}

/**
 * Secrets for a bulk call, ARGON2_BULK_CONCURRENCY hashes at a time: argon2 runs on libuv's
 * thread pool (4 threads), which a thousand queued hashes would hold away from everything else.
 */
export async function newSecrets(ctx: Context, n: number): Promise<NewSecret[]> {
  const secrets: NewSecret[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      secrets[i] = await newSecret(ctx);
    }
  };
  await Promise.all(Array.from({ length: Math.min(ARGON2_BULK_CONCURRENCY, n) }, worker));
  return secrets;
}

export async function createKey(ctx: Context, raw: unknown): Promise<IssuedKey> {
  const caller = tenantCaller(ctx);
  const input = parseInput(createInput, raw);
  const now = ctx.app.clock();
  const secret = await newSecret(ctx);
  const issued = await orConflict(
    ctx.db.$transaction((tx) => insertKey(ctx, tx, input, secret, now)),
    () => publicIdTaken(input.publicId),
  );
  await invalidateKeys(ctx, caller.tenantId, [issued.apiKey.id]);
  return issued;
}

export function publicIdTaken(publicId: string | null | undefined): ConflictError {
  return new ConflictError(`The public id "${publicId}" is already taken`, 'publicId');
}

export type CreateInput = z.output<typeof createInput>;

/** createKey's writes, in the caller's transaction: the checks, the key, its IP rules and its audit event. */
export async function insertKey(ctx: Context, tx: Tx, input: CreateInput, { secret, secretHash }: NewSecret, now: Date): Promise<IssuedKey> {
  const caller = tenantCaller(ctx);
  const publicId = input.publicId ?? generatePublicId();
  const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: caller.tenantId } });
  const ownerId = input.ownerId ?? (caller.kind === 'member' ? caller.memberId : null);
  if (ownerId === null) throw ValidationError.field(['input', 'ownerId'], 'is required when the caller is not a member');
  const owner = await loadOwner(tx, ownerId);
  const group = input.groupId ? await loadGroup(tx, input.groupId) : null;
  assertMayActFor(ctx, owner);

  const scopes = input.scopes ?? group?.defaultScopes ?? [];
  await assertKeyScopesFit(tx, { tenantId: tenant.id, scopes, owner, group, fromGroupDefaults: input.scopes == null });
  assertMayGrant(ctx, scopes, 'A key cannot hold scopes the caller lacks');
  const expiresAt = keyExpiry(input, now, tenant.maxKeyLifetimeSeconds, group?.defaultExpirySeconds ?? null);
  await assertTokenTtlAllowed(tx, tenant.id, input.tokenTtlSeconds ?? null, ['input', 'tokenTtlSeconds']);

  const keyText = formatKey(tenant.keyPrefix, publicId, secret);
  // Credits the key is given, else those its group gives each new key.
  const credits = input.credits ?? (group?.defaultRemainingUses != null
    ? {
      remaining: group.defaultRemainingUses,
      refill: group.defaultRefillAmount != null && group.defaultRefillIntervalSeconds != null
        ? { amount: group.defaultRefillAmount, intervalSeconds: group.defaultRefillIntervalSeconds }
        : null,
    }
    : null);
  const identity = input.externalId ? await identityFor(tx, ctx, tenant.id, input.externalId) : null;
  const apiKey = await tx.apiKey.create({
    data: {
      id: newId('key'),
      tenantId: tenant.id,
      publicId,
      keyPrefix: tenant.keyPrefix,
      name: input.name,
      description: input.description ?? '',
      contactEmail: input.contactEmail || null,
      ownerId: owner.id,
      groupId: group?.id ?? null,
      scopes,
      endpoints: input.endpoints ?? ['*'],
      status: input.status ?? 'ACTIVE',
      expiresAt,
      ...(input.metadata != null && { metadata: input.metadata as Prisma.InputJsonObject }),
      secretHash,
      keyTail: keyText.slice(-DISPLAY_TAIL_LENGTH),
      createdById: 'memberId' in caller ? caller.memberId : 'keyId' in caller ? caller.keyId : null,
      tokenTtlSeconds: input.tokenTtlSeconds ?? null,
      tokenExchangeOnly: input.tokenExchangeOnly ?? false,
      ...rateLimitData(input),
      ...keyCreditsData(credits, false, now),
      identityId: identity?.id ?? null,
      canary: input.canary ?? false,
    },
  });
  const ipRules = input.ipRules ?? [];
  await createIpRules(tx, tenant.id, { apiKeyId: apiKey.id }, ipRules);
  const revealLink = input.delivery === 'REVEAL_LINK'
    ? await createRevealLink(tx, { tenantId: tenant.id, apiKeyId: apiKey.id, secretVersion: apiKey.secretVersion, keyText, ttlSeconds: input.revealLinkTtlSeconds, now })
    : undefined;
  await recordAudit(tx, ctx, {
    tenantId: tenant.id, action: 'key.created', targetType: 'ApiKey', targetId: apiKey.id,
    // Canaries are said so only to audit readers (who are also told of their uses).
    changes: {
      ...auditView(apiKey), externalId: identity?.externalId ?? null, ipRules: describeRules(ipRules),
      ...(revealLink && { delivery: 'REVEAL_LINK', revealLinkId: revealLink.id, revealLinkExpiresAt: revealLink.expiresAt }),
      ...(apiKey.canary && { canary: true }),
    },
  });
  return { apiKey, secret: keyText, ...(revealLink && { revealLink }) };
}

export async function updateKey(ctx: Context, raw: unknown): Promise<ApiKey> {
  const caller = tenantCaller(ctx);
  const input = parseInput(updateInput, raw);
  const now = ctx.app.clock();
  const after = await ctx.db.$transaction(async (tx) => {
    const before = await loadChangeableKey(tx, input.id);
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: caller.tenantId } });
    const ownerChanged = input.ownerId != null && input.ownerId !== before.ownerId;
    const groupId = input.removeFromGroup ? null : (input.groupId ?? before.groupId);
    const groupChanged = groupId !== before.groupId;
    const scopes = input.scopes ?? before.scopes;

    if (input.scopes != null || ownerChanged || groupChanged) {
      const owner = await loadOwner(tx, input.ownerId ?? before.ownerId);
      const group = groupId ? await loadGroup(tx, groupId) : null;
      if (ownerChanged) assertMayActFor(ctx, owner);
      await assertKeyScopesFit(tx, { tenantId: tenant.id, scopes, owner, group, fromGroupDefaults: false });
      if (input.scopes != null) assertMayGrant(ctx, scopes, 'A key cannot hold scopes the caller lacks');
    }

    let expiresAt: Date | null | undefined;
    if (input.neverExpires) {
      if (tenant.maxKeyLifetimeSeconds !== null) {
        throw ValidationError.field(['input', 'neverExpires'], `The tenant's maximum key lifetime is ${formatDuration(tenant.maxKeyLifetimeSeconds)}`);
      }
      expiresAt = null;
    } else if (input.expiresIn != null || input.expiresAt != null) {
      expiresAt = keyExpiry(input, now, tenant.maxKeyLifetimeSeconds, null);
    }
    if (input.tokenTtlSeconds != null) await assertTokenTtlAllowed(tx, tenant.id, input.tokenTtlSeconds, ['input', 'tokenTtlSeconds']);

    const identityId = input.externalId == null ? undefined : input.externalId === '' ? null : (await identityFor(tx, ctx, tenant.id, input.externalId)).id;
    const updated = await tx.apiKey.update({
      where: { id: before.id },
      data: {
        ...rateLimitData(input),
        ...keyCreditsData(input.credits, input.removeCredits ?? false, now),
        ...(identityId !== undefined && { identityId }),
        ...(input.name != null && { name: input.name }),
        ...(input.description != null && { description: input.description }),
        ...(input.contactEmail != null && { contactEmail: input.contactEmail || null }),
        ...(ownerChanged && { ownerId: input.ownerId! }),
        ...(groupChanged && { groupId }),
        ...(input.scopes != null && { scopes }),
        ...(input.endpoints != null && { endpoints: input.endpoints }),
        ...(expiresAt !== undefined && { expiresAt }),
        ...(input.metadata != null && { metadata: input.metadata as Prisma.InputJsonObject }),
        ...(input.tokenTtlSeconds != null && { tokenTtlSeconds: input.tokenTtlSeconds }),
        ...(input.clearTokenTtl && { tokenTtlSeconds: null }),
        ...(input.tokenExchangeOnly != null && { tokenExchangeOnly: input.tokenExchangeOnly }),
      },
    });
    const changes: Record<string, unknown> = diff(auditView(before), auditView(updated));
    if (identityId !== undefined && identityId !== before.identityId) changes.externalId = { after: input.externalId || null };
    if (input.ipRules != null) {
      const previous = await replaceIpRules(tx, tenant.id, { apiKeyId: before.id }, input.ipRules);
      changes.ipRules = { before: describeRules(previous), after: describeRules(input.ipRules) };
    }
    await recordAudit(tx, ctx, { tenantId: tenant.id, action: 'key.updated', targetType: 'ApiKey', targetId: before.id, changes });
    return updated;
  });
  await invalidateKeys(ctx, caller.tenantId, [after.id]);
  return after;
}

/**
 * A new secret for the same public id. The old one keeps verifying until now + grace (0: at once),
 * and so do the access tokens issued from it: without a grace they are revoked, with one their
 * expiry is cut to the grace's end. Only one previous secret is kept: rotating again during a
 * grace period ends the older one, and its tokens, at once.
 */
export async function rotateKey(ctx: Context, raw: unknown): Promise<IssuedKey> {
  const caller = tenantCaller(ctx);
  const input = parseInput(rotateInput, raw);
  const secret = await newSecret(ctx);
  const now = ctx.app.clock();
  const issued = await ctx.db.$transaction((tx) => replaceSecret(ctx, tx, input, secret, now));
  await invalidateKeys(ctx, caller.tenantId, [issued.apiKey.id]);
  return issued;
}

export type RotateInput = z.output<typeof rotateInput>;

/** rotateKey's writes, in the caller's transaction. */
export async function replaceSecret(ctx: Context, tx: Tx, input: RotateInput, { secret, secretHash }: NewSecret, now: Date): Promise<IssuedKey> {
  const caller = tenantCaller(ctx);
  const grace = input.gracePeriodSeconds ?? 0;
  const fromFirstUse = input.graceStartsAt === 'FIRST_USE';
  const before = await loadChangeableKey(tx, input.id);
  // The caller receives a working credential for this key, so must hold everything it can hold.
  assertMayGrant(ctx, before.scopes, "Rotating hands out the key's credential, which holds scopes the caller lacks");
  const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: caller.tenantId } });
  const keyText = formatKey(tenant.keyPrefix, before.publicId, secret);
  // From first use: the previous secret works until the new one is first used (then for the grace)
  // or, at the latest, until the wait ends.
  const waitUntil = fromFirstUse ? new Date(now.getTime() + (input.maxWaitSeconds ?? DEFAULT_ROTATION_MAX_WAIT_SECONDS) * 1000) : null;
  const graceEndsAt = waitUntil ?? (grace > 0 ? new Date(now.getTime() + grace * 1000) : null);
  const apiKey = await tx.apiKey.update({
    where: { id: before.id },
    data: {
      secretHash,
      // The new text takes the tenant's current prefix; the old one keeps working in the grace period.
      keyPrefix: tenant.keyPrefix,
      keyTail: keyText.slice(-DISPLAY_TAIL_LENGTH),
      previousSecretHash: graceEndsAt ? before.secretHash : null,
      previousSecretExpiresAt: graceEndsAt,
      secretVersion: { increment: 1 },
      rotationWaitUntil: waitUntil,
      rotationGraceSeconds: waitUntil ? grace : null,
    },
  });
  const oauthAccess = await endRotatedOutTokens(tx, before.id, apiKey.secretVersion - 1, now, graceEndsAt);
  await endRevealLinks(tx, [before.id], now);
  const revealLink = input.delivery === 'REVEAL_LINK'
    ? await createRevealLink(tx, { tenantId: tenant.id, apiKeyId: apiKey.id, secretVersion: apiKey.secretVersion, keyText, ttlSeconds: input.revealLinkTtlSeconds, now })
    : undefined;
  await recordAudit(tx, ctx, {
    tenantId: tenant.id, action: 'key.rotated', targetType: 'ApiKey', targetId: before.id,
    // Named so: the audit drops any field whose name says "token".
    changes: {
      gracePeriodSeconds: grace,
      ...(waitUntil ? { graceStartsAt: 'FIRST_USE', waitUntil, graceEndsAt: null } : { graceEndsAt }),
      oauthAccess,
      ...(revealLink && { delivery: 'REVEAL_LINK', revealLinkId: revealLink.id, revealLinkExpiresAt: revealLink.expiresAt }),
    },
  });
  return { apiKey, secret: keyText, ...(revealLink && { revealLink }) };
}
