import { z } from 'zod';
import type { Context } from '../../appTypes.ts';
import type { WebhookDelivery, WebhookEndpoint } from '../../generated/prisma/client.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { eventTypesProblem } from '../../domain/webhookEvents.ts';
import { generateWebhookSecret } from '../../domain/webhookSigning.ts';
import { targetUrlProblem } from '../../domain/webhookTargets.ts';
import { recordAudit, type Tx } from '../audit.ts';
import { tenantCaller } from '../authorization.ts';
import { descriptionInput } from '../inputs.ts';
import { parseInput } from '../validation.ts';
import { sealSecret } from './secretKey.ts';

// A tenant's webhook endpoints: create (the secret is answered once), update, pause and resume,
// rotate the secret (the previous one keeps signing during an overlap), delete, redeliver.
// Every change is audited, without the secret; every read goes through the tenant's client.

export const WEBHOOKS_READ_SCOPE = 'webhooks:read';
export const WEBHOOKS_WRITE_SCOPE = 'webhooks:write';

const MAX_ENDPOINTS_PER_TENANT = 50;
const DEFAULT_OVERLAP_SECONDS = 86_400;
const MAX_OVERLAP_SECONDS = 7 * 86_400;
const MAX_LEAD_TIMES = 10;
const MAX_LEAD_SECONDS = 365 * 86_400;

const idInput = z.string();
const eventTypes = z.array(z.string()).max(30, 'must have at most 30 event types').superRefine((types, issue) => {
  const problem = eventTypesProblem(types);
  if (problem) issue.addIssue({ code: 'custom', path: [problem.index], message: problem.message });
});

const createInput = z.object({
  url: z.string().trim(),
  description: descriptionInput(500).nullish(),
  eventTypes,
});

const updateInput = z.object({
  id: idInput,
  url: z.string().trim().nullish(),
  description: descriptionInput(500).nullish(),
  eventTypes: eventTypes.nullish(),
});

const rotateInput = z.object({
  id: idInput,
  overlapSeconds: z.number().int().min(0).max(MAX_OVERLAP_SECONDS, `must be at most ${MAX_OVERLAP_SECONDS} (7 days)`).nullish(),
});

const leadTimesInput = z.object({
  leadTimesSeconds: z
    .array(z.number().int().min(60, 'must be at least 60 seconds').max(MAX_LEAD_SECONDS, 'must be at most 365 days'))
    .max(MAX_LEAD_TIMES, `must have at most ${MAX_LEAD_TIMES} lead times`)
    .transform((values) => [...new Set(values)].sort((a, b) => b - a)),
});

/** What the API and the audit trail show of an endpoint: never a secret. */
export function endpointView(endpoint: WebhookEndpoint) {
  return { url: endpoint.url, description: endpoint.description, eventTypes: endpoint.eventTypes, status: endpoint.status };
}

function checkUrl(ctx: Context, url: string, path: (string | number)[]): void {
  const { requireHttps, allowedCidrs } = ctx.app.config.webhooks;
  const problem = targetUrlProblem(url, { requireHttps, allowed: allowedCidrs });
  if (problem) throw ValidationError.field(path, problem);
}

async function loadEndpoint(tx: Tx, id: string): Promise<WebhookEndpoint> {
  const endpoint = await tx.webhookEndpoint.findUnique({ where: { id } });
  if (!endpoint) throw new NotFoundError('WebhookEndpoint', id);
  return endpoint;
}

export async function createWebhookEndpoint(ctx: Context, raw: unknown): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(createInput, raw);
  checkUrl(ctx, input.url, ['input', 'url']);
  const secret = generateWebhookSecret();
  const secretCiphertext = await sealSecret(ctx.app, ctx.unscoped, secret);
  const endpoint = await ctx.db.$transaction(async (tx) => {
    const count = await tx.webhookEndpoint.count({ where: { tenantId } });
    if (count >= MAX_ENDPOINTS_PER_TENANT) throw new ConflictError(`A tenant has at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints`);
    const created = await tx.webhookEndpoint.create({
      data: { id: newId('whk'), tenantId, url: input.url, description: input.description ?? '', eventTypes: input.eventTypes, secretCiphertext },
    });
    await recordAudit(tx, ctx, { tenantId, action: 'webhook.created', targetType: 'WebhookEndpoint', targetId: created.id, changes: endpointView(created) });
    return created;
  });
  return { endpoint, secret };
}

export async function updateWebhookEndpoint(ctx: Context, raw: unknown): Promise<WebhookEndpoint> {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(updateInput, raw);
  if (input.url != null) checkUrl(ctx, input.url, ['input', 'url']);
  return ctx.db.$transaction(async (tx) => {
    const before = await loadEndpoint(tx, input.id);
    const after = await tx.webhookEndpoint.update({
      where: { id: before.id },
      data: {
        ...(input.url != null && { url: input.url }),
        ...(input.description != null && { description: input.description }),
        ...(input.eventTypes != null && { eventTypes: input.eventTypes }),
      },
    });
    await recordAudit(tx, ctx, {
      tenantId, action: 'webhook.updated', targetType: 'WebhookEndpoint', targetId: before.id,
      changes: changed(endpointView(before), endpointView(after)),
    });
    return after;
  });
}

