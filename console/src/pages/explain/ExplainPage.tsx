import { NotFoundError, parseKey } from '@keywarden/sdk';
import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { kw } from '../../api.ts';
import { graphql } from '../../gql/index.ts';
import type { ExplainAccessQuery } from '../../gql/graphql.ts';
import { Link, useTitle } from '../../router.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import type { PageProps } from '../index.ts';
import { checksOf, verdictInWords } from './explainWords.ts';

// "Why was this key refused?": the API's explainAccess as a form. explainAccess takes the key's id
// (key_…); a public id (pk_…) is looked up among the tenant's keys, and a full key text is read
// here, in the page, for its public id: the text itself is never sent to the server, never put in
// the URL, and never shown again outside its input field.

const ExplainAccess = graphql(`
  query ExplainAccess($keyId: ID!, $ip: String!, $endpoint: String, $scopes: [String!]) {
    explainAccess(keyId: $keyId, ip: $ip, endpoint: $endpoint, scopes: $scopes) {
      allowed
      code
      detail
      effectiveScopes
      missingScopes
      ipRefusal { level reason cidr rule { id cidr action level description } }
      apiKey { id name publicId maskedKey status expiresAt revokedAt revokedReason endpoints group { id name } owner { id name } }
    }
  }
`);

const KeyByPublicId = graphql(`
  query ExplainKeyByPublicId($search: String!) {
    apiKeys(first: 20, filter: { search: $search }) { edges { node { id publicId } } }
  }
`);

export type Explanation = NonNullable<ExplainAccessQuery['explainAccess']>;
export interface Asked {
  ip: string;
  endpoint: string | null;
  scopes: string[];
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** The key's id for what was typed: an id as is, a public id looked up, a key text read for its public id. */
async function keyIdOf(typed: string): Promise<string> {
  const text = typed.trim();
  if (text.startsWith('key_')) return text;
  let publicId = /^pk_[A-Za-z0-9_-]{3,64}$/.test(text) ? text : null;
  if (publicId === null) {
    const parsed = parseKey(text);
    if (!parsed.ok) throw new KeyInputError(`${parsed.message}. Give the key's id (key_…), its public id (pk_…) or the full key text.`);
    publicId = parsed.publicId;
  }
  const found = await kw.request(KeyByPublicId, { search: publicId });
  const key = found.apiKeys.edges.find((edge) => edge.node.publicId === publicId)?.node;
  if (!key) throw new NotFoundError({ message: `No key of your tenant has the public id ${publicId}`, resource: 'ApiKey' });
  return key.id;
}

class KeyInputError extends Error {}

export function ExplainPage({ query }: PageProps) {
  useTitle('Why was this key refused?');
  // A link may name the key by its id or public id (never by its text).
  const linked = query.get('key') ?? '';
  const prefill = /^(key|pk)_/.test(linked) ? linked : '';
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ explanation: Explanation; asked: Asked } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (answer) heading.current?.focus();
  }, [answer]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const method = String(form.get('method') ?? '');
    const path = String(form.get('path') ?? '').trim();
    const asked: Asked = {
      ip: String(form.get('ip') ?? '').trim(),
      endpoint: path === '' ? null : method ? `${method} ${path}` : path,
      scopes: String(form.get('scopes') ?? '').split(/[\s,]+/).filter(Boolean),
    };
    setBusy(true);
    setError(null);
    setAnswer(null);
    try {
      const keyId = await keyIdOf(String(form.get('key') ?? ''));
      const result = await kw.request(ExplainAccess, { keyId, ip: asked.ip, endpoint: asked.endpoint, scopes: asked.scopes.length > 0 ? asked.scopes : null });
      if (!result.explainAccess) throw new NotFoundError({ message: 'No such key', resource: 'ApiKey' });
      setAnswer({ explanation: result.explainAccess, asked });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const fieldErrors = fieldsOf(error);
  return (
    <main>
      <h1>Why was this key refused?</h1>
      <p className="muted">
        Asks Keywarden how it would decide a request with this key right now, and which rule or setting decides. Nothing is changed and the key is not
        used.
      </p>
      <form className="explain-form" aria-label="Explain a decision" onSubmit={submit} noValidate>
        <label>
          Key
          <input
            name="key"
            required
            defaultValue={prefill}
            autoComplete="off"
            spellCheck={false}
            aria-describedby="explain-key-help"
            aria-invalid={fieldErrors.keyId ? true : undefined}
          />
        </label>
        <p id="explain-key-help" className="muted explain-help">
          Its id (key_…), its public id (pk_…) or the full key text. A full key text stays in this page: only its public id is sent.
        </p>
        <label>
          Client address
          <input name="ip" required autoComplete="off" spellCheck={false} placeholder="203.0.113.9" aria-invalid={fieldErrors.ip ? true : undefined} aria-describedby="explain-ip-help" />
        </label>
        <p id="explain-ip-help" className="muted explain-help">
          IPv4 or IPv6, as the resource server saw it.
        </p>
        <fieldset className="explain-endpoint">
          <legend>Endpoint (optional: not checked when empty)</legend>
          <label>
            Method
            <select name="method" defaultValue="GET">
              <option value="">Any</option>
              {METHODS.map((method) => (
                <option key={method}>{method}</option>
              ))}
            </select>
          </label>
          <label>
            Path
            <input name="path" autoComplete="off" spellCheck={false} placeholder="/v1/tickets/42" aria-invalid={fieldErrors.endpoint ? true : undefined} />
          </label>
        </fieldset>
        <label>
          Scopes the request needs (optional)
          <input name="scopes" autoComplete="off" spellCheck={false} placeholder="tickets:read tickets:write" aria-describedby="explain-scopes-help" aria-invalid={fieldErrors.scopes ? true : undefined} />
        </label>
        <p id="explain-scopes-help" className="muted explain-help">
          Separated by spaces or commas.
        </p>
        <ErrorNotice error={error instanceof KeyInputError ? null : error} />
        {error instanceof KeyInputError && (
          <div className="error" role="alert">
            <p>{error.message}</p>
          </div>
        )}
        <div className="actions explain-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Asking…' : 'Explain'}
          </button>
        </div>
      </form>
      {answer && <Answer explanation={answer.explanation} asked={answer.asked} heading={heading} />}
    </main>
  );
}

