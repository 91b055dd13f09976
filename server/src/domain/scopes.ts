/**
 * Scopes: permission strings `resource:action`.
 *
 * Management scopes guard the management API itself; each tenant adds its own resource scopes.
 * Built-in roles have fixed scopes. OWNER and ADMIN hold every scope of the tenant, including
 * resource scopes created later, which is why scope lists understand two markers besides names:
 *   `*`        every scope
 *   `!name`    minus this scope (only meaningful together with `*`)
 * so OWNER = `*` and ADMIN = `* !tenant:admin`. Neither marker is a valid scope name, so they
 * cannot collide with one. A `ScopeSet` is either a finite set of names or "every scope except
 * a finite set", which keeps intersection and subset checks exact without knowing the tenant's
 * scope catalogue; `expand(catalogue)` turns it into a plain list when one is needed.
 */

export const SCOPE_NAME_MAX_LENGTH = 100;
export const ALL_SCOPES = '*';
const EXCLUDE_PREFIX = '!';

const SCOPE_PART_RE = /^[a-z][a-z0-9_.-]*$/;

/** Returns an error message, or null when `name` is a valid `resource:action` scope name. */
export function validateScopeName(name: string): string | null {
  if (name.length === 0) return 'Scope name must not be empty';
  if (name.length > SCOPE_NAME_MAX_LENGTH) {
    return `Scope name must be at most ${SCOPE_NAME_MAX_LENGTH} characters`;
  }
  const parts = name.split(':');
  if (parts.length !== 2) return `Scope "${name}" must have the form resource:action`;
  const [resource = '', action = ''] = parts;
  for (const [label, part] of [
    ['resource', resource],
    ['action', action],
  ] as const) {
    if (!SCOPE_PART_RE.test(part)) {
      return `Scope "${name}": the ${label} must start with a lowercase letter and contain only lowercase letters, digits, "_", "-" and "."`;
    }
  }
  return null;
}

export const MANAGEMENT_SCOPES = [
  { name: 'tenant:read', description: 'Read the tenant settings (key prefix, maximum key lifetime, token lifetime, tenant IP rules)' },
  { name: 'tenant:admin', description: 'Change the tenant settings and tenant-wide IP rules, and transfer ownership' },
  { name: 'members:read', description: 'List members and their roles' },
  { name: 'members:write', description: 'Invite, update, disable and remove members and assign their roles' },
  { name: 'roles:read', description: 'List roles and their scopes' },
  { name: 'roles:write', description: 'Create, update and delete custom roles' },
  { name: 'scopes:read', description: "List the tenant's scopes" },
  { name: 'scopes:write', description: "Create, update and delete the tenant's resource scopes" },
  { name: 'groups:read', description: 'List key groups with their default scopes and IP rules' },
  { name: 'groups:write', description: 'Create, update and delete key groups, their default scopes and IP rules' },
  { name: 'keys:read', description: 'List API keys and their settings (never their secrets)' },
  { name: 'keys:write', description: 'Create, update, rotate, disable and revoke API keys, their IP rules and endpoints' },
  { name: 'keys:verify', description: 'Verify presented credentials and introspect access tokens (for resource servers)' },
  { name: 'tokens:read', description: 'List access tokens issued from the tenant\'s keys' },
  { name: 'tokens:write', description: "Issue and revoke access tokens for the tenant's keys" },
  { name: 'audit:read', description: "Read the tenant's audit trail" },
  { name: 'webhooks:read', description: 'List webhook endpoints and their deliveries (never their signing secrets)' },
  { name: 'webhooks:write', description: 'Create, update, pause, delete webhook endpoints, rotate their secrets and redeliver events' },
] as const satisfies readonly { name: string; description: string }[];

export type ManagementScope = (typeof MANAGEMENT_SCOPES)[number]['name'];

const MANAGEMENT_SCOPE_NAMES: readonly ManagementScope[] = MANAGEMENT_SCOPES.map((s) => s.name);
const MANAGEMENT_SCOPE_SET: ReadonlySet<string> = new Set(MANAGEMENT_SCOPE_NAMES);

export function isManagementScope(name: string): name is ManagementScope {
  return MANAGEMENT_SCOPE_SET.has(name);
}

export type BuiltIn = 'OWNER' | 'ADMIN' | 'MEMBER' | 'VIEWER';
export const BUILT_IN_ROLES: readonly BuiltIn[] = ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'];

const BUILT_IN_ROLE_SCOPES: Readonly<Record<BuiltIn, readonly string[]>> = {
  OWNER: [ALL_SCOPES],
  ADMIN: [ALL_SCOPES, `${EXCLUDE_PREFIX}tenant:admin`],
  // Reading everything but the audit trail, and verifying credentials; no resource scopes.
  MEMBER: [...MANAGEMENT_SCOPE_NAMES.filter((s) => s.endsWith(':read') && s !== 'audit:read'), 'keys:verify'],
  VIEWER: ['members:read', 'roles:read', 'scopes:read', 'groups:read', 'keys:read'],
};

