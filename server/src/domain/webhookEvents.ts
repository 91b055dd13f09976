// Webhook events are a projection of the audit trail: every audit event is looked up in ONE table
// below, from its action (and, for some, its `changes`) to the webhook event type it announces.
// An action the table does not know announces nothing, except to endpoints subscribed to the
// `audit.*` mirror, which receive every audit event as `audit.<action>`. So any feature that writes
// an audit event gets its webhook by adding a row here. Time-driven events (key.expiring,
// key.expired) are written as audit events by their job (services/webhooks/expiry.ts) and projected
// the same way.

export const WEBHOOK_EVENT_TYPES = [
  'key.created',
  'key.updated',
  'key.rotated',
  'key.disabled',
  'key.enabled',
  'key.revoked',
  'key.deleted',
  'key.expiring',
  'key.expired',
  'key.leaked',
  'key.rotation_completed',
  'key.used_from_new_network',
  'canary.triggered',
  'webhook.endpoint_disabled',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Subscribing to this receives every audit event, typed `audit.<action>`. */
export const AUDIT_MIRROR = 'audit.*';

/** What an endpoint may subscribe to: the event types above and the audit mirror. */
export const SUBSCRIBABLE_EVENT_TYPES: readonly string[] = [...WEBHOOK_EVENT_TYPES, AUDIT_MIRROR];

export const EVENT_TYPE_DESCRIPTIONS: Readonly<Record<WebhookEventType, string>> = {
  'key.created': 'A key was created.',
  'key.updated': 'A key\'s settings changed (not its status).',
  'key.rotated': 'A key got a new secret (the previous one may still work during a grace period).',
  'key.disabled': 'A key was disabled.',
  'key.enabled': 'A disabled key was enabled again.',
  'key.revoked': 'A key was revoked (final).',
  'key.deleted': 'A key was deleted.',
  'key.expiring': 'A key expires within one of the tenant\'s lead times (sent once per lead time).',
  'key.expired': 'A key reached its expiry.',
  'key.leaked': 'A key was reported as leaked.',
  'key.rotation_completed': 'A rotation\'s grace period ended: only the new secret works.',
  'key.used_from_new_network': 'A key was used from a network it had not used recently.',
  'canary.triggered': 'A canary key was presented.',
  'webhook.endpoint_disabled': 'A webhook endpoint was disabled after failing for too long.',
};

type Changes = Record<string, unknown> | null | undefined;
type Projection = WebhookEventType | ((changes: Changes) => WebhookEventType | null);

/** A status change written as a plain update: the event of the status reached. */
function statusEvent(changes: Changes): WebhookEventType | null {
  const status = changes?.status as { before?: unknown; after?: unknown } | undefined;
  switch (status?.after) {
    case 'DISABLED': return 'key.disabled';
    case 'REVOKED': return 'key.revoked';
    case 'ACTIVE': return status.before === 'DISABLED' ? 'key.enabled' : 'key.updated';
    default: return 'key.updated';
  }
}

/** THE mapping: audit action → webhook event type. */
export const AUDIT_ACTION_EVENTS: Readonly<Record<string, Projection>> = {
  'key.created': 'key.created',
  'key.updated': statusEvent,
  'key.rotated': 'key.rotated',
  'key.disabled': 'key.disabled',
  'key.enabled': 'key.enabled',
  'key.revoked': 'key.revoked',
  'key.deleted': 'key.deleted',
  'key.expiring': 'key.expiring',
  'key.expired': 'key.expired',
  'key.leaked': 'key.leaked',
  'key.rotation_completed': 'key.rotation_completed',
  'key.used_from_new_network': 'key.used_from_new_network',
  'canary.triggered': 'canary.triggered',
  'webhook.endpoint_disabled': 'webhook.endpoint_disabled',
};

/** The webhook event type an audit event announces, or null. */
export function webhookEventOf(action: string, changes: Changes): WebhookEventType | null {
  if (!Object.hasOwn(AUDIT_ACTION_EVENTS, action)) return null;
  const projection = AUDIT_ACTION_EVENTS[action]!;
  return typeof projection === 'function' ? projection(changes) : projection;
}

/** The subscriptions that receive an audit event: its mapped type, and the audit mirror. */
export function subscriptionsOf(action: string, changes: Changes): { type: string | null; mirror: string } {
  return { type: webhookEventOf(action, changes), mirror: `audit.${action}` };
}

/** An endpoint's subscription list: known types only, each once. Returns the problem or null. */
export function eventTypesProblem(types: readonly string[]): { index: number; message: string } | null {
  if (types.length === 0) return { index: 0, message: 'must name at least one event type' };
  const seen = new Set<string>();
  for (const [index, type] of types.entries()) {
    if (!SUBSCRIBABLE_EVENT_TYPES.includes(type)) {
      return { index, message: `Unknown event type "${type.slice(0, 60)}"; expected one of ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}` };
    }
    if (seen.has(type)) return { index, message: `"${type}" is listed twice` };
    seen.add(type);
  }
  return null;
}
