import { z } from 'zod';
import type { Context } from '../appTypes.ts';
import { afterCommit } from '../db/transaction.ts';
import { ConflictError, NotFoundError, ValidationError, foundOr } from '../domain/errors.ts';
import { KEY_PREFIX_PATTERN } from '@keywarden/sdk/key-format';
import { recordAudit, diff } from './audit.ts';
import { createTenantWithRoles } from './tenantSetup.ts';
import { MAX_TOKEN_TTL_SECONDS } from './accessTokens.ts';
import { nameInput } from './inputs.ts';
import { orConflict, parseInput } from './validation.ts';

const name = nameInput(100);
const slug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, 'must be 1-48 lowercase letters, digits or dashes, not starting or ending with a dash');
const keyPrefix = z.string().regex(KEY_PREFIX_PATTERN, 'must be 2-12 lowercase letters or digits, starting with a letter');
const seconds = (max: number) => z.number().int('must be a whole number').min(60, 'must be at least 60 seconds').max(max, `must be at most ${max} seconds`);

const createInput = z.object({ name, slug, keyPrefix: keyPrefix.nullish() });

const settingsInput = z.object({
  id: z.string(),
  name: name.nullish(),
  apiEnabled: z.boolean().nullish(),
  keyPrefix: keyPrefix.nullish(),
  maxKeyLifetimeSeconds: seconds(10 * 365 * 86400).nullish(),
  clearMaxKeyLifetime: z.boolean().nullish(),
  defaultTokenTtlSeconds: seconds(MAX_TOKEN_TTL_SECONDS).nullish(),
  maxTokenTtlSeconds: seconds(MAX_TOKEN_TTL_SECONDS).nullish(),
  allowQueryParamKey: z.boolean().nullish(),
  auditRetentionDays: z.number().int().min(1).max(36500).nullish(),
  leakedKeyPolicy: z.enum(['REVOKE', 'DISABLE', 'NOTIFY']).nullish(),
});

/** Platform operator: a new tenant with its built-in roles. */
export async function createTenant(ctx: Context, raw: unknown) {
  const input = parseInput(createInput, raw);
  return orConflict(ctx.db.$transaction(async (tx) => {
    const tenant = await createTenantWithRoles(tx, { name: input.name, slug: input.slug, keyPrefix: input.keyPrefix ?? undefined });
    await recordAudit(tx, ctx, { tenantId: tenant.id, action: 'tenant.created', targetType: 'Tenant', targetId: tenant.id, changes: { name: tenant.name, slug: tenant.slug, keyPrefix: tenant.keyPrefix } });
    return tenant;
  }), () => new ConflictError(`A tenant with slug "${input.slug}" already exists`, 'slug'));
}

/** Rename and settings: the platform operator, or a tenant:admin of that tenant (ctx.db confines it). */
export async function updateTenant(ctx: Context, raw: unknown) {
  const input = parseInput(settingsInput, raw);
  const tenant = await ctx.db.$transaction(async (tx) => {
    const before = await foundOr(tx.tenant.findUnique({ where: { id: input.id } }), 'Tenant', input.id);
    const data = {
      ...(input.name != null && { name: input.name }),
      ...(input.apiEnabled != null && { apiEnabled: input.apiEnabled }),
      ...(input.keyPrefix != null && { keyPrefix: input.keyPrefix }),
      ...(input.maxKeyLifetimeSeconds != null && { maxKeyLifetimeSeconds: input.maxKeyLifetimeSeconds }),
      ...(input.clearMaxKeyLifetime && { maxKeyLifetimeSeconds: null }),
      ...(input.defaultTokenTtlSeconds != null && { defaultTokenTtlSeconds: input.defaultTokenTtlSeconds }),
      ...(input.maxTokenTtlSeconds != null && { maxTokenTtlSeconds: input.maxTokenTtlSeconds }),
      ...(input.allowQueryParamKey != null && { allowQueryParamKey: input.allowQueryParamKey }),
      ...(input.auditRetentionDays != null && { auditRetentionDays: input.auditRetentionDays }),
      ...(input.leakedKeyPolicy != null && { leakedKeyPolicy: input.leakedKeyPolicy }),
    };
    const tokenTtls = { ...before, ...data };
    if (tokenTtls.defaultTokenTtlSeconds > tokenTtls.maxTokenTtlSeconds) {
      // Keys and groups asking for more than a lowered maximum are cut to it when a token is issued.
      throw ValidationError.field(
        ['input', input.defaultTokenTtlSeconds != null ? 'defaultTokenTtlSeconds' : 'maxTokenTtlSeconds'],
        `The default token lifetime (${tokenTtls.defaultTokenTtlSeconds} s) must not exceed the maximum (${tokenTtls.maxTokenTtlSeconds} s)`,
      );
    }
    const after = await tx.tenant.update({ where: { id: input.id }, data });
    await recordAudit(tx, ctx, { tenantId: after.id, action: 'tenant.updated', targetType: 'Tenant', targetId: after.id, changes: diff(before, after) });
    return after;
  });
  // apiEnabled and the query-parameter setting change verdicts of every key of the tenant.
  await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId: tenant.id }));
  return tenant;
}

/** Platform operator: a suspended tenant's every credential is refused. */
export async function setTenantStatus(ctx: Context, id: string, status: 'ACTIVE' | 'SUSPENDED') {
  const tenant = await ctx.db.$transaction(async (tx) => {
    const before = await tx.tenant.findUnique({ where: { id } });
    if (!before) throw new NotFoundError('Tenant', id);
    const after = await tx.tenant.update({ where: { id }, data: { status } });
    if (before.status !== status) {
      await recordAudit(tx, ctx, { tenantId: id, action: status === 'SUSPENDED' ? 'tenant.suspended' : 'tenant.resumed', targetType: 'Tenant', targetId: id });
    }
    return after;
  });
  await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId: id }));
  return tenant;
}
