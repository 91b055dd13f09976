import type { App } from '../appTypes.ts';
import type { Context } from '../appTypes.ts';
import type { RequestInfo } from '../domain/caller.ts';
import { afterCommit } from '../db/transaction.ts';
import { clientFor } from '../db/clientFor.ts';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { expiryInstant, formatDuration } from '../domain/expiry.ts';
import { newId } from '../domain/ids.ts';
import type { AccessToken } from '../generated/prisma/client.ts';
import { tenantCaller } from './authorization.ts';
import { generateOpaqueToken, sha256Hex } from '../domain/secrets.ts';
import { recordAudit, type AuditActor, type Tx } from './audit.ts';
import { TOKEN_PREFIX } from '../domain/caller.ts';
import { ACCESS_TOKEN_PATTERN, callerOf, type VerifyValid } from './verification/index.ts';
import { loadKeyRecord } from './verification/keyRecord.ts';
import { requestHash, runOnce } from './idempotency.ts';
import { scopeToTenant } from '../db/tenantScope.ts';
import { keyStatusAt } from '../domain/access.ts';
import { scopeSet } from '../domain/scopes.ts';

// The OAuth 2.0 client-credentials grant (RFC 6749 §4.4) and token revocation (RFC 7009): a key
// is the client (client_id = its public id, client_secret = its full key text, or the 32 secret
// characters of it) and gets short-lived access tokens that carry some or all of its scopes.
// Tokens are stored as SHA-256 and checked by the verification pipeline, which also refuses them
// once their key can no longer act.

/** The errors of RFC 6749 §5.2, plus the rate-limit answers of the verification pipeline. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'slow_down'
  | 'temporarily_unavailable'
  // RFC 6750 §3.1, for a resource server that presents a Bearer token to the introspection endpoint.
  | 'invalid_token'
  | 'insufficient_scope';

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: OAuthErrorCode,
    message: string,
    /** Seconds (429, 503). */
    readonly retryAfter?: number,
    /** The WWW-Authenticate challenge of a 401 (or 403); unset: HTTP Basic, as RFC 6749 §5.2 asks. */
    readonly challenge?: string,
  ) {
    super(message);
  }
}

export interface ClientCredentials {
  /** The key's public id. */
  clientId: string;
  /** The key's full text as createKey returns it, or its 32 secret characters alone. */
  clientSecret: string;
}

export interface IssuedAccessToken {
  id: string;
  /** The token text: returned once, stored only as SHA-256. */
  token: string;
  scopes: string[];
  expiresAt: Date;
  expiresInSeconds: number;
}

const CLIENT_FAILED = 'Client authentication failed';

/** The bound of every access token lifetime setting (tenant default and maximum, group, key): 30 days. */
export const MAX_TOKEN_TTL_SECONDS = 30 * 86_400;

/** A group's or key's token lifetime, as given. */
export const tokenTtlInput = z
  .number()
  .int('must be a whole number')
  .min(60, 'must be at least 60 seconds')
  .max(MAX_TOKEN_TTL_SECONDS, `must be at most ${MAX_TOKEN_TTL_SECONDS} seconds (30 days)`);

/** A group's or key's token lifetime must fit the tenant's maximum when it is set. */
export async function assertTokenTtlAllowed(tx: Tx, tenantId: string, seconds: number | null, path: string[]): Promise<void> {
  if (seconds === null) return;
  const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { maxTokenTtlSeconds: true } });
  if (seconds > tenant.maxTokenTtlSeconds) {
    throw ValidationError.field(path, `must be at most ${formatDuration(tenant.maxTokenTtlSeconds)} (the tenant's maximum token lifetime)`);
  }
}

/**
 * How long a token of this key lives: the key's own setting, else its group's, else the tenant's
 * default; never beyond the tenant's maximum (which may have been lowered since).
 */
export function tokenLifetimeSeconds(key: { tokenTtlSeconds: number | null; group: { tokenTtlSeconds: number | null } | null }, tenant: { defaultTokenTtlSeconds: number; maxTokenTtlSeconds: number }): number {
  const asked = key.tokenTtlSeconds ?? key.group?.tokenTtlSeconds ?? tenant.defaultTokenTtlSeconds;
  return Math.min(asked, tenant.maxTokenTtlSeconds);
}

/**
 * Proves the client through the verification pipeline: the same throttles, argon2 limits, status,
 * expiry and IP checks as any key, and the use counts (rate limit, usage credits, last used).
 */
async function authenticateClient(app: App, client: ClientCredentials, info: RequestInfo): Promise<VerifyValid> {
  // Exhausted argon2 capacity (OverloadedError) is the route's to answer: temporarily_unavailable.
  const outcome = await app.verification.verify({
    credential: { kind: 'basic', publicId: client.clientId, secret: client.clientSecret },
    path: 'oauth',
    tenantId: null,
    ip: info.ip,
    throttleAddress: info.ip,
    // Allowed endpoints describe the tenant's own APIs, not this one.
    endpoint: undefined,
    requiredScopes: [],
    requestInfo: info,
  });
  if (outcome.valid) return outcome;
  if (outcome.code === 'RATE_LIMITED') throw new OAuthError(429, 'slow_down', outcome.message, outcome.retryAfter ?? 1);
  // Unknown, wrong secret, disabled, revoked, expired, another address: one answer for all.
  throw new OAuthError(401, 'invalid_client', CLIENT_FAILED);
}

