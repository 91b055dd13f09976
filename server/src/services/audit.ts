import { randomUUID } from 'node:crypto';
import type { AuditEvent, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { Caller, RequestInfo } from '../domain/caller.ts';
import { newId } from '../domain/ids.ts';
import { parseKey } from '@keywarden/sdk/key-format';
import { sha256Hex } from '../domain/secrets.ts';
import { canonicalJson } from '../domain/canonicalJson.ts';
import { enqueueAuditWebhooks } from './webhooks/outbox.ts';

// The audit trail's write side and its hash chain.
//
// Every event is appended inside the transaction of the change it records, so a rolled-back
// change leaves no event. Per tenant the events form a chain: `seq` counts 1, 2, 3… without gaps,
// each event stores the hash of the one before (`prevHash`) and its own `hash` over its content and
// that link. Editing a stored event breaks its own hash; deleting one breaks the next event's link.
//
// Retention (auditRetention.ts) deletes the oldest events and appends an `audit.purged` event that
// records where the kept chain starts (`anchor` = the hash of the last removed event). Verification
// then starts from that recorded anchor instead of the genesis hash, so removing events that
// retention did not remove is still detected. Removing the newest events cannot be seen from the
// chain alone: compare `lastSeq`/`lastHash` of verifyAuditChain with what a SIEM received.

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

/** PostgreSQL NOTIFY channel announcing committed events as `{"t": tenantId, "s": seq}`. */
export const AUDIT_CHANNEL = 'keywarden_audit';
/** The event retention appends after removing old events; its `changes` hold the new anchor. */
export const PURGE_ACTION = 'audit.purged';
const GENESIS_HASH = '0'.repeat(64);

const SECRET_NAME = /secret|hash|password|token|credential/i;
/** Settings about tokens, named so, that hold no secret: a lifetime and a flag. */
const TOKEN_SETTINGS: ReadonlySet<string> = new Set(['defaultTokenTtlSeconds', 'maxTokenTtlSeconds', 'tokenTtlSeconds', 'tokenExchangeOnly']);
const SECRET_FIELD = { test: (name: string) => SECRET_NAME.test(name) && !TOKEN_SETTINGS.has(name) };
const REDACTED = '[redacted]';
// Values that are credentials whatever field they sit in: argon2 hashes, opaque tokens (kws_, kwt_, kwp_).
const SECRET_VALUE = /\$argon2|^kw[pst]_[A-Za-z0-9]{20,}$/;

/** Background jobs (retention) act as SYSTEM, from no address. */
export function systemActor(job: string): AuditActor {
  return { caller: { kind: 'anonymous' }, request: { id: `${job}-${randomUUID()}`, ip: '', userAgent: null } };
}

/** Appends one event to the tenant's hash chain. Call inside the transaction that makes the change. */
export async function recordAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  // Serialises writers per tenant until commit, so seq order is also commit order and each
  // event links to the one committed before it.
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
    ip: actor.request.ip || null,
    userAgent: actor.request.userAgent,
    requestId: actor.request.id,
    changes: entry.changes ? (stripSecrets(entry.changes) as Prisma.InputJsonObject) : null,
    createdAt: new Date(),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await tx.auditEvent.create({ data: { ...event, changes: event.changes ?? undefined, hash: auditHash(event) } });
  // Webhooks are a projection of the trail: their outbox rows commit (or roll back) with the event.
  await enqueueAuditWebhooks(tx, event);
  // Delivered at commit only, and dropped on rollback: listeners never hear of an event that is not there.
  await tx.$executeRaw`SELECT pg_notify(${AUDIT_CHANNEL}, ${JSON.stringify({ t: event.tenantId, s: event.seq })})`;
}

type HashedFields = Pick<AuditEvent,
  'id' | 'tenantId' | 'seq' | 'actorType' | 'actorId' | 'actorPublicId' | 'action' | 'targetType' | 'targetId' |
  'ip' | 'userAgent' | 'requestId' | 'createdAt' | 'prevHash'> & { changes?: unknown };

/**
 * sha256(prevHash + "\n" + canonical JSON of every other field but `hash`), createdAt as ISO-8601.
 * A SIEM can recompute it from an exported line.
 */
function auditHash(event: HashedFields): string {
  const content = canonicalJson({
    id: event.id, tenantId: event.tenantId, seq: event.seq,
    actorType: event.actorType, actorId: event.actorId, actorPublicId: event.actorPublicId,
    action: event.action, targetType: event.targetType, targetId: event.targetId,
    ip: event.ip, userAgent: event.userAgent, requestId: event.requestId,
    changes: event.changes ?? null, createdAt: event.createdAt.toISOString(), prevHash: event.prevHash,
  });
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

/** JSON-safe copy without secret-named fields or credential-looking values. */
function stripSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return looksLikeCredential(value) ? REDACTED : value.replaceAll('\u0000', '\uFFFD'); // jsonb refuses NUL
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).filter(([k, v]) => !SECRET_FIELD.test(k) && v !== undefined).map(([k, v]) => [k, stripSecrets(v)]),
    );
  }
  return value;
}

function looksLikeCredential(value: string): boolean {
  return SECRET_VALUE.test(value) || parseKey(value).ok;
}

/** Counts the database keeps (stored_counts migration): other records' writes change them, never this one. */
const STORED_COUNTS: ReadonlySet<string> = new Set(['keyCount', 'apiKeyCount', 'memberCount']);

