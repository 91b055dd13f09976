import { z } from 'zod';
import type { Context } from '../appTypes.ts';
import { afterCommit } from '../db/transaction.ts';
import type { ApiKey, Group, Member, Prisma, Role } from '../generated/prisma/client.ts';
import type { KeyStatus, StoredKeyStatus } from '../domain/access.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../domain/errors.ts';
import { expiryInstant, formatDuration, resolveExpiry } from '../domain/expiry.ts';
import { newId } from '../domain/ids.ts';
import { formatKey, DISPLAY_TAIL_LENGTH, PUBLIC_ID_PATTERN } from '@keywarden/sdk/key-format';
import { generatePublicId, generateSecret } from '../domain/keyFormat.ts';
import { roleScopes, scopeSet } from '../domain/scopes.ts';
import { hashSecret } from '../domain/secrets.ts';
import { textSearch } from './filters.ts';
import { descriptionInput, endpointList, nameInput, reasonInput, scopeList } from './inputs.ts';
import { diff, recordAudit, type Tx } from './audit.ts';
import { createIpRules, describeRules, ipRuleList, replaceIpRules } from './ipRules.ts';
import { assertMayGrant, tenantCaller } from './authorization.ts';
import { assertKnownScopes } from './scopes.ts';
import { isUniqueViolation, parseInput } from './validation.ts';

// ---------------------------------------------------------------------------------------------
// Input shapes shared by keys and groups

const MAX_METADATA_BYTES = 4096;
export const MAX_ROTATION_GRACE_SECONDS = 7 * 86_400;
const MAX_BULK_IDS = 1000;

const keyName = nameInput(100);
const description = descriptionInput(1000);
const reason = reasonInput;
/** An email address, or '' to clear it (on update). */
const contactEmail = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .refine((value) => value === '' || z.email().safeParse(value).success, 'must be an email address');
const metadata = z
  .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
  .refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_METADATA_BYTES, `must be at most ${MAX_METADATA_BYTES} bytes as JSON`);
const id = z.string().min(1, 'must not be empty');

const expiry = {
  expiresIn: z.string().nullish(),
  expiresAt: z.date().nullish(),
};

const createInput = z.object({
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
});

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
  })
  .superRefine((input, issue) => {
    if (input.removeFromGroup && input.groupId != null) {
      issue.addIssue({ code: 'custom', path: ['removeFromGroup'], message: 'Give groupId or removeFromGroup, not both' });
    }
    if (input.neverExpires && (input.expiresIn != null || input.expiresAt != null)) {
      issue.addIssue({ code: 'custom', path: ['neverExpires'], message: 'Give expiresIn, expiresAt or neverExpires, not several' });
    }
  });

const revokeInput = z.object({ id, reason });

const rotateInput = z.object({
  id,
  gracePeriodSeconds: z
    .number()
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(MAX_ROTATION_GRACE_SECONDS, `must be at most ${MAX_ROTATION_GRACE_SECONDS} seconds (7 days)`)
    .nullish(),
});

export type BulkKeyAction = 'DISABLE' | 'ENABLE' | 'REVOKE';

export interface KeyFilter {
  status?: KeyStatus | null;
  groupId?: string | null;
  ownerId?: string | null;
  scope?: string | null;
  expiringBefore?: Date | null;
  search?: string | null;
}

const bulkInput = z
  .object({
    ids: z.array(id).min(1, 'must name at least one key').max(MAX_BULK_IDS, `must name at most ${MAX_BULK_IDS} keys`).nullish(),
    filter: z.custom<KeyFilter>((value) => typeof value === 'object' && value !== null).nullish(),
    action: z.enum(['DISABLE', 'ENABLE', 'REVOKE']),
    reason: reason.nullish(),
  })
  .superRefine((input, issue) => {
    if ((input.ids == null) === (input.filter == null)) {
      issue.addIssue({ code: 'custom', path: ['ids'], message: 'Give either ids or filter' });
    }
    // An empty filter would select every key of the tenant: that must be asked for by name.
    if (input.filter && !Object.values(input.filter).some((v) => v != null && v !== '')) {
      issue.addIssue({ code: 'custom', path: ['filter'], message: 'must name at least one criterion' });
    }
    if (input.action === 'REVOKE' && input.reason == null) {
      issue.addIssue({ code: 'custom', path: ['reason'], message: 'is required to revoke' });
    }
  });

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Prisma conditions for the list filter. EXPIRED follows `isExpired` (domain/expiry.ts), compared
 * to the second: a key is expired once expiresAt is before the start of the next whole second.
 */