function keyActor(key: VerifyValid, request: RequestInfo): AuditActor {
  return { caller: callerOf(key), request };
}

/**
 * Issues an access token for the client's key. `requestedScopes` null: every effective scope of
 * the key; otherwise each must be held (invalid_scope names those that are not). The lifetime is
 * tokenLifetimeSeconds (key, group, tenant default, within the tenant maximum), cut short by the key's own expiry, and by the end of the
 * rotation grace when the client proved the key's previous secret.
 */
/**
 * With an Idempotency-Key, the same client asking again with the same key and scopes within 24 h
 * gets the same token back (kept encrypted under the key) instead of a second one; the client is
 * proven before anything is replayed.
 */
export async function issueAccessToken(app: App, client: ClientCredentials, requestedScopes: string[] | null, info: RequestInfo, idempotencyKey: string | null = null): Promise<IssuedAccessToken> {
  const key = await authenticateClient(app, client, info);
  // Only the key itself is a client (not one of its tokens), also to replay an answer.
  if (key.credentialType !== 'API_KEY' || key.secretVersion === null) throw new OAuthError(401, 'invalid_client', CLIENT_FAILED);
  const scope = idempotencyKey === null ? null : { principal: `key:${key.keyId}`, route: '/oauth/token', key: idempotencyKey, requestHash: requestHash({ scope: requestedScopes }) };
  return runOnce(app.db.prisma, scope, app.clock(), () => issueFor(app, key, key.secretVersion!, requestedScopes, info));
}

async function issueFor(app: App, key: VerifyValid, secretVersion: number, requestedScopes: string[] | null, info: RequestInfo): Promise<IssuedAccessToken> {
  const scopes = requestedScopes === null ? key.scopeList : [...new Set(requestedScopes)].sort();
  const missing = key.scopes.missing(scopes);
  if (missing.length > 0) throw new OAuthError(400, 'invalid_scope', `The key does not hold: ${missing.join(' ')}`);

  const db = clientFor(callerOf(key), app.db.prisma);
  const [tenant, settings] = await Promise.all([
    db.tenant.findUniqueOrThrow({ where: { id: key.tenantId }, select: { defaultTokenTtlSeconds: true, maxTokenTtlSeconds: true } }),
    db.apiKey.findUniqueOrThrow({ where: { id: key.keyId }, select: { tokenTtlSeconds: true, group: { select: { tokenTtlSeconds: true } } } }),
  ]);
  const now = app.clock();
  let expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + tokenLifetimeSeconds(settings, tenant) * 1000);
  if (key.expiresAt !== null && key.expiresAt < expiresAt) expiresAt = key.expiresAt;

  const token = generateOpaqueToken(TOKEN_PREFIX.accessToken);
  const id = newId('tok');
  await db.$transaction(async (tx) => {
    // The key's row is locked until the token is written, so a concurrent rotation either sees
    // this token (and ends it) or has committed before, and is seen here.
    const [current] = await tx.$queryRaw<{ secretVersion: number; previousSecretExpiresAt: Date | null }[]>`
      SELECT "secretVersion", "previousSecretExpiresAt" FROM "ApiKey"
      WHERE "id" = ${key.keyId} AND "tenantId" = ${key.tenantId} FOR SHARE`;
    if (current === undefined) throw new OAuthError(401, 'invalid_client', CLIENT_FAILED);
    if (secretVersion !== current.secretVersion) {
      // The previous secret, in a rotation's grace: the token ends when the grace does (to the
      // whole second, as token expiries are kept).
      const graceEnd = secretVersion === current.secretVersion - 1 ? current.previousSecretExpiresAt : null;
      const cap = graceEnd === null ? null : new Date(expiryInstant(graceEnd));
      if (cap === null || cap <= now) throw new OAuthError(401, 'invalid_client', CLIENT_FAILED);
      if (cap < expiresAt) expiresAt = cap;
    }
    await tx.accessToken.create({
      data: { id, tenantId: key.tenantId, apiKeyId: key.keyId, tokenHash: sha256Hex(token), scopes, expiresAt, issuedIp: info.ip || null, secretVersion },
    });
    await recordAudit(tx, keyActor(key, info), {
      tenantId: key.tenantId,
      action: 'accessToken.issued',
      targetType: 'AccessToken',
      targetId: id,
      changes: { apiKeyId: key.keyId, scopes, expiresAt: expiresAt.toISOString() },
    });
  });
  return { id, token, scopes, expiresAt, expiresInSeconds: Math.max(0, Math.round((expiresAt.getTime() - now.getTime()) / 1000)) };
}

