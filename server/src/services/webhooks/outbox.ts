import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { newId } from '../../domain/ids.ts';
import { AUDIT_MIRROR, subscriptionsOf } from '../../domain/webhookEvents.ts';

// The outbox: webhook deliveries are rows written in the transaction of the change they announce
// (recordAudit calls enqueueAuditWebhooks), one per subscribed endpoint, so a committed change
// always has its deliveries and a rolled-back one never does. The worker (worker.ts) sends them.

type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** The fields of an audit event a webhook payload carries. */
export interface AuditEventForWebhook {
  id: string;
  tenantId: string;
  seq: number;
  action: string;
  actorType: string;
  actorId: string | null;
  actorPublicId: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  changes: unknown;
  createdAt: Date;
}

/** Endpoints that hold or deliver new events; a DISABLED one receives none until resumed. */
const RECEIVING = ['ACTIVE', 'PAUSED'] as const;

/** Writes the deliveries one audit event causes: its mapped event type and the audit mirror. */
export async function enqueueAuditWebhooks(tx: Tx, event: AuditEventForWebhook): Promise<number> {
  const { type, mirror } = subscriptionsOf(event.action, event.changes as Record<string, unknown> | null);
  const wanted = type === null ? [AUDIT_MIRROR] : [type, AUDIT_MIRROR];
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { tenantId: event.tenantId, status: { in: [...RECEIVING] }, eventTypes: { hasSome: wanted } },
    select: { id: true, eventTypes: true },
    orderBy: { id: 'asc' },
  });
  if (endpoints.length === 0) return 0;
  const rows: Prisma.WebhookDeliveryCreateManyInput[] = [];
  for (const endpoint of endpoints) {
    if (type !== null && endpoint.eventTypes.includes(type)) rows.push(deliveryRow(event, endpoint.id, type));
    if (endpoint.eventTypes.includes(AUDIT_MIRROR)) rows.push(deliveryRow(event, endpoint.id, mirror));
  }
  await tx.webhookDelivery.createMany({ data: rows });
  return rows.length;
}

function deliveryRow(event: AuditEventForWebhook, endpointId: string, eventType: string): Prisma.WebhookDeliveryCreateManyInput {
  return {
    id: newId('msg'),
    tenantId: event.tenantId,
    endpointId,
    eventType,
    auditEventId: event.id,
    payload: JSON.stringify(webhookPayload(eventType, event)),
    nextAttemptAt: event.createdAt,
    createdAt: event.createdAt,
  };
}

/** The Standard Webhooks body: { type, timestamp, data }. */
export function webhookPayload(type: string, event: AuditEventForWebhook) {
  return {
    type,
    timestamp: event.createdAt.toISOString(),
    data: {
      tenantId: event.tenantId,
      auditEventId: event.id,
      auditSeq: event.seq,
      action: event.action,
      target: event.targetType === null ? null : { type: event.targetType, id: event.targetId },
      actor: { type: event.actorType, id: event.actorId, publicId: event.actorPublicId },
      ip: event.ip,
      userAgent: event.userAgent,
      requestId: event.requestId,
      changes: event.changes ?? null,
    },
  };
}
