import { asId, type LeakedKeyPolicy } from '@keywarden/sdk';
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { kw } from '../../api.ts';
import { explainError } from '../../errors.ts';
import { graphql } from '../../gql/index.ts';
import type { OrgTenantSettingsQuery } from '../../gql/graphql.ts';
import { useTitle } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import type { PageProps } from '../index.ts';
import { DurationField, FieldMessage, durationOf, invalidProps, secondsOf, type Duration } from './fields.tsx';
import { TenantIpRules } from './TenantIpRules.tsx';

const OrgTenantSettings = graphql(`
  query OrgTenantSettings {
    tenant {
      id name slug status apiEnabled keyPrefix maxKeyLifetimeSeconds defaultTokenTtlSeconds maxTokenTtlSeconds
      allowQueryParamKey leakedKeyPolicy auditRetentionDays updatedAt
      ipRules { id action cidr description createdAt }
    }
  }
`);

export type TenantSettings = NonNullable<OrgTenantSettingsQuery['tenant']>;

const LEAK_POLICIES: { value: LeakedKeyPolicy; label: string }[] = [
  { value: 'REVOKE', label: 'Revoke the key' },
  { value: 'DISABLE', label: 'Disable the key (until enabled again)' },
  { value: 'NOTIFY', label: 'Change nothing; record it in the audit trail' },
];

export function SettingsPage(_props: PageProps) {
  useTitle('Tenant settings');
  const [tenant, setTenant] = useState<TenantSettings | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      const result = await kw.request(OrgTenantSettings, {});
      setTenant(result.tenant ?? null);
      setLoadError(null);
    } catch (caught) {
      setLoadError(caught);
    }
  }, []);
  useEffect(() => void load(), [load]);

  return (
    <main>
      <h1>Tenant settings</h1>
      <ErrorNotice error={loadError} />
      {tenant === null && loadError === null && (
        <p role="status" className="loading">
          Loading…
        </p>
      )}
      {tenant && (
        <>
          <SettingsForm tenant={tenant} onSaved={setTenant} />
          <TenantIpRules rules={tenant.ipRules} onChanged={load} />
        </>
      )}
    </main>
  );
}

interface FormState {
  name: string;
  apiEnabled: boolean;
  keyPrefix: string;
  maxKeyLifetime: Duration;
  defaultTokenTtl: Duration;
  maxTokenTtl: Duration;
  allowQueryParamKey: boolean;
  leakedKeyPolicy: LeakedKeyPolicy;
  auditRetentionDays: string;
}

function stateOf(tenant: TenantSettings): FormState {
  return {
    name: tenant.name,
    apiEnabled: tenant.apiEnabled,
    keyPrefix: tenant.keyPrefix,
    maxKeyLifetime: durationOf(tenant.maxKeyLifetimeSeconds),
    defaultTokenTtl: durationOf(tenant.defaultTokenTtlSeconds),
    maxTokenTtl: durationOf(tenant.maxTokenTtlSeconds),
    allowQueryParamKey: tenant.allowQueryParamKey,
    leakedKeyPolicy: tenant.leakedKeyPolicy,
    auditRetentionDays: tenant.auditRetentionDays === null || tenant.auditRetentionDays === undefined ? '' : String(tenant.auditRetentionDays),
  };
}

