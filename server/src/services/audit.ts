import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Caller, RequestInfo } from '../context.ts';
import { newId } from '../domain/ids.ts';
import { sha256Hex } from '../domain/secrets.ts';

/** A transaction client (or the client itself): audit events are written in the change's transaction. */
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export interface AuditEntry {
  tenantId: string;
  action: string;
  targetType?: string;
  targetId?: string;
  /** Changed fields; anything that looks like a secret or hash is dropped before writing. */
  changes?: Record<string, unknown>;
}

export interface AuditActor {
  caller: Caller;
  request: RequestInfo;
}

// Serialises writers per tenant so each event links to the one before it.
const GENESIS_HASH = '0'.repeat(64);
const SECRET_FIELD = /secret|hash|password|token|credential/i;

/** Appends one event to the tenant's hash chain. Call inside the transaction that makes the change. */
export async function recordAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`audit:${entry.tenantId}`}))`;
  const last = await tx.auditEvent.findFirst({
    where: { tenantId: entry.tenantId },
    orderBy: { seq: 'desc' },
    select: { seq: true, hash: true },
  });
  const event = {
    id: newId('aud'),
    tenantId: entry.tenantId,
    seq: (last?.seq ?? 0) + 1,
    ...actorFields(actor.caller),
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    ip: actor.request.ip,
    userAgent: actor.request.userAgent,
    requestId: actor.request.id,
    changes: entry.changes ? (stripSecrets(entry.changes) as object) : undefined,
    createdAt: new Date(),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await tx.auditEvent.create({ data: { ...event, hash: auditHash(event) } });
}

/** The hash of an event's content and its predecessor's hash: editing any field breaks the chain. */
export function auditHash(event: {
  tenantId: string; seq: number; actorType: string; actorId: string | null; actorPublicId: string | null;
  action: string; targetType: string | null; targetId: string | null; ip: string | null; userAgent: string | null;
  requestId: string | null; changes?: unknown; createdAt: Date; prevHash: string;
}): string {
  const content = canonicalJson({ ...event, id: undefined, hash: undefined, changes: event.changes ?? null, createdAt: event.createdAt.toISOString() });
  return sha256Hex(`${event.prevHash}\n${content}`);
}

function actorFields(caller: Caller): { actorType: 'PLATFORM' | 'MEMBER' | 'API_KEY' | 'ACCESS_TOKEN' | 'SYSTEM'; actorId: string | null; actorPublicId: string | null } {
  switch (caller.kind) {
    case 'platform': return { actorType: 'PLATFORM', actorId: caller.credentialId, actorPublicId: null };
    case 'member': return { actorType: 'MEMBER', actorId: caller.memberId, actorPublicId: null };
    case 'apiKey': return { actorType: 'API_KEY', actorId: caller.keyId, actorPublicId: caller.publicId };
    case 'accessToken': return { actorType: 'ACCESS_TOKEN', actorId: caller.tokenId, actorPublicId: null };
    case 'anonymous': return { actorType: 'SYSTEM', actorId: null, actorPublicId: null };
  }
}

function stripSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).filter(([k]) => !SECRET_FIELD.test(k)).map(([k, v]) => [k, stripSecrets(v)]),
    );
  }
  return value;
}

function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Field-by-field before/after of what an update changed. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(after)) {
    if (SECRET_FIELD.test(key) || key === 'updatedAt') continue;
    if (canonicalJson(stripSecrets(before[key])) !== canonicalJson(stripSecrets(after[key]))) {
      changes[key] = { before: stripSecrets(before[key]), after: stripSecrets(after[key]) };
    }
  }
  return changes;
}
