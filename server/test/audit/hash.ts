// The audit chain's hash as a consumer (a SIEM reading the export) recomputes it, written here from
// the documented formula rather than imported, so the tests hold the server to that formula:
// sha256(prevHash + "\n" + canonical JSON of every other field but `hash`), createdAt as ISO-8601,
// and the first event of a chain links to 64 zeros.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface HashedEvent {
  id: string; tenantId: string; seq: number;
  actorType: string; actorId: string | null; actorPublicId: string | null;
  action: string; targetType: string | null; targetId: string | null;
  ip: string | null; userAgent: string | null; requestId: string | null;
  changes?: unknown; createdAt: Date; prevHash: string;
}

export function auditHash(event: HashedEvent): string {
  const content = canonicalJson({
    id: event.id, tenantId: event.tenantId, seq: event.seq,
    actorType: event.actorType, actorId: event.actorId, actorPublicId: event.actorPublicId,
    action: event.action, targetType: event.targetType, targetId: event.targetId,
    ip: event.ip, userAgent: event.userAgent, requestId: event.requestId,
    changes: event.changes ?? null, createdAt: event.createdAt.toISOString(), prevHash: event.prevHash,
  });
  return createHash('sha256').update(`${event.prevHash}\n${content}`).digest('hex');
}

/** JSON with object keys sorted at every level and no whitespace. */
function canonicalJson(value: unknown): string {
  if (value === undefined || value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
