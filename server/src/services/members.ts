import { z } from 'zod';
import type { Context } from '../appTypes.ts';
import { afterCommit } from '../db/transaction.ts';
import type { Member, Role } from '../generated/prisma/client.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { roleScopes } from '../domain/scopes.ts';
import { diff, recordAudit, type Tx } from './audit.ts';
import { assertCallerHasScope, assertMayGrant, actingMemberId, targetTenantId } from './authorization.ts';
import {
  PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, accountKey, checkPassword, passwords, revokeMemberSessions,
} from './sessions.ts';
import { nameInput } from './inputs.ts';
import { isUniqueViolation, parseInput } from './validation.ts';

const name = nameInput(100);
const email = z.string().trim().toLowerCase().max(254, 'must be at most 254 characters').pipe(z.email('must be an email address'));
const password = z.string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

const createInput = z.object({ tenantId: z.string().nullish(), email, name, roleId: z.string(), password: password.nullish() });
const updateInput = z.object({ id: z.string(), name: name.nullish(), roleId: z.string().nullish() });
const passwordInput = z.object({ memberId: z.string(), password, currentPassword: z.string().max(PASSWORD_MAX_LENGTH).nullish() });

type MemberWithRole = Member & { role: Role };

const NOT_ABOVE_CALLER = "You cannot manage a member whose role holds scopes you don't hold";

/**
 * Members: a tenant caller with members:write, or the platform operator (who names the tenant,
 * which is how a new tenant gets its first OWNER). The role given must hold no scope the caller lacks.
 */
export async function createMember(ctx: Context, raw: unknown) {
  const input = parseInput(createInput, raw);
  const tenantId = await targetTenantId(ctx, input.tenantId);
  const role = await findRole(ctx.db, tenantId, input.roleId);
  assertMayGrant(ctx, roleScopes(role), `You cannot grant the role ${role.name}`);
  // Hash outside the transaction: argon2 takes tens of milliseconds.
  const passwordHash = input.password ? await passwords.hash(input.password, ctx.app.config.argon2) : null;
  try {
    return await ctx.db.$transaction(async (tx) => {
      const member = await tx.member.create({
        data: { id: newId('mem'), tenantId, email: input.email, name: input.name, roleId: role.id, passwordHash },
      });
      await recordAudit(tx, ctx, {
        tenantId, action: 'member.created', targetType: 'Member', targetId: member.id,
        changes: { email: member.email, name: member.name, roleId: member.roleId, withPassword: passwordHash !== null },
      });
      return member;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`A member with email ${input.email} already exists in this tenant`, 'email');
    // The role was deleted between the lookup above and the insert.
    if (isForeignKeyViolation(error)) throw new NotFoundError('Role', input.roleId);
    throw error;
  }
}

/** Name and role. Nobody changes their own role, grants a role above their own, or demotes the last owner. */
export async function updateMember(ctx: Context, raw: unknown) {
  const input = parseInput(updateInput, raw);
  const result = await ctx.db.$transaction(async (tx) => {
    const before = await findManageableMember(ctx, tx, input.id);
    const data: { name?: string; roleId?: string } = {};
    if (input.name != null) data.name = input.name;
    if (input.roleId != null && input.roleId !== before.roleId) {
      if (actingMemberId(ctx) === before.id) throw new ForbiddenError([], 'You cannot change your own role');
      const role = await findRole(tx, before.tenantId, input.roleId);
      assertMayGrant(ctx, roleScopes(role), `You cannot grant the role ${role.name}`);
      if (role.builtIn !== 'OWNER') await assertNotLastOwner(tx, before, 'demoted');
      data.roleId = role.id;
    }
    const after = await tx.member.update({ where: { id: before.id }, data });
    await recordAudit(tx, ctx, { tenantId: after.tenantId, action: 'member.updated', targetType: 'Member', targetId: after.id, changes: diff(before, after) });
    return { member: after, roleChanged: data.roleId !== undefined };
  });
  // A member's role bounds what their API keys may do.
  if (result.roleChanged) await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId: result.member.tenantId }));
  return result.member;
}

/** Deactivation revokes the member's sessions; their keys are refused while they are inactive. */
export async function setMemberStatus(ctx: Context, id: string, status: 'ACTIVE' | 'DEACTIVATED') {
  const result = await ctx.db.$transaction(async (tx) => {
    const before = await findManageableMember(ctx, tx, id);
    if (before.status === status) return { member: before, changed: false };
    if (status === 'DEACTIVATED') {
      await assertNotLastOwner(tx, before, 'deactivated');
      await revokeMemberSessions(tx, ctx.app, before.id);
    }
    const after = await tx.member.update({ where: { id: before.id }, data: { status } });
    const action = status === 'DEACTIVATED' ? 'member.deactivated' : 'member.reactivated';
    await recordAudit(tx, ctx, { tenantId: after.tenantId, action, targetType: 'Member', targetId: after.id });
    return { member: after, changed: true };
  });
  // The tenant-wide invalidation also voids every session read before it.
  if (result.changed) await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId: result.member.tenantId }));
  return result.member;
}