export interface ScopeSet {
  /** True for "every scope" (possibly minus exclusions). */
  readonly unbounded: boolean;
  has(scope: string): boolean;
  intersect(other: ScopeSet | readonly string[]): ScopeSet;
  includesAll(scopes: Iterable<string>): boolean;
  /** The scopes of `scopes` not held, in the given order, without duplicates. */
  missing(scopes: Iterable<string>): string[];
  /** True when every scope of this set is in `other`. */
  isSubsetOf(other: ScopeSet | readonly string[]): boolean;
  /** Sorted names; an unbounded set is `['*', '!excluded', ...]`. Round-trips through `scopeSet`. */
  toArray(): string[];
  /** The scopes of `catalogue` held by this set, sorted: a plain list for an unbounded set. */
  expand(catalogue: Iterable<string>): string[];
}

class ScopeSetImpl implements ScopeSet {
  /**
   * @param unbounded every scope except `names`, or (false) exactly `names`
   */
  constructor(
    readonly unbounded: boolean,
    private readonly names: ReadonlySet<string>,
  ) {}

  has(scope: string): boolean {
    if (scope === ALL_SCOPES) return this.unbounded && this.names.size === 0;
    return this.unbounded ? !this.names.has(scope) : this.names.has(scope);
  }

  intersect(otherInput: ScopeSet | readonly string[]): ScopeSet {
    const other = toImpl(otherInput);
    if (this.unbounded && other.unbounded) {
      return new ScopeSetImpl(true, new Set([...this.names, ...other.names]));
    }
    const [finite, rest] = this.unbounded ? [other, this] : [this, other];
    return new ScopeSetImpl(false, new Set([...finite.names].filter((s) => rest.has(s))));
  }

  includesAll(scopes: Iterable<string>): boolean {
    for (const s of scopes) if (!this.has(s)) return false;
    return true;
  }

  missing(scopes: Iterable<string>): string[] {
    const result = new Set<string>();
    for (const s of scopes) if (!this.has(s)) result.add(s);
    return [...result];
  }

  isSubsetOf(otherInput: ScopeSet | readonly string[]): boolean {
    const other = toImpl(otherInput);
    if (!this.unbounded) return [...this.names].every((s) => other.has(s));
    // "all but E" fits only in "all but F" with F ⊆ E: there are always more scopes than any list.
    return other.unbounded && [...other.names].every((s) => this.names.has(s));
  }

  toArray(): string[] {
    const sorted = [...this.names].sort();
    return this.unbounded ? [ALL_SCOPES, ...sorted.map((s) => EXCLUDE_PREFIX + s)] : sorted;
  }

  expand(catalogue: Iterable<string>): string[] {
    return [...new Set(catalogue)].filter((s) => s !== ALL_SCOPES && this.has(s)).sort();
  }
}

function toImpl(input: ScopeSet | readonly string[]): ScopeSetImpl {
  // scopeSet always builds a ScopeSetImpl.
  return scopeSet(input) as ScopeSetImpl;
}

/**
 * Builds a set from a scope list. `*` makes it unbounded; `!name` removes a scope (exclusions win
 * over inclusions, the safe reading of a contradictory list).
 */
export function scopeSet(list: Iterable<string> | ScopeSet): ScopeSet {
  if (list instanceof ScopeSetImpl) return list;
  const entries = [...(isScopeSetLike(list) ? list.toArray() : list)];
  const unbounded = entries.includes(ALL_SCOPES);
  const excluded = new Set(
    entries.filter((s) => s.startsWith(EXCLUDE_PREFIX)).map((s) => s.slice(EXCLUDE_PREFIX.length)),
  );
  if (unbounded) return new ScopeSetImpl(true, excluded);
  const included = entries.filter((s) => s !== ALL_SCOPES && !s.startsWith(EXCLUDE_PREFIX) && !excluded.has(s));
  return new ScopeSetImpl(false, new Set(included));
}

function isScopeSetLike(value: Iterable<string> | ScopeSet): value is ScopeSet {
  return typeof (value as Partial<ScopeSet>).toArray === 'function' && typeof (value as Partial<ScopeSet>).has === 'function';
}

/** A built-in role's fixed scopes (its stored `scopes` are ignored), or a custom role's scopes. */
export function roleScopes(role: { builtIn: BuiltIn | null; scopes: readonly string[] }): ScopeSet {
  return scopeSet(role.builtIn === null ? role.scopes : BUILT_IN_ROLE_SCOPES[role.builtIn]);
}

/**
 * What a key may actually do: key scopes ∩ owner's role scopes ∩ group scopes (when the group
 * restricts), so a key never grants more than the member it acts for.
 */
export function effectiveScopes(input: {
  keyScopes: ScopeSet | readonly string[];
  ownerRoleScopes: ScopeSet | readonly string[];
  groupScopeLimit: ScopeSet | readonly string[] | null;
}): ScopeSet {
  const keyAndRole = toImpl(input.keyScopes).intersect(input.ownerRoleScopes);
  return input.groupScopeLimit === null ? keyAndRole : keyAndRole.intersect(input.groupScopeLimit);
}
