import { randomUUID } from 'node:crypto';
import type { App } from '../../appTypes.ts';
import type { WebhookDelivery, WebhookEndpoint } from '../../generated/prisma/client.ts';
import { newId } from '../../domain/ids.ts';
import { signWebhook } from '../../domain/webhookSigning.ts';
import { recordAudit, systemActor } from '../audit.ts';
import { sendKeyExpiryEvents } from './expiry.ts';
import { postWebhook, type PostResult } from './http.ts';
import { openSecret } from './secretKey.ts';

// The delivery worker, one per server instance: it claims due outbox rows, POSTs them signed, and
// records each attempt. A claim is a lease (`lockedUntil`, `claimToken`) taken with
// `FOR UPDATE SKIP LOCKED`, so on PostgreSQL several instances never take the same row; a worker
// that dies mid-delivery leaves a lease that simply runs out, and the row is sent again (at least
// once: receivers dedupe on `webhook-id`). Only the holder of the claim records the outcome.
//
// Failed attempts are retried with exponential backoff and jitter (5 s, 20 s, 80 s, … up to a
// day) until `maxAttempts`; then the delivery is FAILED (redeliverWebhook sends it again). An
// endpoint whose attempts all failed for `disableAfterDays` is disabled, with an audit event
// (`webhook.endpoint_disabled`, itself announced to the tenant's other endpoints).

const DAY_MS = 86_400_000;
const FIRST_RETRY_MS = 5_000;
const RETRY_FACTOR = 4;
const MAX_RETRY_MS = DAY_MS;
/** A claim outlives the attempt's timeout by this much. */
const LEASE_MARGIN_MS = 30_000;

export interface WebhookWorkerOptions {
  /** How often due deliveries are looked for; null: never by itself (tests call `runOnce`). */
  pollIntervalMs: number | null;
  /** How often time-driven events (key.expiring, key.expired) are looked for; null: never by itself. */
  expiryIntervalMs: number | null;
  /** Deliveries claimed (and sent concurrently) per round. */
  batchSize: number;
}

export const DEFAULT_WEBHOOK_WORKER_OPTIONS: WebhookWorkerOptions = { pollIntervalMs: 1_000, expiryIntervalMs: 60_000, batchSize: 10 };

/** What the app holds of its worker (appTypes.ts defines it, so neither imports the other). */
export type WebhookWorker = App['webhooks'];

/** The wait before attempt `attempt + 1`, after `attempt` failed ones (±20% jitter, at most a day). */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * RETRY_FACTOR ** Math.max(0, attempt - 1));
  return Math.min(MAX_RETRY_MS, Math.round(base * (0.8 + 0.4 * random())));
}

type Claimed = WebhookDelivery & { endpoint: WebhookEndpoint };