/** Refused while the member owns API keys (they act on the member's behalf); sessions go with the member. */
export async function deleteMember(ctx: Context, id: string) {
  try {
    const member = await ctx.db.$transaction(async (tx) => {
      const member = await findManageableMember(ctx, tx, id);
      const keys = await tx.apiKey.count({ where: { tenantId: member.tenantId, ownerId: member.id } });
      if (keys > 0) {
        throw new ConflictError(`The member owns ${keys} API key${keys === 1 ? '' : 's'}; revoke them or give them another owner first`);
      }
      await assertNotLastOwner(tx, member, 'deleted');
      await tx.member.delete({ where: { id: member.id } });
      await recordAudit(tx, ctx, { tenantId: member.tenantId, action: 'member.deleted', targetType: 'Member', targetId: member.id, changes: { email: member.email, name: member.name } });
      return member;
    });
    await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId: member.tenantId }));
    return member;
  } catch (error) {
    // A key created for the member after the count above: the foreign key refuses the delete.
    if (isForeignKeyViolation(error)) throw new ConflictError('The member owns API keys; revoke them or give them another owner first');
    throw error;
  }
}

/**
 * Sets a member's password. Your own needs your current one (checked under the login throttle);
 * another member's needs members:write and a role no stronger than yours. Other sessions of the
 * member end, since a password change usually means the old one is not trusted.
 */
export async function setMemberPassword(ctx: Context, raw: unknown) {
  const input = parseInput(passwordInput, raw);
  const member = await ctx.db.member.findUnique({ where: { id: input.memberId }, include: { role: true, tenant: true } });
  if (!member) throw new NotFoundError('Member', input.memberId);
  const own = ctx.caller.kind === 'member' && ctx.caller.memberId === member.id;
  if (own) {
    if (member.passwordHash) {
      if (!input.currentPassword) throw ValidationError.field(['input', 'currentPassword'], 'is required to change your own password');
      const { ok } = await checkPassword(ctx, accountKey(member.tenant.slug, member.email), async () => ({ storedHash: member.passwordHash }), input.currentPassword);
      if (!ok) throw ValidationError.field(['input', 'currentPassword'], 'is not correct');
    }
  } else {
    assertCallerHasScope(ctx, 'members:write');
    assertMayGrant(ctx, roleScopes(member.role), NOT_ABOVE_CALLER);
  }
  const passwordHash = await passwords.hash(input.password, ctx.app.config.argon2);
  const updated = await ctx.db.$transaction(async (tx) => {
    const updated = await tx.member.update({ where: { id: member.id }, data: { passwordHash } });
    const currentSession = ctx.caller.kind === 'member' ? ctx.caller.sessionId : undefined;
    const revokedSessions = await revokeMemberSessions(tx, ctx.app, member.id, currentSession);
    await recordAudit(tx, ctx, { tenantId: member.tenantId, action: 'member.password_set', targetType: 'Member', targetId: member.id, changes: { revokedSessions } });
    return updated;
  });
  await afterCommit(ctx, () => ctx.app.verification.caches.forgetSessions());
  return updated;
}

async function findRole(db: Tx, tenantId: string, id: string): Promise<Role> {
  const role = await db.role.findFirst({ where: { id, tenantId } });
  if (!role) throw new NotFoundError('Role', id);
  return role;
}

/** The member (NOT_FOUND outside the caller's tenant), provided the caller holds every scope of its role. */
async function findManageableMember(ctx: Context, tx: Tx, id: string): Promise<MemberWithRole> {
  const member = await tx.member.findUnique({ where: { id }, include: { role: true } });
  if (!member) throw new NotFoundError('Member', id);
  assertMayGrant(ctx, roleScopes(member.role), NOT_ABOVE_CALLER);
  return member;
}

/**
 * A tenant always keeps an active OWNER. The per-tenant lock makes two owners demoting each other
 * at the same moment queue up, so the second sees the first one's change.
 */
async function assertNotLastOwner(tx: Tx, member: MemberWithRole, change: 'demoted' | 'deactivated' | 'deleted'): Promise<void> {
  if (member.role.builtIn !== 'OWNER' || member.status !== 'ACTIVE') return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`owners:${member.tenantId}`}))`;
  const owners = await tx.member.count({ where: { tenantId: member.tenantId, status: 'ACTIVE', role: { builtIn: 'OWNER' } } });
  if (owners <= 1) {
    throw new ConflictError(`The last active OWNER of a tenant cannot be ${change}; make another member OWNER first`);
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2003';
}
