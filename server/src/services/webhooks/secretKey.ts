import { randomBytes } from 'node:crypto';
import type { App } from '../../appTypes.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { decryptSecret, encryptSecret } from '../../domain/webhookSigning.ts';

// The AES-256-GCM key of stored webhook secrets: KEYWARDEN_WEBHOOK_SECRET_KEY when set, else a
// random key made once and kept in the database (row 1 of WebhookSecretKey), shared by every
// instance. The database key protects against a secret leaking through logs or an API answer, not
// against someone holding the database itself: set KEYWARDEN_WEBHOOK_SECRET_KEY for that.

type Db = Pick<PrismaClient, '$executeRaw' | 'webhookSecretKey'>;

const stored = new WeakMap<object, Buffer>();

/** `db`: inside a mutation, its transaction (ctx.unscoped); elsewhere the app's client. */
export async function webhookSecretKey(app: App, db: Db): Promise<Buffer> {
  if (app.config.webhooks.secretKey) return app.config.webhooks.secretKey;
  const cached = stored.get(app.db);
  if (cached) return cached;
  let row = await db.webhookSecretKey.findUnique({ where: { id: 1 } });
  if (row) {
    // Only a key read back is remembered: one inserted by a transaction that then rolls back is not.
    const key = Buffer.from(row.key, 'base64');
    stored.set(app.db, key);
    return key;
  }
  await db.$executeRaw`INSERT INTO "WebhookSecretKey" ("id", "key") VALUES (1, ${randomBytes(32).toString('base64')}) ON CONFLICT ("id") DO NOTHING`;
  row = await db.webhookSecretKey.findUniqueOrThrow({ where: { id: 1 } });
  return Buffer.from(row.key, 'base64');
}

export async function sealSecret(app: App, db: Db, secret: string): Promise<string> {
  return encryptSecret(await webhookSecretKey(app, db), secret);
}

export async function openSecret(app: App, db: Db, ciphertext: string): Promise<string> {
  return decryptSecret(await webhookSecretKey(app, db), ciphertext);
}