function fieldsOf(error: unknown): Record<string, string> {
  const fieldErrors = (error as { fieldErrors?: { path: (string | number)[] }[] } | null)?.fieldErrors ?? [];
  return Object.fromEntries(fieldErrors.map((field) => [String(field.path[0] ?? ''), 'yes']));
}

function Answer({ explanation, asked, heading }: { explanation: Explanation; asked: Asked; heading: RefObject<HTMLHeadingElement | null> }) {
  const key = explanation.apiKey;
  return (
    <section className={explanation.allowed ? 'explain-answer allowed' : 'explain-answer refused'} aria-labelledby="explain-verdict">
      <h2 id="explain-verdict" ref={heading} tabIndex={-1}>
        {explanation.allowed ? 'Allowed' : 'Refused'}
      </h2>
      <p className="explain-verdict">{verdictInWords(explanation, asked)}</p>
      <p className="muted">
        Key: <Link to={`/keys/${key.id}`}>{key.name}</Link> (<code>{key.maskedKey}</code>, public id <code>{key.publicId}</code>)
        {key.group ? `, group '${key.group.name}'` : ', no group'}, acting for {key.owner.name}. The API says: “{explanation.detail}”.
      </p>
      <h3>Every check, in the order Keywarden runs them</h3>
      <table className="explain-checks">
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Outcome</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {checksOf(explanation, asked).map((check) => (
            <tr key={check.name} className={`check-${check.outcome}`}>
              <th scope="row">{check.name}</th>
              <td>{OUTCOME_WORDS[check.outcome]}</td>
              <td>{check.why}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        The key effectively holds:{' '}
        {explanation.effectiveScopes.length > 0 ? explanation.effectiveScopes.map((scope) => <code key={scope} className="scope">{scope}</code>) : 'no scopes'}
        .
      </p>
    </section>
  );
}

const OUTCOME_WORDS = { passed: 'Passed', refused: 'Refused', 'not-reached': 'Not reached', 'not-checked': 'Not checked' } as const;