export function keyWhere(filter: KeyFilter | null | undefined, now: Date): Prisma.ApiKeyWhereInput {
  const conditions: Prisma.ApiKeyWhereInput[] = [];
  if (filter?.status) conditions.push(statusWhere(filter.status, now));
  if (filter?.groupId) conditions.push({ groupId: filter.groupId });
  if (filter?.ownerId) conditions.push({ ownerId: filter.ownerId });
  if (filter?.scope) conditions.push({ scopes: { has: filter.scope } });
  if (filter?.expiringBefore) conditions.push({ expiresAt: { lt: filter.expiringBefore } });
  if (filter?.search) conditions.push(textSearch(['name', 'description', 'publicId'], filter.search));
  return { AND: conditions };
}

/** A filter naming a group or owner the tenant does not have is NOT_FOUND, not an empty result. */
export async function assertFilterTargetsExist(db: Tx, filter: KeyFilter | null | undefined): Promise<void> {
  if (filter?.groupId != null && (await db.group.findUnique({ where: { id: filter.groupId }, select: { id: true } })) === null) {
    throw new NotFoundError('Group', filter.groupId);
  }
  if (filter?.ownerId != null && (await db.member.findUnique({ where: { id: filter.ownerId }, select: { id: true } })) === null) {
    throw new NotFoundError('Member', filter.ownerId);
  }
}

function statusWhere(status: KeyStatus, now: Date): Prisma.ApiKeyWhereInput {
  const nextSecond = new Date((Math.floor(now.getTime() / 1000) + 1) * 1000);
  switch (status) {
    case 'REVOKED':
      return { status: 'REVOKED' };
    case 'EXPIRED':
      return { status: { not: 'REVOKED' }, expiresAt: { lt: nextSecond } };
    default:
      return { status, OR: [{ expiresAt: null }, { expiresAt: { gte: nextSecond } }] };
  }
}

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

/** A key that may still change: found in the tenant and not revoked. */
async function loadChangeableKey(tx: Tx, keyId: string): Promise<ApiKey> {
  const key = await tx.apiKey.findUnique({ where: { id: keyId } });
  if (!key) throw new NotFoundError('ApiKey', keyId);
  if (key.status === 'REVOKED') throw new ConflictError('The key is revoked; a revoked key cannot be changed', 'id');
  return key;
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

/** The fields an audit event shows of a key: everything but secrets, hashes and usage counters. */
function auditView(key: ApiKey) {
  return {
    publicId: key.publicId, name: key.name, description: key.description, contactEmail: key.contactEmail,
    ownerId: key.ownerId, groupId: key.groupId, scopes: key.scopes, endpoints: key.endpoints,
    status: key.status, expiresAt: key.expiresAt, metadata: key.metadata,
  };
}

async function invalidateKeys(ctx: Context, tenantId: string, keyIds: string[]): Promise<void> {
  if (keyIds.length > 0) await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId, keyIds }));
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface IssuedKey {
  apiKey: ApiKey;
  /** The full key text: returned by this one response, never stored or shown again. */
  secret: string;
}

export async function createKey(ctx: Context, raw: unknown): Promise<IssuedKey> {
  const caller = tenantCaller(ctx);
  const input = parseInput(createInput, raw);
  const now = ctx.app.clock();
  const publicId = input.publicId ?? generatePublicId();
  const secret = generateSecret();
  // argon2 runs before the transaction so that no connection or lock waits on it.
  const secretHash = await hashSecret(secret, ctx.app.config.argon2);

  let issued: IssuedKey;
  try {
    issued = await ctx.db.$transaction(async (tx) => {
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

      const keyText = formatKey(tenant.keyPrefix, publicId, secret);
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
        },
      });
      const ipRules = input.ipRules ?? [];
      await createIpRules(tx, tenant.id, { apiKeyId: apiKey.id }, ipRules);
      await recordAudit(tx, ctx, {
        tenantId: tenant.id, action: 'key.created', targetType: 'ApiKey', targetId: apiKey.id,
        changes: { ...auditView(apiKey), ipRules: describeRules(ipRules) },
      });
      return { apiKey, secret: keyText };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`The public id "${publicId}" is already taken`, 'publicId');
    throw error;
  }
  await invalidateKeys(ctx, caller.tenantId, [issued.apiKey.id]);
  return issued;
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

    const updated = await tx.apiKey.update({
      where: { id: before.id },
      data: {
        ...(input.name != null && { name: input.name }),
        ...(input.description != null && { description: input.description }),
        ...(input.contactEmail != null && { contactEmail: input.contactEmail || null }),
        ...(ownerChanged && { ownerId: input.ownerId! }),
        ...(groupChanged && { groupId }),
        ...(input.scopes != null && { scopes }),
        ...(input.endpoints != null && { endpoints: input.endpoints }),
        ...(expiresAt !== undefined && { expiresAt }),
        ...(input.metadata != null && { metadata: input.metadata as Prisma.InputJsonObject }),
      },
    });
    const changes: Record<string, unknown> = diff(auditView(before), auditView(updated));
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