function SettingsForm({ tenant, onSaved }: { tenant: TenantSettings; onSaved: (tenant: TenantSettings) => void }) {
  const { can } = useSession();
  const mayChange = can('tenant:admin');
  const id = useId();
  const [form, setForm] = useState<FormState>(() => stateOf(tenant));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [confirmOff, setConfirmOff] = useState(false);
  const set = <K extends keyof FormState>(field: K, value: FormState[K]) => {
    setSaved(false);
    setForm((previous) => ({ ...previous, [field]: value }));
  };
  const fields = error ? explainError(error).fields : {};

  /** Only what changed is sent (the audit trail then names exactly that). */
  const changes = () => {
    const input: Parameters<typeof kw.tenants.update>[0] = { id: asId('ten', tenant.id) };
    if (form.name !== tenant.name) input.name = form.name;
    if (form.apiEnabled !== tenant.apiEnabled) input.apiEnabled = form.apiEnabled;
    if (form.keyPrefix !== tenant.keyPrefix) input.keyPrefix = form.keyPrefix;
    const maxKey = secondsOf(form.maxKeyLifetime);
    if (maxKey === null && tenant.maxKeyLifetimeSeconds != null) input.clearMaxKeyLifetime = true;
    else if (maxKey !== null && maxKey !== tenant.maxKeyLifetimeSeconds) input.maxKeyLifetimeSeconds = maxKey;
    const defaultTtl = secondsOf(form.defaultTokenTtl);
    if (defaultTtl !== null && defaultTtl !== tenant.defaultTokenTtlSeconds) input.defaultTokenTtlSeconds = defaultTtl;
    const maxTtl = secondsOf(form.maxTokenTtl);
    if (maxTtl !== null && maxTtl !== tenant.maxTokenTtlSeconds) input.maxTokenTtlSeconds = maxTtl;
    if (form.allowQueryParamKey !== tenant.allowQueryParamKey) input.allowQueryParamKey = form.allowQueryParamKey;
    if (form.leakedKeyPolicy !== tenant.leakedKeyPolicy) input.leakedKeyPolicy = form.leakedKeyPolicy;
    const retention = form.auditRetentionDays.trim() === '' ? null : Number(form.auditRetentionDays);
    if (retention !== null && retention !== tenant.auditRetentionDays) input.auditRetentionDays = retention;
    return input;
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await kw.tenants.update(changes());
      const fresh = await kw.request(OrgTenantSettings, {});
      if (fresh.tenant) {
        setForm(stateOf(fresh.tenant));
        onSaved(fresh.tenant);
      }
      setSaved(true);
    } finally {
      setBusy(false);
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // Turning the API off refuses every key of the tenant: say so and ask first.
    if (tenant.apiEnabled && !form.apiEnabled) {
      setConfirmOff(true);
      return;
    }
    await save().catch(setError);
  };

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Settings of {tenant.name}</h2>
      {!tenant.apiEnabled && (
        <p className="error" role="status">
          The API is off: every API key and access token of this tenant is refused.
        </p>
      )}
      {!mayChange && <p className="muted">Your role does not hold tenant:admin: you can read these settings but not change them.</p>}
      <form className="settings-form" onSubmit={submit} aria-label="Tenant settings" noValidate>
        <fieldset disabled={!mayChange || busy}>
          <legend className="visually-hidden">Tenant settings</legend>
          <label>
            Tenant name
            <input value={form.name} onChange={(e) => set('name', e.target.value)} {...invalidProps(`${id}-name`, fields.name)} />
            <FieldMessage id={`${id}-name`} message={fields.name} />
          </label>
          <label className="inline">
            <input type="checkbox" checked={form.apiEnabled} onChange={(e) => set('apiEnabled', e.target.checked)} />
            API on (when off, every API key and access token of the tenant is refused)
          </label>
          <label>
            Key prefix
            <input value={form.keyPrefix} onChange={(e) => set('keyPrefix', e.target.value)} aria-describedby={`${id}-prefix-hint`} {...invalidProps(`${id}-prefix`, fields.keyPrefix)} />
            <span id={`${id}-prefix-hint`} className="muted hint">
              Starts every new key text; existing keys keep theirs and keep working.
            </span>
            <FieldMessage id={`${id}-prefix`} message={fields.keyPrefix} />
          </label>
          <DurationField
            label="Maximum key lifetime"
            hint="Empty: keys may never expire."
            value={form.maxKeyLifetime}
            onChange={(v) => set('maxKeyLifetime', v)}
            error={fields.maxKeyLifetimeSeconds ?? fields.clearMaxKeyLifetime}
          />
          <DurationField
            label="Default token lifetime"
            hint="Of an access token whose key and group set none."
            value={form.defaultTokenTtl}
            onChange={(v) => set('defaultTokenTtl', v)}
            error={fields.defaultTokenTtlSeconds}
          />
          <DurationField
            label="Maximum token lifetime"
            hint="No access token lives longer, whatever its key or group sets."
            value={form.maxTokenTtl}
            onChange={(v) => set('maxTokenTtl', v)}
            error={fields.maxTokenTtlSeconds}
          />
          <label className="inline">
            <input type="checkbox" checked={form.allowQueryParamKey} onChange={(e) => set('allowQueryParamKey', e.target.checked)} />
            Accept a key in the URL (?rest_api_key=; it ends up in access logs)
          </label>
          <label>
            When a key is reported as leaked
            <select value={form.leakedKeyPolicy} onChange={(e) => set('leakedKeyPolicy', e.target.value as LeakedKeyPolicy)} {...invalidProps(`${id}-leak`, fields.leakedKeyPolicy)}>
              {LEAK_POLICIES.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
            <FieldMessage id={`${id}-leak`} message={fields.leakedKeyPolicy} />
          </label>
          <label>
            Audit retention (days)
            <input
              type="number"
              min="1"
              value={form.auditRetentionDays}
              onChange={(e) => set('auditRetentionDays', e.target.value)}
              aria-describedby={`${id}-retention-hint`}
              {...invalidProps(`${id}-retention`, fields.auditRetentionDays)}
            />
            <span id={`${id}-retention-hint`} className="muted hint">
              {tenant.auditRetentionDays == null ? 'Empty: audit events are kept.' : 'Audit events older than this are removed.'}
            </span>
            <FieldMessage id={`${id}-retention`} message={fields.auditRetentionDays} />
          </label>
        </fieldset>
        <ErrorNotice error={error} />
        <p role="status" className="saved">
          {saved ? 'Settings saved.' : ''}
        </p>
        {mayChange && (
          <div className="actions start">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save settings'}
            </button>
            <button type="button" disabled={busy} onClick={() => (setForm(stateOf(tenant)), setError(null), setSaved(false))}>
              Undo changes
            </button>
          </div>
        )}
      </form>
      <ConfirmDialog title="Turn the API off?" open={confirmOff} onClose={() => setConfirmOff(false)} confirmLabel="Turn the API off" danger onConfirm={save}>
        <p>
          Every API key and access token of <strong>{tenant.name}</strong> will be refused (at /v1/verify and everywhere else) until the API is turned on
          again. Nothing is deleted.
        </p>
      </ConfirmDialog>
    </section>
  );
}
