import { z } from 'zod';
import type { App } from '../appTypes.ts';
import type { Context } from '../appTypes.ts';
import type { Caller } from '../domain/caller.ts';
import { afterCommit } from '../db/transaction.ts';
import { AuthenticationError, ForbiddenError, NotFoundError, RateLimitedError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { roleScopes } from '../domain/scopes.ts';
import {
  generateOpaqueToken, hashSecret, secretNeedsRehash, sha256Hex, verifySecret, type Argon2Params,
} from '../domain/secrets.ts';
import { randomBase62 } from '../domain/base62.ts';
import { recordAudit, type Tx } from './audit.ts';
import { TOKEN_PREFIX } from '../domain/caller.ts';
import { assertCallerHasScope, assertMayGrant } from './authorization.ts';
import { ConcurrencyGate, InMemoryFailureThrottle, type FailureThrottle } from './throttle.ts';
import { parseInput } from './validation.ts';

const SESSION_TTL_MS = 12 * 3600_000;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** Failed password checks allowed per window, per account (tenant + email) and per client address. */
const LOGIN_LIMITS = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 } as const;
// One check at a time per account; a few per address (several people behind one NAT).
const CONCURRENT_PER_ACCOUNT = 1;
const CONCURRENT_PER_ADDRESS = 4;

/**
 * Password hashing goes through this object so that tests can count how often argon2 runs
 * (an ESM namespace import cannot be spied on; a property of an object can).
 */
export const passwords = {
  hash: (password: string, params: Argon2Params): Promise<string> => hashSecret(password, params),
  verify: (storedHash: string, password: string): Promise<boolean> => verifySecret(storedHash, password),
};

interface LoginGuards {
  accounts: FailureThrottle;
  addresses: FailureThrottle;
  gate: ConcurrencyGate;
  /** Verified against when no real hash exists, so unknown emails cost the same time as known ones. */
  dummyHash: Promise<string>;
}

// Throttle state lives per App rather than per module: each test file (and each app in a test
// process) gets fresh counters, and a Redis-backed throttle can later be hung on the App instead.
const guardsByApp = new WeakMap<App, LoginGuards>();

function guardsOf(app: App): LoginGuards {
  let guards = guardsByApp.get(app);
  if (!guards) {
    guards = {
      accounts: new InMemoryFailureThrottle({ limit: LOGIN_LIMITS.perAccount, windowMs: LOGIN_LIMITS.windowMs }, app.clock),
      addresses: new InMemoryFailureThrottle({ limit: LOGIN_LIMITS.perAddress, windowMs: LOGIN_LIMITS.windowMs }, app.clock),
      gate: new ConcurrencyGate(),
      dummyHash: hashSecret(randomBase62(32), app.config.argon2),
    };
    guardsByApp.set(app, guards);
  }
  return guards;
}

export function accountKey(tenantSlug: string, email: string): string {
  return `${tenantSlug.toLowerCase()}/${email.toLowerCase()}`;
}

/**
 * Checks a password under the per-account and per-address throttles. Over the limit it throws
 * RateLimitedError before any hash is computed. `load` finds the account; its `storedHash` is null
 * when the account does not exist or may not log in, and a dummy hash is verified instead so that
 * both cases take the same time.
 */
export async function checkPassword<T extends { storedHash: string | null }>(
  ctx: Context,
  account: string,
  load: () => Promise<T>,
  password: string,
): Promise<{ ok: boolean; loaded: T }> {
  const guards = guardsOf(ctx.app);
  const address = ctx.request.ip;
  const waits = [await guards.accounts.retryAfter(account), await guards.addresses.retryAfter(address)];
  const wait = Math.max(...waits.map((w) => w ?? 0));
  if (wait > 0) {
    ctx.app.metrics.loginRefused();
    throw new RateLimitedError(wait, 'Too many failed attempts');
  }

  const caps = { [`account:${account}`]: CONCURRENT_PER_ACCOUNT, [`address:${address}`]: CONCURRENT_PER_ADDRESS };
  const attempt = await guards.gate.run(caps, async () => {
    const loaded = await load();
    const matches = await passwords.verify(loaded.storedHash ?? (await guards.dummyHash), password);
    return { ok: matches && loaded.storedHash !== null, loaded };
  });
  if (!attempt.ran) {
    ctx.app.metrics.loginRefused();
    throw new RateLimitedError(1, 'Another attempt for this account is in progress');
  }

  if (attempt.value.ok) {
    // The address counter is not reset: one valid account must not clear the way for guessing others.
    await guards.accounts.reset(account);
  } else {
    await guards.accounts.recordFailure(account);
    await guards.addresses.recordFailure(address);
  }
  return attempt.value;
}

