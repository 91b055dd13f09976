import type { Context } from '../appTypes.ts';
import type { TenantCaller } from '../domain/caller.ts';
import { AuthenticationError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { ALL_SCOPES, scopeSet, type ScopeSet } from '../domain/scopes.ts';

// Who may act where: the checks services make beyond a field's authScopes. Each takes the
// request's context and either answers or throws the typed error the API reports.

/** The caller of a tenant operation; the fields' authScopes already admitted only tenant callers. */
export function tenantCaller(ctx: Context): TenantCaller {
  if (!('tenantId' in ctx.caller)) throw new ForbiddenError([], 'Only a caller inside a tenant can do this');
  return ctx.caller;
}

/**
 * The tenant a create or list acts in. Tenant callers act in their own tenant (naming another is
 * NOT_FOUND, as if it did not exist); the platform operator names one.
 */
export async function targetTenantId(ctx: Context, requested: string | null | undefined, path: string[] = ['input', 'tenantId']): Promise<string> {
  if (ctx.caller.kind === 'platform') {
    if (!requested) throw ValidationError.field(path, 'is required for the platform operator');
    const tenant = await ctx.db.tenant.findUnique({ where: { id: requested }, select: { id: true } });
    if (!tenant) throw new NotFoundError('Tenant', requested);
    return tenant.id;
  }
  if (ctx.caller.kind === 'anonymous') throw new NotFoundError('Tenant');
  if (requested && requested !== ctx.caller.tenantId) throw new NotFoundError('Tenant', requested);
  return ctx.caller.tenantId;
}

/** The member a tenant caller acts as: a session's member, or the owner a key or token acts for. */
export function actingMemberId(ctx: Context): string | null {
  switch (ctx.caller.kind) {
    case 'member': return ctx.caller.memberId;
    case 'apiKey':
    case 'accessToken': return ctx.caller.ownerId;
    default: return null;
  }
}

/**
 * "Nobody grants more than they hold": throws ForbiddenError listing what the caller lacks.
 * The platform operator stands above tenants and may grant anything.
 */
export function assertMayGrant(ctx: Context, requested: ScopeSet | readonly string[], message?: string): void {
  if (ctx.caller.kind === 'platform') return;
  if (ctx.caller.kind === 'anonymous') throw new ForbiddenError([ALL_SCOPES], message);
  const wanted = scopeSet(requested);
  if (wanted.isSubsetOf(ctx.caller.scopes)) return;
  const missing = missingScopes(wanted, ctx.caller.scopes);
  throw new ForbiddenError(missing, message && `${message} (missing: ${missing.join(', ')})`);
}

/** For a scope check made in a service rather than on the field (e.g. "yourself, or members:write"). */
export function assertCallerHasScope(ctx: Context, scope: string): void {
  if (ctx.caller.kind === 'platform') return;
  if (ctx.caller.kind === 'anonymous' || !ctx.caller.scopes.has(scope)) throw new ForbiddenError([scope]);
}

// Names what a "every scope except …" request needs beyond the caller's own exclusions.
function missingScopes(wanted: ScopeSet, held: ScopeSet): string[] {
  if (!wanted.unbounded) return held.missing(wanted.toArray());
  if (!held.unbounded) return [ALL_SCOPES];
  const excludedFromHeld = held.toArray().filter((s) => s.startsWith('!')).map((s) => s.slice(1));
  const missing = excludedFromHeld.filter((s) => wanted.has(s));
  return missing.length ? missing : [ALL_SCOPES];
}


const AUDIT_READ_SCOPE = 'audit:read';

/**
 * The tenant whose audit trail the caller may read: the platform operator names one; a tenant
 * caller needs audit:read and reads its own (naming another tenant is NOT_FOUND).
 */
export async function auditReadTenant(ctx: Context, requested: string | null | undefined, path: string[] = ['tenantId']): Promise<string> {
  if (ctx.caller.kind === 'anonymous') throw new AuthenticationError();
  if (ctx.caller.kind !== 'platform' && !ctx.caller.scopes.has(AUDIT_READ_SCOPE)) throw new ForbiddenError([AUDIT_READ_SCOPE]);
  return targetTenantId(ctx, requested, path);
}
