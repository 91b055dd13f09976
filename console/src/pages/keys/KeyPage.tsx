import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ForbiddenError, NotFoundError, isId } from '@keywarden/sdk';
import { kw } from '../../api.ts';
import { explainError } from '../../errors.ts';
import { graphql } from '../../gql/index.ts';
import type { ConsoleKeyGroupQuery, ConsoleKeyOwnerQuery, ConsoleKeyQuery, ConsoleTenantIpRulesQuery } from '../../gql/graphql.ts';
import { Link, useTitle } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import type { PageProps } from '../index.ts';
import { KeyPageActions } from './KeyPageActions.tsx';
import { When, count, duration } from './keyPageFormat.tsx';

// A key's page: everything the API knows of it, plainly, and its single-key actions. The key's own
// fields need keys:read; its owner, its group (with the group's IP rules) and the tenant's IP rules
// need members:read, groups:read and tenant:read, so each is asked on its own: a role without one
// still sees the key, with a note where the API refused the rest.

const ConsoleKey = graphql(`
  query ConsoleKey($id: ID!) {
    apiKey(id: $id) {
      id name description contactEmail publicId maskedKey status canary tokenExchangeOnly tokenTtlSeconds externalId
      scopes effectiveScopes endpoints metadata
      ipRules { id action cidr description }
      expiresAt createdAt updatedAt revokedAt revokedReason
      createdBy { type id displayName }
      lastUsedAt lastUsedIp usageCount
      credits { remaining nextRefillAt refill { amount intervalSeconds } }
      rateLimitStatus { name limit windowMs remaining resetAt source counting }
      rotation { state graceEndsAt waitUntil gracePeriodSeconds }
      networks { network lastAddress firstSeenAt lastSeenAt }
    }
  }
`);

const ConsoleKeyOwner = graphql(`
  query ConsoleKeyOwner($id: ID!) {
    apiKey(id: $id) { id owner { id name email status } }
  }
`);

const ConsoleKeyGroup = graphql(`
  query ConsoleKeyGroup($id: ID!) {
    apiKey(id: $id) { id group { id name limitsScopes scopeLimit ipRules { id action cidr description } } }
  }
`);

const ConsoleTenantIpRules = graphql(`
  query ConsoleTenantIpRules {
    tenant { id ipRules { id action cidr description } }
  }
`);

type Key = NonNullable<ConsoleKeyQuery['apiKey']>;
type Owner = NonNullable<ConsoleKeyOwnerQuery['apiKey']>['owner'];
type Group = NonNullable<NonNullable<ConsoleKeyGroupQuery['apiKey']>['group']>;
type Rule = NonNullable<ConsoleTenantIpRulesQuery['tenant']>['ipRules'][number];
/** A part of the page the API answered, or its refusal. */
type Part<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Loaded {
  key: Key;
  owner: Part<Owner>;
  group: Part<Group | null>;
  tenantRules: Part<Rule[]>;
}

/** The part of an answer `pick` takes, or the request's error. */
function part<A, T>(settled: PromiseSettledResult<A>, pick: (answer: A) => T): Part<T> {
  return settled.status === 'fulfilled' ? { ok: true, value: pick(settled.value) } : { ok: false, error: settled.reason };
}