function changed(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { before: unknown; after: unknown }> {
  return Object.fromEntries(
    Object.keys(after)
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
      .map((k) => [k, { before: before[k], after: after[k] }]),
  );
}

export async function deleteWebhookEndpoint(ctx: Context, id: string): Promise<string> {
  const { tenantId } = tenantCaller(ctx);
  await ctx.db.$transaction(async (tx) => {
    const endpoint = await loadEndpoint(tx, id);
    await tx.webhookEndpoint.delete({ where: { id } });
    await recordAudit(tx, ctx, { tenantId, action: 'webhook.deleted', targetType: 'WebhookEndpoint', targetId: id, changes: endpointView(endpoint) });
  });
  return id;
}

/** Pause: events are kept and sent on resume. Resume also brings back a disabled endpoint. */
export async function setWebhookEndpointPaused(ctx: Context, id: string, paused: boolean): Promise<WebhookEndpoint> {
  const { tenantId } = tenantCaller(ctx);
  return ctx.db.$transaction(async (tx) => {
    const before = await loadEndpoint(tx, id);
    const status = paused ? 'PAUSED' : 'ACTIVE';
    if (before.status === status) return before;
    const after = await tx.webhookEndpoint.update({
      where: { id },
      data: { status, ...(!paused && { failingSince: null, disabledReason: null }) },
    });
    // Held deliveries go out now rather than at their old retry time.
    if (!paused) await tx.webhookDelivery.updateMany({ where: { endpointId: id, status: 'PENDING' }, data: { nextAttemptAt: ctx.app.clock() } });
    await recordAudit(tx, ctx, {
      tenantId, action: paused ? 'webhook.paused' : 'webhook.resumed', targetType: 'WebhookEndpoint', targetId: id,
      changes: { status: { before: before.status, after: status } },
    });
    return after;
  });
}

/** A new secret, answered once; the previous one keeps signing (both signatures sent) for the overlap. */
export async function rotateWebhookSecret(ctx: Context, raw: unknown): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(rotateInput, raw);
  const overlap = input.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
  const secret = generateWebhookSecret();
  const secretCiphertext = await sealSecret(ctx.app, ctx.unscoped, secret);
  const now = ctx.app.clock();
  const endpoint = await ctx.db.$transaction(async (tx) => {
    const before = await loadEndpoint(tx, input.id);
    const overlapEndsAt = overlap > 0 ? new Date(now.getTime() + overlap * 1000) : null;
    const after = await tx.webhookEndpoint.update({
      where: { id: before.id },
      data: {
        secretCiphertext,
        previousSecretCiphertext: overlapEndsAt ? before.secretCiphertext : null,
        previousSecretExpiresAt: overlapEndsAt,
        secretRotatedAt: now,
      },
    });
    await recordAudit(tx, ctx, {
      tenantId, action: 'webhook.rotated', targetType: 'WebhookEndpoint', targetId: before.id,
      changes: { overlapSeconds: overlap, overlapEndsAt },
    });
    return after;
  });
  return { endpoint, secret };
}

/** Sends a delivery again (whatever its status): a fresh set of attempts, the same webhook-id. */
export async function redeliverWebhook(ctx: Context, deliveryId: string): Promise<WebhookDelivery> {
  const { tenantId } = tenantCaller(ctx);
  return ctx.db.$transaction(async (tx) => {
    const delivery = await tx.webhookDelivery.findUnique({ where: { id: deliveryId } });
    if (!delivery) throw new NotFoundError('WebhookDelivery', deliveryId);
    const after = await tx.webhookDelivery.update({
      where: { id: deliveryId },
      data: { status: 'PENDING', attempts: 0, nextAttemptAt: ctx.app.clock(), lockedUntil: null, claimToken: null },
    });
    await recordAudit(tx, ctx, {
      tenantId, action: 'webhook.redelivered', targetType: 'WebhookDelivery', targetId: deliveryId,
      changes: { endpointId: delivery.endpointId, eventType: delivery.eventType, status: { before: delivery.status, after: 'PENDING' } },
    });
    return after;
  });
}

/** The tenant's `key.expiring` lead times (seconds before expiry), largest first. */
export async function setWebhookExpiryLeadTimes(ctx: Context, raw: unknown): Promise<number[]> {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(leadTimesInput, raw);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { webhookExpiryLeadSeconds: true } });
    await tx.tenant.update({ where: { id: tenantId }, data: { webhookExpiryLeadSeconds: input.leadTimesSeconds } });
    await recordAudit(tx, ctx, {
      tenantId, action: 'tenant.webhookSettingsUpdated', targetType: 'Tenant', targetId: tenantId,
      changes: { expiryLeadSeconds: { before: before.webhookExpiryLeadSeconds, after: input.leadTimesSeconds } },
    });
    return input.leadTimesSeconds;
  });
}