const loginInput = z.object({
  tenant: z.string().trim().toLowerCase().min(1, 'must not be empty').max(48, 'must be at most 48 characters'),
  email: z.string().trim().toLowerCase().min(1, 'must not be empty').max(254, 'must be at most 254 characters'),
  password: z.string().min(1, 'must not be empty').max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
});

export interface LoginResult {
  token: string;
  expiresAt: Date;
  memberId: string;
  /** The caller the token stands for, so the rest of the login request can act as it. */
  caller: Extract<Caller, { kind: 'member' }>;
}

/** Anonymous: a session token for a member's email and password. Every failure looks the same. */
export async function login(ctx: Context, raw: unknown): Promise<LoginResult> {
  const input = parseInput(loginInput, raw);
  const { ok, loaded } = await checkPassword(ctx, accountKey(input.tenant, input.email), async () => {
    // The caller has no tenant yet (the slug names it), hence the unconfined client.
    const member = await ctx.unscoped.member.findFirst({
      where: { email: input.email, tenant: { slug: input.tenant } },
      include: { tenant: true, role: true },
    });
    const mayLogIn = member?.status === 'ACTIVE' && member.tenant.status === 'ACTIVE';
    return { member, storedHash: mayLogIn ? member.passwordHash : null };
  }, input.password);
  const { member, storedHash } = loaded;
  if (!ok || !member || !storedHash) throw new AuthenticationError('Invalid tenant, email or password');

  const token = generateOpaqueToken(TOKEN_PREFIX.session);
  const expiresAt = new Date(ctx.app.clock().getTime() + SESSION_TTL_MS);
  const sessionId = newId('ses');
  const caller = {
    kind: 'member' as const, tenantId: member.tenantId, memberId: member.id, sessionId, roleId: member.roleId, scopes: roleScopes(member.role),
  };
  // Hashes made with weaker parameters than configured are upgraded while the password is at hand.
  const rehash = secretNeedsRehash(storedHash, ctx.app.config.argon2) ? await passwords.hash(input.password, ctx.app.config.argon2) : null;
  await ctx.unscoped.$transaction(async (tx) => {
    await tx.session.create({
      data: { id: sessionId, tenantId: member.tenantId, memberId: member.id, tokenHash: sha256Hex(token), expiresAt, ip: ctx.request.ip, userAgent: ctx.request.userAgent },
    });
    if (rehash) await tx.member.update({ where: { id: member.id }, data: { passwordHash: rehash } });
    await recordAudit(tx, { caller, request: ctx.request }, { tenantId: member.tenantId, action: 'session.created', targetType: 'Session', targetId: sessionId, changes: { memberId: member.id, expiresAt } });
  });
  return { token, expiresAt, memberId: member.id, caller };
}

/** Ends the session the caller is using. */
export async function logout(ctx: Context) {
  if (ctx.caller.kind !== 'member') throw new ForbiddenError([], 'Only a member session can log out');
  return revokeSessionRow(ctx, ctx.caller.sessionId);
}

/** A member's own session, or (members:write) the session of a member holding no more than the caller. */
export async function revokeSession(ctx: Context, id: string) {
  const session = await ctx.db.session.findUnique({ where: { id }, include: { member: { include: { role: true } } } });
  if (!session) throw new NotFoundError('Session', id);
  const own = ctx.caller.kind === 'member' && ctx.caller.memberId === session.memberId;
  if (!own) {
    assertCallerHasScope(ctx, 'members:write');
    assertMayGrant(ctx, roleScopes(session.member.role), "You cannot manage a member whose role holds scopes you don't hold");
  }
  return revokeSessionRow(ctx, id);
}

async function revokeSessionRow(ctx: Context, id: string) {
  const session = await ctx.db.$transaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { id } });
    if (!session) throw new NotFoundError('Session', id);
    if (session.revokedAt) return session;
    const revoked = await tx.session.update({ where: { id }, data: { revokedAt: ctx.app.clock() } });
    await recordAudit(tx, ctx, { tenantId: session.tenantId, action: 'session.revoked', targetType: 'Session', targetId: id, changes: { memberId: session.memberId } });
    return revoked;
  });
  await afterCommit(ctx, () => ctx.app.verification.caches.forgetSessions());
  return session;
}

/**
 * Revokes a member's live sessions (deactivation, password change), optionally sparing one.
 * Inside the caller's transaction: once it commits, call `caches.forgetSessions()`.
 */
export async function revokeMemberSessions(tx: Tx, app: App, memberId: string, except?: string): Promise<number> {
  const { count } = await tx.session.updateMany({
    where: { memberId, revokedAt: null, ...(except && { id: { not: except } }) },
    data: { revokedAt: app.clock() },
  });
  return count;
}
