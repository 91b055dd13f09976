// Idempotency-Key: a write sent again with the same key gets its first answer back instead of a
// second run. Kept 24 hours per caller (principal) and route; the same key with another request
// is a conflict. The database holds the key only as SHA-256 and the answer only encrypted
// (AES-256-GCM) under a key derived from the Idempotency-Key (HKDF-SHA256): a secret in the
// answer (createKey's key text, /oauth/token's access token) cannot be read from the database.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Caller } from '../domain/caller.ts';
import { BadRequestError, ConflictError } from '../domain/errors.ts';
import { canonicalJson } from '../domain/canonicalJson.ts';
import { sha256Hex } from '../domain/secrets.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** A REST request whose record has had no answer this long is taken to have died with its process. */
const ABANDONED_AFTER_MS = 5 * 60_000;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** The request's Idempotency-Key, or null without one; a malformed one is BAD_REQUEST. */
export function idempotencyKeyOf(headers: Headers): string | null {
  const key = headers.get(IDEMPOTENCY_HEADER);
  if (key === null) return null;
  if (key.length === 0) throw new BadRequestError('The Idempotency-Key header must not be empty');
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new BadRequestError(`The Idempotency-Key header must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  if (!VISIBLE_ASCII.test(key)) throw new BadRequestError('The Idempotency-Key header must be visible ASCII characters (a UUID, say)');
  return key;
}

/**
 * Whose keys these are. A member's, whatever session they use; a key's, whether it calls with its
 * text or an access token issued from it. An anonymous caller (login) has none: its header is
 * ignored, since nothing would tie a kept answer (a session token) to whoever replays it.
 */
export function principalOf(caller: Caller): string | null {
  switch (caller.kind) {
    case 'member': return `member:${caller.memberId}`;
    case 'apiKey':
    case 'accessToken': return `key:${caller.keyId}`;
    case 'platform': return `platform:${caller.credentialId}`;
    case 'anonymous': return null;
  }
}

/** The same request hashes the same however its JSON was written (key order). */
export function requestHash(request: unknown): string {
  return sha256Hex(canonicalJson(request));
}

export interface IdempotencyScope {
  principal: string;
  route: string;
  key: string;
  requestHash: string;
}

function cipherKey(scope: IdempotencyScope): Buffer {
  const salt = createHash('sha256').update(`${scope.principal}\n${scope.route}`).digest();
  return Buffer.from(hkdfSync('sha256', scope.key, salt, 'keywarden idempotency replay v1', 32));
}

export function sealAnswer(scope: IdempotencyScope, answer: unknown): Uint8Array<ArrayBuffer> {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cipherKey(scope), nonce);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return new Uint8Array(Buffer.concat([nonce, cipher.getAuthTag(), sealed]));
}

export function openAnswer<T>(scope: IdempotencyScope, stored: Uint8Array): T {
  const bytes = Buffer.from(stored);
  const decipher = createDecipheriv('aes-256-gcm', cipherKey(scope), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')) as T;
}

export type Claim<T> =
  | { kind: 'new'; id: string }
  | { kind: 'replay'; answer: T };

const where = (scope: IdempotencyScope) => ({
  principal_route_keyHash: { principal: scope.principal, route: scope.route, keyHash: sha256Hex(scope.key) },
});

/**
 * Takes the key for this request, or finds who holds it. Inside a transaction (GraphQL) the
 * claim commits or rolls back with the work: a concurrent duplicate waits on the row (PostgreSQL)
 * and then replays the committed answer. Outside one (REST), a claim without an answer yet is a
 * request still running: CONFLICT, ask again.
 */
export async function claim<T>(db: PrismaClient, scope: IdempotencyScope, now: Date): Promise<Claim<T>> {
  const keyHash = sha256Hex(scope.key);
  for (let attempt = 0; attempt < 2; attempt++) {
    const id = randomUUID();
    const inserted = await db.idempotencyRecord.createMany({
      data: [{ id, principal: scope.principal, route: scope.route, keyHash, requestHash: scope.requestHash, createdAt: now, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) }],
      skipDuplicates: true,
    });
    if (inserted.count === 1) {
      await purgeNowAndThen(db, now);
      return { kind: 'new', id };
    }
    const held = await db.idempotencyRecord.findUnique({ where: where(scope) });
    if (held === null) continue; // removed meanwhile (its request failed): try again
    const abandoned = held.response === null && held.createdAt.getTime() + ABANDONED_AFTER_MS <= now.getTime();
    if (held.expiresAt <= now || abandoned) {
      await db.idempotencyRecord.deleteMany({ where: { id: held.id } });
      continue;
    }
    if (held.requestHash !== scope.requestHash) {
      throw new ConflictError('This Idempotency-Key was used with another request in the last 24 hours; use a new key for a new request', 'Idempotency-Key');
    }
    if (held.response === null) {
      throw new ConflictError('A request with this Idempotency-Key is still running; ask again once it has answered', 'Idempotency-Key');
    }
    return { kind: 'replay', answer: openAnswer<T>(scope, held.response) };
  }
  throw new ConflictError('A request with this Idempotency-Key is still running; ask again once it has answered', 'Idempotency-Key');
}

/** Keeps the answer for replays. */
export async function keepAnswer(db: PrismaClient, scope: IdempotencyScope, id: string, answer: unknown): Promise<void> {
  await db.idempotencyRecord.update({ where: { id }, data: { response: sealAnswer(scope, answer) } });
}

/** Lets the key go: the request failed with nothing changed, and may be sent again. */
export async function releaseClaim(db: PrismaClient, id: string): Promise<void> {
  await db.idempotencyRecord.deleteMany({ where: { id } });
}

/** When this process last dropped expired records (the app's clock). */
let lastPurgeMs = -Infinity;
const PURGE_EVERY_MS = 60_000;

/** Expired records go with the next claim, at most once a minute per process. */
async function purgeNowAndThen(db: PrismaClient, now: Date): Promise<void> {
  if (Math.abs(now.getTime() - lastPurgeMs) < PURGE_EVERY_MS) return;
  lastPurgeMs = now.getTime();
  await purgeExpiredIdempotency(db, now);
}

/** Drops the records past their 24 hours; returns how many. */
export async function purgeExpiredIdempotency(db: PrismaClient, now: Date): Promise<number> {
  return (await db.idempotencyRecord.deleteMany({ where: { expiresAt: { lte: now } } })).count;
}

/**
 * A write outside any transaction (the REST routes) run at most once per key: a replay answers the
 * kept answer without running `work`; a failure lets the key go. An answer that could not be kept
 * is still answered (its write happened); the key then reads as running until it is abandoned.
 */
export async function runOnce<T>(db: PrismaClient, scope: IdempotencyScope | null, now: Date, work: () => Promise<T>): Promise<T> {
  if (scope === null) return work();
  const claimed = await claim<T>(db, scope, now);
  if (claimed.kind === 'replay') return claimed.answer;
  let answer: T;
  try {
    answer = await work();
  } catch (error) {
    await releaseClaim(db, claimed.id).catch(() => undefined);
    throw error;
  }
  await keepAnswer(db, scope, claimed.id, answer).catch(() => undefined);
  return answer;
}