/** Field-by-field before/after of what an update changed. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(after)) {
    if (SECRET_FIELD.test(key) || key === 'updatedAt' || STORED_COUNTS.has(key)) continue;
    if (canonicalJson(stripSecrets(before[key])) !== canonicalJson(stripSecrets(after[key]))) {
      changes[key] = { before: stripSecrets(before[key]), after: stripSecrets(after[key]) };
    }
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------
// Reading the chain

export const AUDIT_BATCH_SIZE = 500;

/**
 * A tenant's events in seq order, read `batchSize` at a time (never the whole trail in memory):
 * those after `afterSeq`, up to `throughSeq` when given, matching `where`.
 */
export async function* auditEventsInOrder(
  db: Tx,
  tenantId: string,
  options: { afterSeq?: number; throughSeq?: number; where?: Prisma.AuditEventWhereInput; batchSize?: number } = {},
): AsyncGenerator<AuditEvent> {
  const batchSize = options.batchSize ?? AUDIT_BATCH_SIZE;
  let after = options.afterSeq ?? 0;
  for (;;) {
    const batch = await db.auditEvent.findMany({
      where: { ...options.where, tenantId, seq: { gt: after, ...(options.throughSeq !== undefined && { lte: options.throughSeq }) } },
      orderBy: { seq: 'asc' },
      take: batchSize,
    });
    yield* batch;
    if (batch.length < batchSize) return;
    after = batch.at(-1)!.seq;
  }
}

export interface ChainVerification {
  ok: boolean;
  /** Events read, up to and including the first broken one. */
  checkedEvents: number;
  /** The first kept event (after retention) and the newest one. */
  firstSeq: number | null;
  lastSeq: number | null;
  lastHash: string | null;
  firstBrokenSeq: number | null;
  firstBrokenEventId: string | null;
  reason: string | null;
}

interface PurgeAnchor {
  seq: number;
  throughSeq: number;
  anchor: string;
}

/**
 * Walks the tenant's chain in seq order and reports the first event that does not check out:
 * content that does not match its hash (the event was edited), a missing seq (events deleted), a
 * prevHash that is not the previous event's hash, or a first event that is neither seq 1 on the
 * genesis hash nor the anchor recorded by the latest retention purge.
 */
export async function verifyAuditChain(db: Tx, tenantId: string, batchSize = AUDIT_BATCH_SIZE): Promise<ChainVerification> {
  for (let attempt = 0; ; attempt++) {
    const purge = await latestPurge(db, tenantId);
    const result = await walkChain(db, tenantId, purge, batchSize);
    if (result.ok || attempt === 2) return result;
    // A purge that ran during the walk removed events legitimately: walk again from the new start.
    if ((await latestPurge(db, tenantId))?.seq === purge?.seq) return result;
  }
}

async function walkChain(db: Tx, tenantId: string, purge: PurgeAnchor | null, batchSize: number): Promise<ChainVerification> {
  let checked = 0;
  let first: number | null = null;
  let previous: AuditEvent | null = null;
  for await (const event of auditEventsInOrder(db, tenantId, { batchSize })) {
    checked++;
    first ??= event.seq;
    const problem = (previous ? linkProblem(previous, event) : anchorProblem(event, purge)) ?? contentProblem(event);
    if (problem) {
      return { ok: false, checkedEvents: checked, firstSeq: first, lastSeq: previous?.seq ?? null, lastHash: previous?.hash ?? null, firstBrokenSeq: event.seq, firstBrokenEventId: event.id, reason: problem };
    }
    previous = event;
  }
  return { ok: true, checkedEvents: checked, firstSeq: first, lastSeq: previous?.seq ?? null, lastHash: previous?.hash ?? null, firstBrokenSeq: null, firstBrokenEventId: null, reason: null };
}

function linkProblem(previous: AuditEvent, event: AuditEvent): string | null {
  if (event.seq !== previous.seq + 1) {
    const missing = event.seq - previous.seq - 1;
    return missing > 0
      ? `${missing === 1 ? `Event seq ${previous.seq + 1} is` : `Events seq ${previous.seq + 1}–${event.seq - 1} are`} missing (deleted)`
      : `seq ${event.seq} does not follow seq ${previous.seq}`;
  }
  if (event.prevHash !== previous.hash) return `prevHash does not match the hash of event seq ${previous.seq} (a hash was altered or events were replaced)`;
  return null;
}

function anchorProblem(first: AuditEvent, purge: PurgeAnchor | null): string | null {
  if (first.seq === 1) return first.prevHash === GENESIS_HASH ? null : 'The first event does not start from the genesis hash';
  if (!purge || purge.seq < first.seq) return `Events before seq ${first.seq} are missing and no retention purge removed them`;
  if (purge.throughSeq !== first.seq - 1) {
    return `Events before seq ${first.seq} are missing: the latest retention purge removed events through seq ${purge.throughSeq} only`;
  }
  if (first.prevHash !== purge.anchor) return 'prevHash does not match the anchor recorded by the latest retention purge';
  return null;
}

function contentProblem(event: AuditEvent): string | null {
  return auditHash(event) === event.hash ? null : 'The event content does not match its hash (the event was altered)';
}

async function latestPurge(db: Tx, tenantId: string): Promise<PurgeAnchor | null> {
  const event = await db.auditEvent.findFirst({
    where: { tenantId, action: PURGE_ACTION },
    orderBy: { seq: 'desc' },
    select: { seq: true, changes: true },
  });
  const changes = (event?.changes ?? {}) as { throughSeq?: unknown; anchor?: unknown };
  if (!event || typeof changes.throughSeq !== 'number' || typeof changes.anchor !== 'string') return null;
  return { seq: event.seq, throughSeq: changes.throughSeq, anchor: changes.anchor };
}