export function KeyPage({ params }: PageProps) {
  const id = params.id ?? '';
  const { can } = useSession();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'notFound' | 'failed'>('loading');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);
  useTitle(state === 'notFound' ? 'Key not found' : loaded ? `Key ${loaded.key.name}` : 'API key');

  const load = useCallback(async () => {
    // Not a key id at all: no key can have it (the API would refuse the argument).
    if (!isId('key', id)) {
      setState('notFound');
      return;
    }
    const [key, owner, group, tenant] = await Promise.allSettled([
      kw.request(ConsoleKey, { id }),
      kw.request(ConsoleKeyOwner, { id }),
      kw.request(ConsoleKeyGroup, { id }),
      kw.request(ConsoleTenantIpRules, {}),
    ]);
    if (key.status === 'rejected' || !key.value.apiKey) {
      const reason = key.status === 'rejected' ? key.reason : null;
      if (reason === null || reason instanceof NotFoundError) setState('notFound');
      else {
        setError(reason);
        setState('failed');
      }
      setLoaded(null);
      return;
    }
    setLoaded({
      key: key.value.apiKey,
      owner: part(owner, (answer) => answer.apiKey!.owner),
      group: part(group, (answer) => answer.apiKey?.group ?? null),
      tenantRules: part(tenant, (answer) => answer.tenant?.ipRules ?? []),
    });
    setError(null);
    setState('ready');
  }, [id]);

  useEffect(() => {
    setState('loading');
    setDone(null);
    void load();
  }, [load]);

  const changed = useCallback(
    async (message: string) => {
      await load().catch(() => undefined);
      setDone(message);
      doneRef.current?.focus();
    },
    [load],
  );

  if (state === 'notFound') {
    return (
      <main>
        <h1>Key not found</h1>
        <p>
          There is no key with the id <code>{id}</code> in your tenant: it was deleted, or the link is wrong.
        </p>
        <p>
          <Link to="/keys">Go to the keys.</Link>
        </p>
      </main>
    );
  }
  if (state === 'failed') {
    return (
      <main>
        <h1>API key</h1>
        <ErrorNotice error={error} />
        <button type="button" onClick={() => void load()}>
          Try again
        </button>
      </main>
    );
  }
  if (!loaded) {
    return (
      <main>
        <h1>API key</h1>
        <p role="status">Loading…</p>
      </main>
    );
  }
  const { key } = loaded;
  return (
    <main className="key-page">
      <p className="crumbs">
        <Link to="/keys">API keys</Link> / {key.name}
      </p>
      <h1>{key.name}</h1>
      <p className="key-headline">
        <StatusBadge status={key.status} /> <code aria-label="Masked key">{key.maskedKey}</code>
        {key.canary && <span className="badge badge-canary">Canary key</span>}
      </p>
      <p ref={doneRef} tabIndex={-1} role="status" className={done ? 'notice' : 'visually-hidden'}>
        {done ?? ''}
      </p>

      <KeyPageActions apiKey={key} canWrite={can('keys:write')} onChanged={changed} />

      <section aria-labelledby="key-about">
        <h2 id="key-about">About</h2>
        <dl className="facts">
          <dt>Description</dt>
          <dd>{key.description || <span className="muted">none</span>}</dd>
          <dt>Contact email</dt>
          <dd>{key.contactEmail ? <a href={`mailto:${key.contactEmail}`}>{key.contactEmail}</a> : <span className="muted">none</span>}</dd>
          <dt>Public id</dt>
          <dd>
            <code>{key.publicId}</code> <span className="muted">(not a secret; also the OAuth client_id)</span>
          </dd>
          <dt>Key id</dt>
          <dd>
            <code>{key.id}</code>
          </dd>
          <dt>Status</dt>
          <dd>{STATUS_WORDS[key.status]}</dd>
          <dt>Group</dt>
          <dd>
            <Shown part={loaded.group} scope="groups:read">
              {(group) =>
                group ? (
                  <>
                    <Link to={`/groups?id=${encodeURIComponent(group.id)}`}>{group.name}</Link> ·{' '}
                    <Link to={`/keys?group=${encodeURIComponent(group.id)}`}>keys in this group</Link>
                  </>
                ) : (
                  <span className="muted">none</span>
                )
              }
            </Shown>
          </dd>
          <dt>Owner</dt>
          <dd>
            <Shown part={loaded.owner} scope="members:read">
              {(owner) => (
                <>
                  {owner.name} &lt;{owner.email}&gt;
                  {owner.status !== 'ACTIVE' && <strong> ({owner.status.toLowerCase()}: the key is refused)</strong>} ·{' '}
                  <Link to={`/keys?owner=${encodeURIComponent(owner.id)}`}>keys of this owner</Link>
                </>
              )}
            </Shown>
          </dd>
          <dt>External id</dt>
          <dd>{key.externalId ? <code>{key.externalId}</code> : <span className="muted">none</span>}</dd>
          <dt>Canary</dt>
          <dd>{key.canary ? 'Yes: a honeytoken, never valid; any use is recorded as canary.triggered' : 'No'}</dd>
          <dt>Created</dt>
          <dd>
            <When at={key.createdAt} />
            {' by '}
            {key.createdBy ? (
              <>
                {key.createdBy.displayName ?? <span className="muted">(no longer exists)</span>} <span className="muted">({key.createdBy.type === 'MEMBER' ? 'member' : 'API key'} <code>{key.createdBy.id}</code>)</span>
              </>
            ) : (
              <span className="muted">no API call (seeded)</span>
            )}
          </dd>
          <dt>Last changed</dt>
          <dd>
            <When at={key.updatedAt} />
          </dd>
          {key.revokedAt && (
            <>
              <dt>Revoked</dt>
              <dd>
                <When at={key.revokedAt} />
                {key.revokedReason && <> — “{key.revokedReason}”</>}
              </dd>
            </>
          )}
        </dl>
      </section>

      <section aria-labelledby="key-expiry">
        <h2 id="key-expiry">Expiry and rotation</h2>
        <dl className="facts">
          <dt>Expires</dt>
          <dd>
            <When at={key.expiresAt} none="never" />
          </dd>
          <dt>Rotation</dt>
          <dd>
            {!key.rotation && 'Only the current secret works.'}
            {key.rotation?.state === 'GRACE' && (
              <>
                In its grace period: the previous secret still works until <When at={key.rotation.graceEndsAt} />.
              </>
            )}
            {key.rotation?.state === 'WAITING_FOR_FIRST_USE' && (
              <>
                Waiting for the new secret's first use: both work until then
                {key.rotation.gracePeriodSeconds ? `, and the previous one for ${duration(key.rotation.gracePeriodSeconds)} after it` : ''}. Unused, the previous
                secret stops <When at={key.rotation.waitUntil} />.
              </>
            )}
          </dd>
          <dt>Access tokens</dt>
          <dd>
            {key.tokenExchangeOnly ? 'Accepted only at /oauth/token and /oauth/revoke: only its access tokens act. ' : ''}
            Lifetime: {key.tokenTtlSeconds ? duration(key.tokenTtlSeconds) : "its group's setting, else the tenant's default"}
          </dd>
        </dl>
      </section>

      <section aria-labelledby="key-access">
        <h2 id="key-access">What it may do</h2>
        <dl className="facts">
          <dt>Scopes given</dt>
          <dd>
            <ScopeList scopes={key.scopes} />
          </dd>
          <dt>Effective scopes</dt>
          <dd>
            <ScopeList scopes={key.effectiveScopes} />
            <p className="muted">The scopes given, within its owner's role{loaded.group.ok && loaded.group.value?.limitsScopes ? " and its group's scope limit" : ''}.</p>
            {key.scopes.filter((s) => !key.effectiveScopes.includes(s)).length > 0 && (
              <p>
                Held back: <ScopeList scopes={key.scopes.filter((s) => !key.effectiveScopes.includes(s))} />
              </p>
            )}
          </dd>
          <dt>Endpoints</dt>
          <dd>{key.endpoints.length === 0 || (key.endpoints.length === 1 && key.endpoints[0] === '*') ? 'Every endpoint (*)' : <ScopeList scopes={key.endpoints} />}</dd>
        </dl>
      </section>

      <section aria-labelledby="key-ip">
        <h2 id="key-ip">IP rules</h2>
        <p className="muted">A request passes when, at every level, no DENY rule matches and, where a level has ALLOW rules, one of them matches.</p>
        <IpRuleTable
          levels={[
            { level: 'This key', rules: { ok: true, value: key.ipRules }, scope: 'keys:read' },
            { level: 'Its group', rules: loaded.group.ok ? { ok: true, value: loaded.group.value?.ipRules ?? [] } : loaded.group, scope: 'groups:read' },
            { level: 'The tenant', rules: loaded.tenantRules, scope: 'tenant:read' },
          ]}
        />
      </section>

      <section aria-labelledby="key-usage">
        <h2 id="key-usage">Usage</h2>
        <dl className="facts">
          <dt>Successful uses</dt>
          <dd>{count(key.usageCount)}</dd>
          <dt>Last used</dt>
          <dd>
            <When at={key.lastUsedAt} none="never (recorded a few seconds late)" />
            {key.lastUsedIp && (
              <>
                {' '}
                from <code>{key.lastUsedIp}</code>
              </>
            )}
          </dd>
          <dt>Credits</dt>
          <dd>
            {key.credits ? (
              <>
                {count(key.credits.remaining)} uses left
                {key.credits.refill && (
                  <>
                    ; set back to {count(key.credits.refill.amount)} every {duration(key.credits.refill.intervalSeconds)}, next <When at={key.credits.nextRefillAt} />
                  </>
                )}
              </>
            ) : (
              'none (unlimited uses)'
            )}
          </dd>
        </dl>
        {key.rateLimitStatus.length === 0 ? (
          <p>No rate limits apply.</p>
        ) : (
          <table className="key-table">
            <caption>Rate limits in force</caption>
            <thead>
              <tr>
                <th scope="col">Limit</th>
                <th scope="col">Allowed</th>
                <th scope="col">Left now</th>
                <th scope="col">Window ends</th>
                <th scope="col">Set on</th>
              </tr>
            </thead>
            <tbody>
              {key.rateLimitStatus.map((limit) => (
                <tr key={`${limit.source}-${limit.name}`}>
                  <td>{limit.name === 'default' ? 'default (unnamed)' : limit.name}</td>
                  <td>
                    {count(limit.limit)} per {duration(Math.round(limit.windowMs / 1000))}
                  </td>
                  <td>{count(limit.remaining)}</td>
                  <td>
                    <When at={limit.resetAt} none="no window running" />
                  </td>
                  <td>
                    {SOURCE_WORDS[limit.source]}
                    {limit.counting === 'IDENTITY' ? ', shared by the identity' : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="key-networks">
        <h2 id="key-networks">Networks it was used from</h2>
        {key.networks.length === 0 ? (
          <p>None recorded yet.</p>
        ) : (
          <table className="key-table">
            <caption className="visually-hidden">Networks the key was used from, most recent first</caption>
            <thead>
              <tr>
                <th scope="col">Network</th>
                <th scope="col">Last address</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {key.networks.map((network) => (
                <tr key={network.network}>
                  <td>
                    <code>{network.network}</code>
                  </td>
                  <td>
                    <code>{network.lastAddress}</code>
                  </td>
                  <td>
                    <When at={network.firstSeenAt} />
                  </td>
                  <td>
                    <When at={network.lastSeenAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="key-metadata">
        <h2 id="key-metadata">Metadata</h2>
        {key.metadata === null || key.metadata === undefined ? <p>None.</p> : <pre className="key-metadata">{JSON.stringify(key.metadata, null, 2)}</pre>}
      </section>
    </main>
  );
}

const STATUS_WORDS: Record<Key['status'], string> = {
  ACTIVE: 'Active: requests with it are accepted (within its scopes and rules)',
  DISABLED: 'Disabled: requests with it are refused until it is enabled again',
  EXPIRED: 'Expired: requests with it are refused',
  REVOKED: 'Revoked: refused for good',
};

const SOURCE_WORDS: Record<Key['rateLimitStatus'][number]['source'], string> = { KEY: 'the key', GROUP: 'its group', IDENTITY: 'its identity' };

function StatusBadge({ status }: { status: Key['status'] }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status.charAt(0) + status.slice(1).toLowerCase()}</span>;
}

function ScopeList({ scopes }: { scopes: readonly string[] }) {
  if (scopes.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="chips">
      {scopes.map((scope) => (
        <li key={scope}>
          <code>{scope}</code>
        </li>
      ))}
    </ul>
  );
}

/** A part of the page the API answered, or why it did not (a missing read scope, in words). */
function Shown<T>({ part, scope, children }: { part: Part<T>; scope: string; children: (value: T) => ReactNode }) {
  if (part.ok) return <>{children(part.value)}</>;
  if (part.error instanceof ForbiddenError) return <span className="muted">hidden: seeing it needs {scope}, which your role does not hold</span>;
  return <span className="muted">{explainError(part.error).message}</span>;
}

function IpRuleTable({ levels }: { levels: { level: string; rules: Part<readonly Rule[]>; scope: string }[] }) {
  return (
    <table className="key-table">
      <caption className="visually-hidden">IP rules that apply to the key, by level</caption>
      <thead>
        <tr>
          <th scope="col">Level</th>
          <th scope="col">Rule</th>
          <th scope="col">Address range</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {levels.map(({ level, rules, scope }) =>
          !rules.ok || rules.value.length === 0 ? (
            <tr key={level}>
              <th scope="row">{level}</th>
              <td colSpan={3}>{rules.ok ? <span className="muted">no rules: any address</span> : <Shown part={rules} scope={scope}>{() => null}</Shown>}</td>
            </tr>
          ) : (
            rules.value.map((rule, i) => (
              <tr key={rule.id}>
                <th scope="row">{i === 0 ? level : <span className="visually-hidden">{level}</span>}</th>
                <td>{rule.action === 'ALLOW' ? 'Allow' : 'Deny'}</td>
                <td>
                  <code>{rule.cidr}</code>
                </td>
                <td>{rule.description || <span className="muted">none</span>}</td>
              </tr>
            ))
          ),
        )}
      </tbody>
    </table>
  );
}
