import { asId, type IpRuleAction } from '@keywarden/sdk';
import { useId, useState, type FormEvent } from 'react';
import { kw } from '../../api.ts';
import { explainError } from '../../errors.ts';
import { useSession } from '../../session.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { FieldMessage, invalidProps } from './fields.tsx';
import type { TenantSettings } from './SettingsPage.tsx';

type Rule = TenantSettings['ipRules'][number];

/** Tenant-wide IP rules: they apply to every key of the tenant, before its group's and its own. */
export function TenantIpRules({ rules, onChanged }: { rules: Rule[]; onChanged: () => Promise<void> }) {
  const { can } = useSession();
  const mayChange = can('tenant:admin');
  const id = useId();
  const [cidr, setCidr] = useState('');
  const [action, setAction] = useState<IpRuleAction>('ALLOW');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<Rule | null>(null);
  const fields = error ? explainError(error).fields : {};

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await kw.ipRules.create({ cidr, action, description: note || undefined });
      setCidr('');
      setNote('');
      await onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Tenant IP rules</h2>
      <p className="muted">
        They apply to every key of the tenant. A request passes when no DENY rule matches its address and, when there are ALLOW rules, one of them
        matches. Groups and keys can add rules of their own.
      </p>
      {rules.length === 0 ? (
        <p>No tenant IP rules: every address is allowed at this level.</p>
      ) : (
        <table aria-label="Tenant IP rules">
          <thead>
            <tr>
              <th scope="col">Address range</th>
              <th scope="col">Rule</th>
              <th scope="col">Note</th>
              <th scope="col">Added</th>
              {mayChange && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.id}>
                <td>
                  <code>{rule.cidr}</code>
                </td>
                <td>{rule.action === 'ALLOW' ? 'Allow' : 'Deny'}</td>
                <td>{rule.description}</td>
                <td>{new Date(rule.createdAt).toLocaleString()}</td>
                {mayChange && (
                  <td>
                    <button type="button" onClick={() => setRemoving(rule)} aria-label={`Remove the rule ${rule.action.toLowerCase()} ${rule.cidr}`}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mayChange && (
        <form className="toolbar ip-rule-form" onSubmit={add} aria-label="Add a tenant IP rule" noValidate>
          <label>
            Address or CIDR
            <input value={cidr} onChange={(e) => setCidr(e.target.value)} placeholder="203.0.113.0/24" required {...invalidProps(`${id}-cidr`, fields.cidr)} />
          </label>
          <label>
            Allow or deny
            <select value={action} onChange={(e) => setAction(e.target.value as IpRuleAction)}>
              <option value="ALLOW">Allow</option>
              <option value="DENY">Deny</option>
            </select>
          </label>
          <label>
            Note
            <input value={note} onChange={(e) => setNote(e.target.value)} {...invalidProps(`${id}-note`, fields.description)} />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add rule'}
          </button>
        </form>
      )}
      <FieldMessage id={`${id}-cidr`} message={fields.cidr} />
      <FieldMessage id={`${id}-note`} message={fields.description} />
      <ErrorNotice error={error} />
      <ConfirmDialog
        title="Remove this IP rule?"
        open={removing !== null}
        onClose={() => setRemoving(null)}
        confirmLabel="Remove rule"
        danger
        onConfirm={async () => {
          await kw.ipRules.delete(asId('ipr', removing!.id));
          await onChanged();
        }}
      >
        {removing && (
          <p>
            The rule {removing.action === 'ALLOW' ? 'allowing' : 'denying'} <code>{removing.cidr}</code> stops applying to every key of the tenant at once.
            {removing.action === 'ALLOW' && rules.filter((r) => r.action === 'ALLOW').length === 1 && ' It is the last ALLOW rule: every address not denied will then be allowed.'}
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}