/**
 * Revokes an access token the client's key was issued. As RFC 7009 asks, a token that is unknown,
 * malformed, already revoked or another key's is not an error: nothing happens.
 */
export async function revokeAccessToken(app: App, client: ClientCredentials, tokenText: string, info: RequestInfo, idempotencyKey: string | null = null): Promise<void> {
  const key = await authenticateClient(app, client, info);
  const scope = idempotencyKey === null ? null : { principal: `key:${key.keyId}`, route: '/oauth/revoke', key: idempotencyKey, requestHash: requestHash({ token: sha256Hex(tokenText) }) };
  await runOnce(app.db.prisma, scope, app.clock(), async () => {
    await revokeFor(app, key, tokenText, info);
    return {};
  });
}

async function revokeFor(app: App, key: VerifyValid, tokenText: string, info: RequestInfo): Promise<void> {
  if (!ACCESS_TOKEN_PATTERN.test(tokenText)) return;
  const db = clientFor(callerOf(key), app.db.prisma);
  const row = await db.accessToken.findUnique({ where: { tokenHash: sha256Hex(tokenText) }, select: { id: true, apiKeyId: true } });
  if (row === null || row.apiKeyId !== key.keyId) return;
  await revoke(app, db, { afterCommit: null }, keyActor(key, info), key.tenantId, row.id);
}

/** An administrator's revocation (tokens:write). */
export async function revokeAccessTokenById(ctx: Context, id: string): Promise<AccessToken> {
  return revoke(ctx.app, ctx.db, ctx, ctx, tenantCaller(ctx).tenantId, id);
}

/**
 * The one way a token is revoked: in a transaction with its audit event, then refused on every
 * instance. A token revoked already is returned unchanged, with no new event.
 */
async function revoke(app: App, db: Context['db'], effects: Pick<Context, 'afterCommit'>, actor: AuditActor, tenantId: string, id: string): Promise<AccessToken> {
  const { token, changed } = await db.$transaction(async (tx: Tx) => {
    const before = await tx.accessToken.findUnique({ where: { id } });
    if (before === null) throw new NotFoundError('AccessToken', id);
    if (before.revokedAt !== null) return { token: before, changed: false };
    const revoked = await tx.accessToken.update({ where: { id }, data: { revokedAt: app.clock() } });
    await recordAudit(tx, actor, { tenantId, action: 'accessToken.revoked', targetType: 'AccessToken', targetId: id });
    return { token: revoked, changed: true };
  });
  // Nothing changed, nothing to drop: repeating a revocation costs no instance its cached key.
  if (changed) await afterCommit(effects, () => app.invalidation.invalidate({ tenantId, keyIds: [token.apiKeyId] }));
  return token;
}

/** What introspection (RFC 7662) tells a resource server about an active token. */
export interface ActiveAccessToken {
  tokenId: string;
  keyId: string;
  /** The key's public id: the OAuth client_id. */
  clientId: string;
  /** The key's effective scopes now, narrowed to those the token was issued with. */
  scopes: string[];
  issuedAt: Date;
  /** The token's expiry, or its key's when that comes first. */
  expiresAt: Date;
}

/**
 * RFC 7662: the token, when it is an access token of `tenantId` that would be accepted now;
 * otherwise null (unknown, malformed, another tenant's, expired, revoked, or its key can no longer
 * act: disabled, revoked, expired, its owner deactivated, its tenant suspended or switched off).
 * API keys themselves are not introspected: they answer null (POST /v1/verify verifies them).
 * A state read, not a use: neither the key's rate limit nor its credits are charged, and the
 * request-bound checks (IP rules, endpoints) are POST /v1/verify's, which is given the address.
 */
export async function introspectAccessToken(app: App, tenantId: string, tokenText: string): Promise<ActiveAccessToken | null> {
  if (!ACCESS_TOKEN_PATTERN.test(tokenText)) return null;
  const db = scopeToTenant(app.db.prisma, tenantId);
  const token = await db.accessToken.findUnique({
    where: { tokenHash: sha256Hex(tokenText) },
    select: { id: true, apiKeyId: true, scopes: true, expiresAt: true, revokedAt: true, createdAt: true },
  });
  const now = app.clock();
  if (token === null || token.revokedAt !== null || token.expiresAt <= now) return null;
  const key = await loadKeyRecord(db, { id: token.apiKeyId }, app.logger);
  if (key === null || key.tenantId !== tenantId) return null;
  if (key.tenant.status !== 'ACTIVE' || !key.tenant.apiEnabled || !key.ownerActive) return null;
  if (keyStatusAt(key, now) !== 'ACTIVE') return null;
  const expiresAt = key.expiresAt !== null && key.expiresAt < token.expiresAt ? key.expiresAt : token.expiresAt;
  return {
    tokenId: token.id,
    keyId: key.id,
    clientId: key.publicId,
    scopes: key.scopes.intersect(scopeSet(token.scopes)).toArray(),
    issuedAt: token.createdAt,
    expiresAt,
  };
}
