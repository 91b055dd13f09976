import { useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { ConflictError, ValidationError, type CreateKeyInput, type ExpiresIn, type GroupId, type MemberId } from '@keywarden/sdk';
import { kw } from '../../api.ts';
import { explainError } from '../../errors.ts';
import { graphql } from '../../gql/index.ts';
import { useSession } from '../../session.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { SecretOnce } from '../../ui/SecretOnce.tsx';

// The "Create key" dialog (the seeds' create-key screens: name, description, contact email, group,
// owner, scopes from the catalogue, expiry presets or a date, IP rules, endpoints, metadata), then
// the key shown once. Every rule is the API's: the form sends what was typed and shows the API's
// answer at the fields; nothing is created unless the API says so.

const CreateKeyTenant = graphql(`
  query CreateKeyTenant {
    tenant { id maxKeyLifetimeSeconds }
  }
`);

const CreateKeyGroups = graphql(`
  query CreateKeyGroups($after: String) {
    groups(first: 100, after: $after) {
      edges { node { id name defaultScopes defaultExpirySeconds } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const CreateKeyMembers = graphql(`
  query CreateKeyMembers($after: String) {
    members(first: 100, after: $after, filter: { status: ACTIVE }) {
      edges { node { id name email } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const CreateKeyScopes = graphql(`
  query CreateKeyScopes($after: String) {
    scopes(first: 100, after: $after) {
      edges { node { id name description } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const CreateKeyManagementScopes = graphql(`
  query CreateKeyManagementScopes {
    managementScopes { name description }
  }
`);

type Connection<T> = { edges: { node: T }[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } };

/** Every page of a connection (the server answers at most 100 a page). */
async function everything<T>(page: (after: string | null) => Promise<Connection<T>>): Promise<T[]> {
  const all: T[] = [];
  let after: string | null = null;
  for (;;) {
    const connection: Connection<T> = await page(after);
    all.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) return all;
    after = connection.pageInfo.endCursor;
  }
}

/** Each list loads on its own: a role that may not read one of them still gets the rest of the form. */
type Loaded<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; error: unknown };

function useLoaded<T>(load: () => Promise<T>): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setLoaded({ state: 'ready', value }),
      (error: unknown) => live && setLoaded({ state: 'failed', error }),
    );
    return () => {
      live = false;
    };
    // Loaded once per opening of the dialog.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return loaded;
}

const valueOf = <T,>(loaded: Loaded<T>, fallback: T): T => (loaded.state === 'ready' ? loaded.value : fallback);

/** A field the API named: marked invalid and described by the API's words. */
const invalid = (message: string | undefined, id: string) => (message ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {});

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p className="field-error" id={`${id}-error`}>
      {message}
    </p>
  ) : null;
}

/** The API's presets (and 30 days, which the SDK sends as a date), shown only when the tenant allows them. */
const EXPIRY_CHOICES: { value: string; label: string; seconds: number; expiresIn: ExpiresIn }[] = [
  { value: '1h', label: '1 hour', seconds: 3_600, expiresIn: '1h' },
  { value: '12h', label: '12 hours', seconds: 43_200, expiresIn: '12h' },
  { value: '1d', label: '1 day', seconds: 86_400, expiresIn: '1d' },
  { value: '5d', label: '5 days', seconds: 432_000, expiresIn: '5d' },
  { value: '30d', label: '30 days', seconds: 2_592_000, expiresIn: { days: 30 } },
  { value: '1y', label: '1 year', seconds: 31_536_000, expiresIn: '1y' },
];

const LINK_LIFETIMES = [
  { value: 3_600, label: '1 hour' },
  { value: 86_400, label: '24 hours' },
  { value: 604_800, label: '7 days' },
];

function duration(seconds: number): string {
  for (const [size, unit] of [[86_400, 'day'], [3_600, 'hour'], [60, 'minute']] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${unit}${seconds === size ? '' : 's'}`;
  }
  return `${seconds} seconds`;
}

interface IpRuleRow { id: number; cidr: string; action: 'ALLOW' | 'DENY'; note: string }
interface MetadataRow { id: number; key: string; value: string }

/** What SecretOnce shows: the key text (or the reveal link) and the key's name. */
interface Issued { name: string; secrets: { label: string; value: string }[] }

export function CreateKeyDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const [issued, setIssued] = useState<Issued | null>(null);
  const [busy, setBusy] = useState(false);
  // Focus goes back to what opened the dialog. Only one of the two dialogs is in the page at a
  // time (they share ui/Dialog's title id), so the browser's own return of focus does not apply.
  const opener = useRef<HTMLElement | null>(null);
  const shown = (open && issued === null) || issued !== null;
  const wasShown = useRef(false);
  useLayoutEffect(() => {
    // A layout effect runs before ui/Dialog's showModal: the focus is still on the opener.
    if (open && !wasShown.current && document.activeElement instanceof HTMLElement) opener.current = document.activeElement;
  }, [open]);
  useEffect(() => {
    if (shown) {
      wasShown.current = true;
      return;
    }
    if (wasShown.current) {
      wasShown.current = false;
      if (opener.current?.isConnected) opener.current.focus();
    }
  }, [shown]);

  if (issued !== null) {
    return (
      <SecretOnce
        title={`Key "${issued.name}" created`}
        secrets={issued.secrets}
        onDone={() => {
          // The text leaves the console's state here: from now on only the public id and the masked key.
          setIssued(null);
          onCreated();
          onClose();
        }}
      />
    );
  }
  if (!open) return null;
  return (
    <Dialog title="Create key" open onClose={() => !busy && onClose()} closable={!busy}>
      <CreateKeyForm busy={busy} setBusy={setBusy} onCancel={onClose} onIssued={setIssued} />
    </Dialog>
  );
}

function CreateKeyForm({ busy, setBusy, onCancel, onIssued }: { busy: boolean; setBusy: (busy: boolean) => void; onCancel: () => void; onIssued: (issued: Issued) => void }) {
  const { who } = useSession();
  const tenant = useLoaded(async () => (await kw.request(CreateKeyTenant, {})).tenant);
  const groups = useLoaded(() => everything(async (after) => (await kw.request(CreateKeyGroups, { after })).groups));
  const members = useLoaded(() => everything(async (after) => (await kw.request(CreateKeyMembers, { after })).members));
  const catalogue = useLoaded(() => everything(async (after) => (await kw.request(CreateKeyScopes, { after })).scopes));
  const managementScopes = useLoaded(async () => (await kw.request(CreateKeyManagementScopes, {})).managementScopes);

  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [contactEmail, setContactEmail] = useState('');
  const [groupId, setGroupId] = useState('');
  const [ownerId, setOwnerId] = useState(who.me.id);
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiry, setExpiry] = useState('default');
  const [expiresAt, setExpiresAt] = useState('');
  const [ipRules, setIpRules] = useState<IpRuleRow[]>([]);
  const [endpoints, setEndpoints] = useState('');
  const [metadata, setMetadata] = useState<MetadataRow[]>([]);
  const [publicId, setPublicId] = useState('');
  const [revealLink, setRevealLink] = useState(false);
  const [linkLifetime, setLinkLifetime] = useState(86_400);
  const [error, setError] = useState<unknown>(null);
  /** What the form itself cannot send (a half-typed date); every other message is the API's. */
  const [incomplete, setIncomplete] = useState<Record<string, string>>({});
  const nextRow = useRef(1);
  const form = useRef<HTMLFormElement>(null);
  // After "Add", the new row's first field takes the focus (keyboard users land where they type).
  const [focusRow, setFocusRow] = useState<string | null>(null);
  useEffect(() => {
    if (focusRow) form.current?.querySelector<HTMLElement>(`#${focusRow}`)?.focus();
  }, [focusRow]);

  const groupList = valueOf(groups, []);
  const group = groupList.find((g) => g.id === groupId) ?? null;
  const maxLifetime = tenant.state === 'ready' ? (tenant.value?.maxKeyLifetimeSeconds ?? null) : null;
  const expiryChoices = EXPIRY_CHOICES.filter((choice) => maxLifetime === null || choice.seconds <= maxLifetime);
  const defaultExpiry = group?.defaultExpirySeconds != null
    ? `The group's default (${duration(maxLifetime === null ? group.defaultExpirySeconds : Math.min(group.defaultExpirySeconds, maxLifetime))})`
    : maxLifetime !== null
      ? `The tenant's maximum (${duration(maxLifetime)})`
      : 'Never';

  // The API's field errors, by their path inside the input (`name`, `ipRules.0.cidr`, …).
  const fieldErrors: Record<string, string> = {};
  if (error instanceof ValidationError) {
    for (const field of error.fieldErrors) {
      const path = field.path[0] === 'input' ? field.path.slice(1) : field.path;
      const key = path.join('.');
      fieldErrors[key] = fieldErrors[key] ? `${fieldErrors[key]} ${field.message}` : field.message;
    }
  }
  if (error instanceof ConflictError && error.field) fieldErrors[error.field] = error.message;
  Object.assign(fieldErrors, incomplete);
  const placed = new Set<string>();
  const at = (...keys: string[]): string | undefined => {
    const messages = Object.keys(fieldErrors)
      .filter((key) => keys.some((want) => key === want || (want.endsWith('.*') && key.startsWith(want.slice(0, -1)))))
      .map((key) => {
        placed.add(key);
        return fieldErrors[key]!;
      });
    return messages.length > 0 ? messages.join(' ') : undefined;
  };

  const nameError = at('name');
  const descriptionError = at('description');
  const emailError = at('contactEmail');
  const groupError = at('groupId');
  const ownerError = at('ownerId');
  const scopesError = at('scopes', 'scopes.*');
  const expiryError = at('expiresIn', 'expiresAt');
  const ipRulesError = at('ipRules');
  const endpointsError = Object.keys(fieldErrors)
    .filter((key) => key === 'endpoints' || key.startsWith('endpoints.'))
    .map((key) => {
      placed.add(key);
      const line = key.split('.')[1];
      return line === undefined ? fieldErrors[key] : `Line ${Number(line) + 1}: ${fieldErrors[key]}`;
    })
    .join(' ') || undefined;
  const metadataError = at('metadata', 'metadata.*');
  const publicIdError = at('publicId');
  const deliveryError = at('delivery', 'revealLinkTtlSeconds');
  const ruleErrors = ipRules.map((_, index) => ({
    cidr: at(`ipRules.${index}.cidr`),
    action: at(`ipRules.${index}.action`),
    note: at(`ipRules.${index}.description`),
    row: at(`ipRules.${index}`),
  }));
  const unplaced = Object.keys(fieldErrors).filter((key) => !placed.has(key));

  const chooseGroup = (id: string) => {
    setGroupId(id);
    // A new key in a group gets its default scopes: start from them, as the API would.
    setScopes(groupList.find((g) => g.id === id)?.defaultScopes ?? []);
  };
  const toggleScope = (scope: string, on: boolean) => setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    let expiryInput: Pick<CreateKeyInput, 'expiresIn' | 'expiresAt'> = {};
    if (expiry === 'custom') {
      const at = new Date(expiresAt);
      if (expiresAt === '' || Number.isNaN(at.getTime())) {
        setError(null);
        setIncomplete({ expiresAt: 'Give a whole date and time, or choose another expiry.' });
        return;
      }
      expiryInput = { expiresAt: at.toISOString() };
    } else if (expiry !== 'default') {
      expiryInput = { expiresIn: EXPIRY_CHOICES.find((choice) => choice.value === expiry)!.expiresIn };
    }
    const endpointLines = endpoints.split('\n').map((line) => line.trim()).filter((line) => line !== '');
    const metadataRows = metadata.filter((row) => row.key !== '' || row.value !== '');
    const input: CreateKeyInput = {
      name,
      description: description === '' ? null : description,
      contactEmail: contactEmail === '' ? null : contactEmail,
      groupId: groupId === '' ? null : (groupId as GroupId),
      ownerId: ownerId as MemberId,
      scopes,
      ...expiryInput,
      ipRules: ipRules.map((rule) => ({ cidr: rule.cidr, action: rule.action, description: rule.note === '' ? null : rule.note })),
      endpoints: endpointLines.length > 0 ? endpointLines : null,
      metadata: metadataRows.length > 0 ? Object.fromEntries(metadataRows.map((row) => [row.key, row.value])) : null,
      publicId: publicId === '' ? null : publicId,
    };
    setBusy(true);
    setError(null);
    setIncomplete({});
    try {
      if (revealLink) {
        const created = await kw.keys.create({ ...input, delivery: 'REVEAL_LINK', revealLinkTtlSeconds: linkLifetime });
        onIssued({ name: created.apiKey.name, secrets: [{ label: 'Reveal link', value: created.revealUrl }] });
      } else {
        const created = await kw.keys.create({ ...input, delivery: 'KEY_TEXT' });
        const secrets = [{ label: 'API key', value: created.key }];
        // The API's client secret is the key text today; shown apart only if it ever differs.
        if (created.clientSecret && created.clientSecret !== created.key) secrets.push({ label: 'Client secret', value: created.clientSecret });
        onIssued({ name: created.apiKey.name, secrets });
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  // After a refused submit, the first field the API named takes the focus.
  useEffect(() => {
    if (error instanceof ValidationError || error instanceof ConflictError || Object.keys(incomplete).length > 0) {
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    }
  }, [error, incomplete]);

  const addIpRule = () => {
    const id = nextRow.current++;
    setIpRules((rows) => [...rows, { id, cidr: '', action: 'ALLOW', note: '' }]);
    setFocusRow(`ck-ip-${id}-cidr`);
  };
  const addMetadata = () => {
    const id = nextRow.current++;
    setMetadata((rows) => [...rows, { id, key: '', value: '' }]);
    setFocusRow(`ck-meta-${id}-key`);
  };
  const catalogueScopes = valueOf(catalogue, []);
  const managementList = valueOf(managementScopes, []);
  const loading = [tenant, groups, members, catalogue, managementScopes].some((l) => l.state === 'loading');

  return (
    <form ref={form} className="create-key" onSubmit={submit} noValidate aria-label="Create key">
      <p className="muted">The key is shown once, when it is created. Fields left empty take the group's or the tenant's defaults.</p>
      {error instanceof ValidationError || Object.keys(incomplete).length > 0 ? (
        <div className="error" role="alert">
          <p>Nothing was created: {Object.keys(fieldErrors).length > 0 ? 'some fields need another value (see below).' : explainError(error).message}</p>
          {unplaced.length > 0 && (
            <ul>
              {unplaced.map((key) => (
                <li key={key}>
                  <strong>{key}</strong>: {fieldErrors[key]}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : error instanceof ConflictError && error.field ? (
        <div className="error" role="alert">
          <p>Nothing was created: {explainError(error).message}</p>
        </div>
      ) : (
        <ErrorNotice error={error} />
      )}

      <div className="form-grid">
        <div className="field">
          <label htmlFor="ck-name">Name</label>
          <input id="ck-name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" {...invalid(nameError, 'ck-name')} />
          <FieldError id="ck-name" message={nameError} />
        </div>
        <div className="field">
          <label htmlFor="ck-contact">Contact email</label>
          <input id="ck-contact" type="email" value={contactEmail} onChange={(e) => setContactEmail(e.target.value)} autoComplete="off" {...invalid(emailError, 'ck-contact')} />
          <FieldError id="ck-contact" message={emailError} />
        </div>
      </div>
      <div className="field">
        <label htmlFor="ck-description">Description</label>
        <textarea id="ck-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} {...invalid(descriptionError, 'ck-description')} />
        <FieldError id="ck-description" message={descriptionError} />
      </div>

      <div className="form-grid">
        <div className="field">
          <label htmlFor="ck-group">Group</label>
          <select id="ck-group" value={groupId} onChange={(e) => chooseGroup(e.target.value)} {...invalid(groupError, 'ck-group')}>
            <option value="">No group</option>
            {groupList.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          {groups.state === 'failed' && <span className="muted">The groups could not be read: {explainError(groups.error).message}</span>}
          {group && (
            <span className="muted">
              Its new keys get {group.defaultScopes.length > 0 ? `the scopes ${group.defaultScopes.join(', ')}` : 'no scopes'}
              {group.defaultExpirySeconds != null ? ` and live ${duration(group.defaultExpirySeconds)}` : ''}.
            </span>
          )}
          <FieldError id="ck-group" message={groupError} />
        </div>
        <div className="field">
          <label htmlFor="ck-owner">Owner (the key acts for them)</label>
          <select id="ck-owner" value={ownerId} onChange={(e) => setOwnerId(e.target.value)} {...invalid(ownerError, 'ck-owner')}>
            {!valueOf(members, []).some((m) => m.id === who.me.id) && <option value={who.me.id}>{who.me.name} ({who.me.email})</option>}
            {valueOf(members, []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.email})
              </option>
            ))}
          </select>
          {members.state === 'failed' && <span className="muted">The members could not be read: {explainError(members.error).message}</span>}
          <FieldError id="ck-owner" message={ownerError} />
        </div>
      </div>

      <fieldset aria-describedby={scopesError ? 'ck-scopes-error' : undefined}>
        <legend>Scopes</legend>
        {catalogue.state === 'failed' && <p className="muted">The scope catalogue could not be read: {explainError(catalogue.error).message}</p>}
        {catalogue.state === 'ready' && catalogueScopes.length === 0 && <p className="muted">The tenant's scope catalogue is empty.</p>}
        <ul className="checks">
          {catalogueScopes.map((scope) => (
            <li key={scope.id}>
              <label className="inline">
                <input id={`ck-scope-${scope.name}`} type="checkbox" checked={scopes.includes(scope.name)} onChange={(e) => toggleScope(scope.name, e.target.checked)} />
                <code>{scope.name}</code>
                {scope.description && <span className="muted">{scope.description}</span>}
              </label>
            </li>
          ))}
        </ul>
        {managementList.length > 0 && (
          <details>
            <summary>Management API scopes (for a key that manages Keywarden itself)</summary>
            <ul className="checks">
              {managementList.map((scope) => (
                <li key={scope.name}>
                  <label className="inline">
                    <input id={`ck-scope-${scope.name}`} type="checkbox" checked={scopes.includes(scope.name)} onChange={(e) => toggleScope(scope.name, e.target.checked)} />
                    <code>{scope.name}</code>
                    <span className="muted">{scope.description}</span>
                  </label>
                </li>
              ))}
            </ul>
          </details>
        )}
        <FieldError id="ck-scopes" message={scopesError} />
      </fieldset>

      <fieldset>
        <legend>Expiry</legend>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="ck-expiry">Expires</label>
            <select id="ck-expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)} {...(expiry !== 'custom' ? invalid(expiryError, 'ck-expiry') : {})}>
              <option value="default">{defaultExpiry}</option>
              {expiryChoices.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
              <option value="custom">Custom date and time…</option>
            </select>
            {maxLifetime !== null && <span className="muted">The tenant's maximum key lifetime is {duration(maxLifetime)}.</span>}
          </div>
          {expiry === 'custom' && (
            <div className="field">
              <label htmlFor="ck-expires-at">Expires at (your local time)</label>
              <input id="ck-expires-at" type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} {...invalid(expiryError, 'ck-expires-at')} />
            </div>
          )}
        </div>
        <FieldError id={expiry === 'custom' ? 'ck-expires-at' : 'ck-expiry'} message={expiryError} />
      </fieldset>

      <fieldset>
        <legend>IP rules</legend>
        <p className="muted">Addresses or CIDR ranges this key may (allow) or may not (deny) be used from. None: every address (the group's and the tenant's rules still apply).</p>
        {ipRules.length > 0 && (
          <table className="rows">
            <thead>
              <tr>
                <th scope="col">Address or CIDR</th>
                <th scope="col">Action</th>
                <th scope="col">Note</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {ipRules.map((rule, index) => {
                const errors = ruleErrors[index]!;
                const set = (change: Partial<IpRuleRow>) => setIpRules((rows) => rows.map((row) => (row.id === rule.id ? { ...row, ...change } : row)));
                const base = `ck-ip-${rule.id}`;
                return (
                  <tr key={rule.id}>
                    <td>
                      <input id={`${base}-cidr`} aria-label={`Address or CIDR of IP rule ${index + 1}`} value={rule.cidr} onChange={(e) => set({ cidr: e.target.value })} placeholder="203.0.113.0/24" {...invalid(errors.cidr ?? errors.row, `${base}-cidr`)} />
                      <FieldError id={`${base}-cidr`} message={errors.cidr ?? errors.row} />
                    </td>
                    <td>
                      <select aria-label={`Action of IP rule ${index + 1}`} value={rule.action} onChange={(e) => set({ action: e.target.value as IpRuleRow['action'] })} {...invalid(errors.action, `${base}-action`)}>
                        <option value="ALLOW">Allow</option>
                        <option value="DENY">Deny</option>
                      </select>
                      <FieldError id={`${base}-action`} message={errors.action} />
                    </td>
                    <td>
                      <input aria-label={`Note of IP rule ${index + 1}`} value={rule.note} onChange={(e) => set({ note: e.target.value })} {...invalid(errors.note, `${base}-note`)} />
                      <FieldError id={`${base}-note`} message={errors.note} />
                    </td>
                    <td>
                      <button type="button" onClick={() => setIpRules((rows) => rows.filter((row) => row.id !== rule.id))}>
                        Remove IP rule {index + 1}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <FieldError id="ck-ip" message={ipRulesError} />
        <button type="button" onClick={addIpRule}>
          Add IP rule
        </button>
      </fieldset>

      <div className="field">
        <label htmlFor="ck-endpoints">Allowed endpoints, one pattern a line (empty: every endpoint)</label>
        <textarea id="ck-endpoints" rows={2} value={endpoints} onChange={(e) => setEndpoints(e.target.value)} placeholder="GET /v1/tickets/**" {...invalid(endpointsError, 'ck-endpoints')} />
        <FieldError id="ck-endpoints" message={endpointsError} />
      </div>

      <fieldset>
        <legend>Metadata</legend>
        <p className="muted">Returned with every verification of the key (at most 4 KiB).</p>
        {metadata.length > 0 && (
          <table className="rows">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Value</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {metadata.map((row, index) => {
                const set = (change: Partial<MetadataRow>) => setMetadata((rows) => rows.map((r) => (r.id === row.id ? { ...r, ...change } : r)));
                return (
                  <tr key={row.id}>
                    <td>
                      <input id={`ck-meta-${row.id}-key`} aria-label={`Key of metadata entry ${index + 1}`} value={row.key} onChange={(e) => set({ key: e.target.value })} />
                    </td>
                    <td>
                      <input aria-label={`Value of metadata entry ${index + 1}`} value={row.value} onChange={(e) => set({ value: e.target.value })} />
                    </td>
                    <td>
                      <button type="button" onClick={() => setMetadata((rows) => rows.filter((r) => r.id !== row.id))}>
                        Remove metadata entry {index + 1}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <FieldError id="ck-metadata" message={metadataError} />
        <button type="button" onClick={addMetadata}>
          Add metadata entry
        </button>
      </fieldset>

      <fieldset>
        <legend>Delivery</legend>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="ck-public-id">Public id (optional; pk_ and 3-64 letters, digits, _ or -)</label>
            <input id="ck-public-id" value={publicId} onChange={(e) => setPublicId(e.target.value)} autoComplete="off" placeholder="generated" {...invalid(publicIdError, 'ck-public-id')} />
            <FieldError id="ck-public-id" message={publicIdError} />
          </div>
          <div>
            <label className="inline">
              <input type="checkbox" checked={revealLink} onChange={(e) => setRevealLink(e.target.checked)} />
              Make a one-time reveal link instead of showing the key
            </label>
            {revealLink && (
              <div className="field">
                <label htmlFor="ck-link-lifetime">The link works for</label>
                <select id="ck-link-lifetime" value={linkLifetime} onChange={(e) => setLinkLifetime(Number(e.target.value))}>
                  {LINK_LIFETIMES.map((choice) => (
                    <option key={choice.value} value={choice.value}>
                      {choice.label}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <FieldError id="ck-delivery" message={deliveryError} />
          </div>
        </div>
      </fieldset>

      {loading && (
        <p className="muted" role="status">
          Loading the tenant's groups, members and scopes…
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}