const STATUS_AFTER: Record<BulkKeyAction, StoredKeyStatus> = { DISABLE: 'DISABLED', ENABLE: 'ACTIVE', REVOKE: 'REVOKED' };
const STATUS_AUDIT_ACTION: Record<BulkKeyAction, string> = { DISABLE: 'key.disabled', ENABLE: 'key.enabled', REVOKE: 'key.revoked' };

/**
 * Applies a status action to keys inside the caller's transaction, one audit event per key that
 * actually changes. Revoked keys never change (callers decide whether that is an error); keys
 * already in the target status are left alone. Returns the ids changed.
 */
export async function changeKeyStatus(
  tx: Tx,
  ctx: Context,
  keys: readonly Pick<ApiKey, 'id' | 'status'>[],
  action: BulkKeyAction,
  options: { reason?: string | null; now: Date; context?: Record<string, unknown> },
): Promise<string[]> {
  const { tenantId } = tenantCaller(ctx);
  const status = STATUS_AFTER[action];
  const changing = keys.filter((key) => key.status !== 'REVOKED' && key.status !== status);
  if (changing.length === 0) return [];
  await tx.apiKey.updateMany({
    where: { id: { in: changing.map((key) => key.id) } },
    data: { status, ...(action === 'REVOKE' && { revokedAt: options.now, revokedReason: options.reason ?? null }) },
  });
  for (const key of changing) {
    await recordAudit(tx, ctx, {
      tenantId, action: STATUS_AUDIT_ACTION[action], targetType: 'ApiKey', targetId: key.id,
      changes: { status: { before: key.status, after: status }, ...(options.reason && { reason: options.reason }), ...options.context },
    });
  }
  return changing.map((key) => key.id);
}

/** Disable (reversible) or enable a key; a no-op when it already is. */
export async function setKeyEnabled(ctx: Context, keyId: string, enabled: boolean): Promise<ApiKey> {
  const { tenantId } = tenantCaller(ctx);
  const key = await ctx.db.$transaction(async (tx) => {
    const before = await loadChangeableKey(tx, keyId);
    await changeKeyStatus(tx, ctx, [before], enabled ? 'ENABLE' : 'DISABLE', { now: ctx.app.clock() });
    return tx.apiKey.findUniqueOrThrow({ where: { id: keyId } });
  });
  await invalidateKeys(ctx, tenantId, [key.id]);
  return key;
}

/** Final: a revoked key can never be enabled, rotated or changed again. */
export async function revokeKey(ctx: Context, raw: unknown): Promise<ApiKey> {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(revokeInput, raw);
  const key = await ctx.db.$transaction(async (tx) => {
    const before = await loadChangeableKey(tx, input.id);
    await changeKeyStatus(tx, ctx, [before], 'REVOKE', { reason: input.reason, now: ctx.app.clock() });
    return tx.apiKey.findUniqueOrThrow({ where: { id: input.id } });
  });
  await invalidateKeys(ctx, tenantId, [key.id]);
  return key;
}

