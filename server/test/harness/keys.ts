// Keys, groups and IP rules made straight in the database for the verification tests (the keys
// API is written concurrently), plus a test app with chosen verification settings.
import { newId } from '../../src/domain/ids.ts';
import { formatKey } from '@keywarden/sdk/key-format';
import { generatePublicId, generateSecret } from '../../src/domain/keyFormat.ts';
import { hashSecret, type Argon2Params } from '../../src/domain/secrets.ts';
import type { Prisma } from '../../src/generated/prisma/client.ts';
import type { App } from '../../src/app.ts';
import type { TestApp } from './app.ts';

export interface TestKey {
  id: string;
  tenantId: string;
  publicId: string;
  secret: string;
  /** The full key text, as presented by a client. */
  text: string;
}

export interface TestKeyOptions {
  ownerId: string;
  scopes?: string[];
  endpoints?: string[];
  status?: 'ACTIVE' | 'DISABLED' | 'REVOKED';
  expiresAt?: Date | null;
  groupId?: string | null;
  metadata?: Prisma.InputJsonValue;
  rateLimitMax?: number;
  rateLimitWindowMs?: number;
  remainingUses?: number;
  refillAmount?: number;
  refillIntervalSeconds?: number;
  lastRefillAt?: Date;
  ipRules?: { action: 'ALLOW' | 'DENY'; cidr: string }[];
  /** Hash with these argon2 parameters instead of the app's (to test rehashing). */
  argon2?: Argon2Params;
  publicId?: string;
}

export async function createTestKey(app: App, tenantId: string, options: TestKeyOptions): Promise<TestKey> {
  const tenant = await app.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const publicId = options.publicId ?? generatePublicId();
  const secret = generateSecret();
  const text = formatKey(tenant.keyPrefix, publicId, secret);
  const id = newId('key');
  await app.db.prisma.apiKey.create({
    data: {
      id,
      tenantId,
      publicId,
      keyPrefix: tenant.keyPrefix,
      name: `test key ${publicId.slice(-4)}`,
      ownerId: options.ownerId,
      groupId: options.groupId ?? null,
      scopes: options.scopes ?? [],
      endpoints: options.endpoints ?? ['*'],
      status: options.status ?? 'ACTIVE',
      expiresAt: options.expiresAt ?? null,
      metadata: options.metadata,
      secretHash: await hashSecret(secret, options.argon2 ?? app.config.argon2),
      keyTail: text.slice(-4),
      rateLimitMax: options.rateLimitMax ?? null,
      rateLimitWindowMs: options.rateLimitWindowMs ?? null,
      remainingUses: options.remainingUses ?? null,
      refillAmount: options.refillAmount ?? null,
      refillIntervalSeconds: options.refillIntervalSeconds ?? null,
      lastRefillAt: options.lastRefillAt ?? null,
    },
  });
  for (const rule of options.ipRules ?? []) {
    await app.db.prisma.ipRule.create({ data: { id: newId('ipr'), tenantId, apiKeyId: id, action: rule.action, cidr: rule.cidr } });
  }
  return { id, tenantId, publicId, secret, text };
}

export async function createTestGroup(
  app: App,
  tenantId: string,
  data: { limitsScopes?: boolean; scopeLimit?: string[]; rateLimitMax?: number; rateLimitWindowMs?: number } = {},
): Promise<string> {
  const id = newId('grp');
  await app.db.prisma.group.create({
    data: { id, tenantId, name: `group ${id.slice(-6)}`, limitsScopes: data.limitsScopes ?? false, scopeLimit: data.scopeLimit ?? [], defaultScopes: [], rateLimitMax: data.rateLimitMax, rateLimitWindowMs: data.rateLimitWindowMs },
  });
  return id;
}

export interface VerifyCall {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** POST /v1/verify as the resource server holding `callerToken` (any credential form; Bearer by default). */
export async function verifyKey(
  t: TestApp,
  callerToken: string,
  body: unknown,
  options: { ip?: string; headers?: Record<string, string> } = {},
): Promise<VerifyCall> {
  const response = await t.fetch(
    '/v1/verify',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${callerToken}`, ...options.headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
    { ip: options.ip },
  );
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left null: the test asserts on text
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}
