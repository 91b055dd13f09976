import { asId, type IpRuleAction } from '@keywarden/sdk';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { kw } from '../../api.ts';
import { explainError } from '../../errors.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { DurationField, FieldMessage, durationOf, invalidProps, secondsOf, type Duration } from '../settings/fields.tsx';
import type { Group } from './GroupsPage.tsx';

interface RuleRow {
  key: number;
  cidr: string;
  action: IpRuleAction;
  description: string;
}

interface FormState {
  name: string;
  description: string;
  defaultScopes: string[];
  limitsScopes: boolean;
  scopeLimit: string[];
  defaultExpiry: Duration;
  tokenTtl: Duration;
  ipRules: RuleRow[];
}

let nextRow = 0;

function stateOf(group: Group | null): FormState {
  return {
    name: group?.name ?? '',
    description: group?.description ?? '',
    defaultScopes: [...(group?.defaultScopes ?? [])],
    limitsScopes: group?.limitsScopes ?? false,
    scopeLimit: [...(group?.scopeLimit ?? [])],
    defaultExpiry: durationOf(group?.defaultExpirySeconds),
    tokenTtl: durationOf(group?.tokenTtlSeconds),
    ipRules: (group?.ipRules ?? []).map((rule) => ({ key: nextRow++, cidr: rule.cidr, action: rule.action, description: rule.description })),
  };
}

