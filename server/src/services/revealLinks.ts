// Single-use reveal links: instead of the key text, createKey and rotateKey can hand out a link that
// shows it once.
//
// What is kept: the key text encrypted with AES-256-GCM under a key derived (HKDF-SHA-256, a random
// salt per link) from the link's token, and the token only as its SHA-256. The database alone
// therefore cannot reveal the key; whoever holds the link can, once. Opening wipes the ciphertext
// in the same transaction that marks the link revealed and writes the audit event; rotating,
// disabling or revoking the key ends its open links the same way (deleting it deletes them).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { App } from '../appTypes.ts';
import type { RequestInfo } from '../domain/caller.ts';
import { newId } from '../domain/ids.ts';
import { sha256Hex } from '../domain/secrets.ts';
import { recordAudit, type Tx } from './audit.ts';

export const DEFAULT_REVEAL_LINK_TTL_SECONDS = 86_400;
export const MAX_REVEAL_LINK_TTL_SECONDS = 7 * 86_400;
export const MIN_REVEAL_LINK_TTL_SECONDS = 60;
/** Where the links live: `<public URL>/v1/reveal/<token>`. */
export const REVEAL_PATH_PREFIX = '/v1/reveal/';

/** 32 random bytes, base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const HKDF_INFO = Buffer.from('keywarden reveal link v1');

/** The delivery options createKey and rotateKey share. */
export const deliveryFields = {
  delivery: z.enum(['KEY_TEXT', 'REVEAL_LINK']).nullish(),
  revealLinkTtlSeconds: z
    .number()
    .int('must be a whole number')
    .min(MIN_REVEAL_LINK_TTL_SECONDS, `must be at least ${MIN_REVEAL_LINK_TTL_SECONDS} seconds`)
    .max(MAX_REVEAL_LINK_TTL_SECONDS, `must be at most ${MAX_REVEAL_LINK_TTL_SECONDS} seconds (7 days)`)
    .nullish(),
};

/** revealLinkTtlSeconds is only for a link. */
export function checkDelivery(input: { delivery?: string | null; revealLinkTtlSeconds?: number | null }, issue: z.RefinementCtx): void {
  if (input.revealLinkTtlSeconds != null && input.delivery !== 'REVEAL_LINK') {
    issue.addIssue({ code: 'custom', path: ['revealLinkTtlSeconds'], message: 'is only for delivery REVEAL_LINK' });
  }
}

export interface IssuedRevealLink {
  id: string;
  /** The link's token: in this one answer only. */
  token: string;
  expiresAt: Date;
}

const b64 = (bytes: Buffer) => bytes.toString('base64url');

function derivedKey(token: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token, 'utf8'), salt, HKDF_INFO, 32));
}

/** Binds a ciphertext to its link and key: moved to another row it does not decrypt. */
const additionalData = (linkId: string, apiKeyId: string) => Buffer.from(`${linkId}:${apiKeyId}`, 'utf8');

/** Keeps the key text for one opening, in the transaction that issued it. */
export async function createRevealLink(
  tx: Tx,
  link: { tenantId: string; apiKeyId: string; secretVersion: number; keyText: string; ttlSeconds: number | null | undefined; now: Date },
): Promise<IssuedRevealLink> {
  const id = newId('rvl');
  const token = b64(randomBytes(32));
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derivedKey(token, salt), iv);
  cipher.setAAD(additionalData(id, link.apiKeyId));
  const ciphertext = Buffer.concat([cipher.update(link.keyText, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const expiresAt = new Date(link.now.getTime() + (link.ttlSeconds ?? DEFAULT_REVEAL_LINK_TTL_SECONDS) * 1000);
  await tx.revealLink.create({
    data: {
      id, tenantId: link.tenantId, apiKeyId: link.apiKeyId, tokenHash: sha256Hex(token), secretVersion: link.secretVersion,
      salt: b64(salt), iv: b64(iv), ciphertext: b64(ciphertext), expiresAt,
    },
  });
  return { id, token, expiresAt };
}

const WIPED = { salt: null, iv: null, ciphertext: null };

/** Ends the open links of these keys (a rotation, disabling, revoking): they answer 410 from now on. */
export async function endRevealLinks(tx: Tx, apiKeyIds: readonly string[], now: Date): Promise<number> {
  if (apiKeyIds.length === 0) return 0;
  const ended = await tx.revealLink.updateMany({
    where: { apiKeyId: { in: [...apiKeyIds] }, revealedAt: null, endedAt: null },
    data: { endedAt: now, ...WIPED },
  });
  return ended.count;
}

type LinkRow = NonNullable<Awaited<ReturnType<Tx['revealLink']['findUnique']>>>;

/** The link of this token when it can still be opened now; null otherwise (unknown, opened, ended, expired, or its key changed). */
async function openableLink(db: Tx, token: string, now: Date) {
  if (!TOKEN_PATTERN.test(token)) return null;
  const link = await db.revealLink.findUnique({
    where: { tokenHash: sha256Hex(token) },
    include: { apiKey: { select: { id: true, tenantId: true, publicId: true, status: true, expiresAt: true, secretVersion: true } } },
  });
  if (!link || link.revealedAt !== null || link.endedAt !== null || link.ciphertext === null || link.expiresAt <= now) return null;
  const key = link.apiKey;
  if (key.status === 'REVOKED' || (key.expiresAt !== null && key.expiresAt <= now) || key.secretVersion !== link.secretVersion) return null;
  return link;
}

/** Whether the link can still be opened (GET and HEAD): reads only, never uses it up. */
export async function revealLinkOpenable(app: App, token: string): Promise<{ expiresAt: Date } | null> {
  const link = await openableLink(app.db.prisma, token, app.clock());
  return link && { expiresAt: link.expiresAt };
}

export interface RevealedKey {
  keyText: string;
  publicId: string;
}

function decrypt(link: LinkRow, token: string): string | null {
  try {
    const sealed = Buffer.from(link.ciphertext!, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', derivedKey(token, Buffer.from(link.salt!, 'base64url')), Buffer.from(link.iv!, 'base64url'));
    decipher.setAAD(additionalData(link.id, link.apiKeyId));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/**
 * Opens the link: once. Marks it revealed, wipes what was kept and writes `key.revealed` (address
 * and user agent, never the text) in one transaction; null when it cannot be opened.
 */
export async function openRevealLink(app: App, token: string, request: RequestInfo): Promise<RevealedKey | null> {
  const now = app.clock();
  const revealed = await app.db.prisma.$transaction(async (tx) => {
    const link = await openableLink(tx, token, now);
    if (link === null) return null;
    const keyText = decrypt(link, token);
    // Taken by whoever's update lands first: two openings at once reveal it to one of them.
    const taken = await tx.revealLink.updateMany({ where: { id: link.id, revealedAt: null, endedAt: null }, data: { revealedAt: now, ...WIPED } });
    if (taken.count !== 1 || keyText === null) return null;
    await recordAudit(tx, { caller: { kind: 'anonymous' }, request }, {
      tenantId: link.tenantId, action: 'key.revealed', targetType: 'ApiKey', targetId: link.apiKeyId,
      changes: { revealLinkId: link.id, secretVersion: link.secretVersion, linkExpiresAt: link.expiresAt },
    });
    return { keyText, publicId: link.apiKey.publicId };
  });
  if (revealed === null) app.logger.info({ requestId: request.id }, 'a reveal link that cannot be opened was asked for');
  return revealed;
}