/** Removes the key (its IP rules and tokens go with it); its audit history stays. */
export async function deleteKey(ctx: Context, keyId: string): Promise<string> {
  const { tenantId } = tenantCaller(ctx);
  await ctx.db.$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id: keyId } });
    if (!key) throw new NotFoundError('ApiKey', keyId);
    await tx.apiKey.delete({ where: { id: keyId } });
    await recordAudit(tx, ctx, { tenantId, action: 'key.deleted', targetType: 'ApiKey', targetId: keyId, changes: auditView(key) });
  });
  await invalidateKeys(ctx, tenantId, [keyId]);
  return keyId;
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
  const grace = input.gracePeriodSeconds ?? 0;
  const secret = generateSecret();
  const secretHash = await hashSecret(secret, ctx.app.config.argon2);
  const now = ctx.app.clock();
  const issued = await ctx.db.$transaction(async (tx) => {
    const before = await loadChangeableKey(tx, input.id);
    // The caller receives a working credential for this key, so must hold everything it can hold.
    assertMayGrant(ctx, before.scopes, "Rotating hands out the key's credential, which holds scopes the caller lacks");
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: caller.tenantId } });
    const keyText = formatKey(tenant.keyPrefix, before.publicId, secret);
    const graceEndsAt = grace > 0 ? new Date(now.getTime() + grace * 1000) : null;
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
      },
    });
    const oauthAccess = await endRotatedOutTokens(tx, before.id, apiKey.secretVersion - 1, now, graceEndsAt);
    await recordAudit(tx, ctx, {
      tenantId: tenant.id, action: 'key.rotated', targetType: 'ApiKey', targetId: before.id,
      // Named so: the audit drops any field whose name says "token".
      changes: { gracePeriodSeconds: grace, graceEndsAt, oauthAccess },
    });
    return { apiKey, secret: keyText };
  });
  await invalidateKeys(ctx, caller.tenantId, [issued.apiKey.id]);
  return issued;
}

/**
 * The live access tokens of a key's secrets that a rotation replaces: those of `rotatedOut` end
 * at the grace's end (cut to the whole second, as token expiries are kept) or, without a grace,
 * now; those of older secrets, whose grace this rotation ends, now. Issuing locks the key's row
 * (accessTokens.ts), so no token of these secrets is written after this runs. Returns how many
 * were revoked and cut, for the audit event.
 */
async function endRotatedOutTokens(tx: Tx, keyId: string, rotatedOut: number, now: Date, graceEndsAt: Date | null) {
  const live = { apiKeyId: keyId, revokedAt: null, expiresAt: { gt: now } };
  const revoked = await tx.accessToken.updateMany({
    where: { ...live, secretVersion: graceEndsAt ? { lt: rotatedOut } : { lte: rotatedOut } },
    data: { revokedAt: now },
  });
  if (graceEndsAt === null) return { revoked: revoked.count };
  const graceEnd = new Date(expiryInstant(graceEndsAt));
  const cut = await tx.accessToken.updateMany({
    where: { ...live, secretVersion: rotatedOut, expiresAt: { gt: graceEnd } },
    data: { expiresAt: graceEnd },
  });
  return { revoked: revoked.count, cutToGraceEnd: cut.count };
}

/**
 * Disable, enable or revoke many keys in one transaction. Named ids must all exist in the tenant
 * (else NOT_FOUND and nothing changes); enabling a named revoked key is a conflict. A filter
 * simply passes over revoked keys.
 */
export async function bulkUpdateKeys(ctx: Context, raw: unknown): Promise<{ count: number; keyIds: string[] }> {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(bulkInput, raw);
  const now = ctx.app.clock();
  const keyIds = await ctx.db.$transaction(async (tx) => {
    let keys: Pick<ApiKey, 'id' | 'status'>[];
    if (input.ids) {
      const ids = [...new Set(input.ids)];
      keys = await tx.apiKey.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
      const found = new Set(keys.map((key) => key.id));
      const missing = ids.filter((keyId) => !found.has(keyId));
      if (missing.length > 0) throw new NotFoundError('ApiKey', missing.join(', '));
      const revoked = keys.filter((key) => key.status === 'REVOKED');
      if (input.action === 'ENABLE' && revoked.length > 0) {
        throw new ConflictError(`Revoked keys cannot be enabled: ${revoked.map((key) => key.id).join(', ')}`, 'ids');
      }
    } else {
      await assertFilterTargetsExist(tx, input.filter);
      keys = await tx.apiKey.findMany({ where: keyWhere(input.filter, now), select: { id: true, status: true } });
    }
    const changed = await changeKeyStatus(tx, ctx, keys, input.action, { reason: input.reason, now, context: { bulk: true } });
    await recordAudit(tx, ctx, {
      tenantId, action: 'keys.bulkUpdated', targetType: 'ApiKey',
      changes: { action: input.action, count: changed.length, keyIds: changed, ...(input.reason && { reason: input.reason }), ...(input.filter && { filter: input.filter }) },
    });
    return changed;
  });
  await invalidateKeys(ctx, tenantId, keyIds);
  return { count: keyIds.length, keyIds };
}