/** Create a group, or change one: every setting in one form; the lists replace the stored ones. */
export function GroupDialog({ group, catalogue, onClose, onSaved }: {
  group: Group | 'new' | null;
  catalogue: { resource: string[]; management: string[] };
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const existing = group === 'new' ? null : group;
  const id = useId();
  const [form, setForm] = useState<FormState>(() => stateOf(existing));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setForm(stateOf(group === 'new' ? null : group));
    setError(null);
  }, [group]);
  const set = <K extends keyof FormState>(field: K, value: FormState[K]) => setForm((previous) => ({ ...previous, [field]: value }));
  const fields = error ? explainError(error).fields : {};

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const defaultExpirySeconds = secondsOf(form.defaultExpiry);
    const tokenTtlSeconds = secondsOf(form.tokenTtl);
    const settings = {
      name: form.name,
      description: form.description,
      defaultScopes: form.defaultScopes,
      limitsScopes: form.limitsScopes,
      scopeLimit: form.limitsScopes ? form.scopeLimit : [],
      ipRules: form.ipRules.map(({ cidr, action, description }) => ({ cidr, action, description: description || undefined })),
    };
    try {
      if (existing === null) {
        await kw.groups.create({ ...settings, defaultExpirySeconds: defaultExpirySeconds ?? undefined, tokenTtlSeconds: tokenTtlSeconds ?? undefined });
      } else {
        await kw.groups.update({
          id: asId('grp', existing.id),
          ...settings,
          ...(defaultExpirySeconds === null ? (existing.defaultExpirySeconds == null ? {} : { clearDefaultExpiry: true }) : { defaultExpirySeconds }),
          ...(tokenTtlSeconds === null ? (existing.tokenTtlSeconds == null ? {} : { clearTokenTtl: true }) : { tokenTtlSeconds }),
        });
      }
      await onSaved();
      onClose();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const updateRule = (key: number, change: Partial<RuleRow>) => set('ipRules', form.ipRules.map((row) => (row.key === key ? { ...row, ...change } : row)));

  return (
    <Dialog title={existing ? `Edit the group ${existing.name}` : 'New key group'} open={group !== null} onClose={onClose}>
      <form onSubmit={submit} aria-label={existing ? 'Edit the group' : 'New key group'} noValidate className="group-form">
        <label>
          Name
          <input value={form.name} onChange={(e) => set('name', e.target.value)} required {...invalidProps(`${id}-name`, fields.name)} />
          <FieldMessage id={`${id}-name`} message={fields.name} />
        </label>
        <label>
          Description
          <textarea rows={2} value={form.description} onChange={(e) => set('description', e.target.value)} {...invalidProps(`${id}-description`, fields.description)} />
          <FieldMessage id={`${id}-description`} message={fields.description} />
        </label>
        <ScopePicker legend="Default scopes (a new key that names none gets these)" catalogue={catalogue} chosen={form.defaultScopes} onChange={(v) => set('defaultScopes', v)} />
        <label className="inline">
          <input type="checkbox" checked={form.limitsScopes} onChange={(e) => set('limitsScopes', e.target.checked)} />
          Limit the scopes of the group's keys (they never hold more than the limit, whatever they are given)
        </label>
        {form.limitsScopes && <ScopePicker legend="Scope limit" catalogue={catalogue} chosen={form.scopeLimit} onChange={(v) => set('scopeLimit', v)} />}
        <div className="two-columns">
          <DurationField
            label="Default key lifetime"
            hint="For a new key that names no expiry; empty: the tenant's rule."
            value={form.defaultExpiry}
            onChange={(v) => set('defaultExpiry', v)}
            error={fields.defaultExpirySeconds ?? fields.clearDefaultExpiry}
          />
          <DurationField
            label="Access token lifetime"
            hint="Of tokens its keys get at /oauth/token; empty: the tenant's default."
            value={form.tokenTtl}
            onChange={(v) => set('tokenTtl', v)}
            error={fields.tokenTtlSeconds ?? fields.clearTokenTtl}
          />
        </div>
        <fieldset className="ip-rules">
          <legend>IP rules of the group</legend>
          {form.ipRules.length === 0 && <p className="muted">None: the tenant's rules and each key's own decide.</p>}
          {form.ipRules.map((row, index) => (
            <div className="ip-rule-row" key={row.key}>
              <label>
                Address or CIDR {index + 1}
                <input value={row.cidr} onChange={(e) => updateRule(row.key, { cidr: e.target.value })} placeholder="10.0.0.0/8" />
              </label>
              <label>
                Rule {index + 1}
                <select value={row.action} onChange={(e) => updateRule(row.key, { action: e.target.value as IpRuleAction })}>
                  <option value="ALLOW">Allow</option>
                  <option value="DENY">Deny</option>
                </select>
              </label>
              <label>
                Note {index + 1}
                <input value={row.description} onChange={(e) => updateRule(row.key, { description: e.target.value })} />
              </label>
              <button type="button" onClick={() => set('ipRules', form.ipRules.filter((r) => r.key !== row.key))} aria-label={`Remove IP rule ${index + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" onClick={() => set('ipRules', [...form.ipRules, { key: nextRow++, cidr: '', action: 'ALLOW', description: '' }])}>
            Add an IP rule
          </button>
          <FieldMessage id={`${id}-cidr`} message={fields.cidr} />
        </fieldset>
        <ErrorNotice error={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : existing ? 'Save group' : 'Create group'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ScopePicker({ legend, catalogue, chosen, onChange }: { legend: string; catalogue: { resource: string[]; management: string[] }; chosen: string[]; onChange: (scopes: string[]) => void }) {
  // A stored scope no longer offered (e.g. deleted from the catalogue) stays visible, so saving keeps it knowingly.
  const extra = chosen.filter((s) => !catalogue.resource.includes(s) && !catalogue.management.includes(s));
  const toggle = (scope: string, on: boolean) => onChange(on ? [...chosen, scope] : chosen.filter((s) => s !== scope));
  const box = (scope: string) => (
    <label className="inline" key={scope}>
      <input type="checkbox" checked={chosen.includes(scope)} onChange={(e) => toggle(scope, e.target.checked)} />
      <code>{scope}</code>
    </label>
  );
  return (
    <fieldset className="scope-picker">
      <legend>{legend}</legend>
      {catalogue.resource.length + extra.length === 0 && <p className="muted">The scope catalogue is empty.</p>}
      <div className="scope-grid">{[...catalogue.resource, ...extra].map(box)}</div>
      <details>
        <summary>Management scopes ({chosen.filter((s) => catalogue.management.includes(s)).length} chosen)</summary>
        <div className="scope-grid">{catalogue.management.map(box)}</div>
      </details>
    </fieldset>
  );
}