/** Claims up to `limit` due deliveries of active endpoints for `leaseMs`. */
export async function claimDueDeliveries(app: App, limit: number, token: string): Promise<Claimed[]> {
  const now = app.clock();
  const leaseUntil = new Date(now.getTime() + app.config.webhooks.timeoutMs + LEASE_MARGIN_MS);
  const at = now.toISOString();
  return app.db.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT d."id" FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e."id" = d."endpointId"
      WHERE d."status" = 'PENDING' AND e."status" = 'ACTIVE'
        AND d."nextAttemptAt" <= (${at}::timestamptz AT TIME ZONE 'UTC')
        AND (d."lockedUntil" IS NULL OR d."lockedUntil" <= (${at}::timestamptz AT TIME ZONE 'UTC'))
      ORDER BY d."nextAttemptAt", d."id"
      LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED`;
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    await tx.webhookDelivery.updateMany({ where: { id: { in: ids } }, data: { lockedUntil: leaseUntil, claimToken: token } });
    return tx.webhookDelivery.findMany({ where: { id: { in: ids } }, include: { endpoint: true }, orderBy: { nextAttemptAt: 'asc' } });
  });
}

/** Signs and sends one claimed delivery, then records the attempt (if the claim is still ours). */
async function attempt(app: App, delivery: Claimed, token: string, signal: AbortSignal): Promise<void> {
  const { endpoint } = delivery;
  const config = app.config.webhooks;
  const now = app.clock();
  const secrets = [await openSecret(app, app.db.prisma, endpoint.secretCiphertext)];
  if (endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    secrets.push(await openSecret(app, app.db.prisma, endpoint.previousSecretCiphertext));
  }
  // webhook-timestamp is the real time of sending: receivers compare it with their own clock.
  const headers = signWebhook(secrets, delivery.id, new Date(), delivery.payload);
  const startedAt = now;
  const result = await postWebhook(endpoint.url, { ...headers }, delivery.payload, {
    timeoutMs: config.timeoutMs, requireHttps: config.requireHttps, allowed: config.allowedCidrs, signal,
  });
  if (signal.aborted) {
    // Shutting down: not the receiver's failure. Hand the row back for another instance.
    await app.db.prisma.webhookDelivery.updateMany({ where: { id: delivery.id, claimToken: token }, data: { lockedUntil: null, claimToken: null } });
    return;
  }
  await recordAttempt(app, delivery, token, startedAt, result);
}

async function recordAttempt(app: App, delivery: Claimed, token: string, startedAt: Date, result: PostResult): Promise<void> {
  const config = app.config.webhooks;
  const now = app.clock();
  const attempts = delivery.attempts + 1;
  await app.db.prisma.$transaction(async (tx) => {
    const outcome = result.ok
      ? { status: 'DELIVERED' as const, deliveredAt: now }
      : attempts >= config.maxAttempts
        ? { status: 'FAILED' as const }
        : { status: 'PENDING' as const, nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)) };
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, claimToken: token },
      data: {
        ...outcome, attempts, lockedUntil: null, claimToken: null,
        lastAttemptAt: startedAt, lastResponseStatus: result.status, lastError: result.error,
      },
    });
    // Our claim ran out and another worker took the row: the attempt happened, its outcome is theirs.
    await tx.webhookAttempt.create({
      data: {
        id: newId('wha'), tenantId: delivery.tenantId, deliveryId: delivery.id, attempt: attempts, startedAt,
        durationMs: result.durationMs, responseStatus: result.status, error: result.error, responseBody: result.body || null,
      },
    });
    if (count === 0) return;
    const endpoint = await tx.webhookEndpoint.findUnique({ where: { id: delivery.endpointId } });
    if (!endpoint) return;
    if (result.ok) {
      if (endpoint.failingSince) await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { failingSince: null } });
      return;
    }
    if (!endpoint.failingSince) {
      await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { failingSince: now } });
      return;
    }
    const failingDays = (now.getTime() - endpoint.failingSince.getTime()) / DAY_MS;
    if (failingDays >= config.disableAfterDays && endpoint.status === 'ACTIVE') {
      const reason = `every delivery failed for ${config.disableAfterDays} days (last: ${result.error ?? 'no answer'})`.slice(0, 500);
      // Attempts to the same endpoint run concurrently: only the one that disables it audits it.
      const { count: disabled } = await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, status: 'ACTIVE' }, data: { status: 'DISABLED', disabledReason: reason } });
      if (disabled === 0) return;
      await recordAudit(tx, systemActor('webhooks'), {
        tenantId: endpoint.tenantId, action: 'webhook.endpoint_disabled', targetType: 'WebhookEndpoint', targetId: endpoint.id,
        changes: { url: endpoint.url, failingSince: endpoint.failingSince, reason, status: { before: 'ACTIVE', after: 'DISABLED' } },
      });
    }
  });
}

export function startWebhookWorker(app: App, overrides: Partial<WebhookWorkerOptions> = {}): WebhookWorker {
  const options = { ...DEFAULT_WEBHOOK_WORKER_OPTIONS, ...overrides };
  const token = `${randomUUID()}`;
  const controller = new AbortController();
  let stopped = false;

  const runOnce = async (): Promise<number> => {
    if (stopped) return 0;
    const claimed = await claimDueDeliveries(app, options.batchSize, `${token}:${randomUUID()}`);
    await Promise.all(claimed.map((delivery) =>
      attempt(app, delivery, delivery.claimToken!, controller.signal).catch((error) =>
        app.logger.error({ err: error, deliveryId: delivery.id }, 'webhook delivery attempt could not be recorded'),
      ),
    ));
    return claimed.length;
  };
  const runExpiry = () => (stopped ? Promise.resolve(0) : sendKeyExpiryEvents(app));

  const loops = new Set<Promise<unknown>>();
  const timers: NodeJS.Timeout[] = [];
  let deliverNow: (() => void) | null = null;
  const every = (intervalMs: number | null, run: () => Promise<number>, what: string) => {
    if (intervalMs === null) return;
    let running: Promise<unknown> | null = null;
    // Asked for while a round ran (which may have claimed before the new event committed): once more.
    let again = false;
    const tick = () => {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      const round: Promise<unknown> = (async () => {
        // A full batch: more may be due, go on at once.
        while (!stopped && (await run()) >= options.batchSize && what === 'delivery');
      })()
        .catch((error) => app.logger.error({ err: error }, `webhook ${what} round failed`))
        .finally(() => {
          running = null;
          loops.delete(round);
          if (again) {
            again = false;
            tick();
          }
        });
      running = round;
      loops.add(round);
    };
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    timers.push(timer);
    if (what === 'delivery') deliverNow = tick;
  };
  every(options.pollIntervalMs, runOnce, 'delivery');
  every(options.expiryIntervalMs, runExpiry, 'expiry');

  return {
    runOnce,
    runExpiry,
        nudge: () => deliverNow?.(),
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      controller.abort();
      await Promise.allSettled(loops);
    },
  };
}
