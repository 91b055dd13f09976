import { createContext, useCallback, useContext, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { kw, logIn, logOut } from './api.ts';
import { explainError } from './errors.ts';
import { graphql } from './gql/index.ts';
import type { ConsoleSessionQuery } from './gql/graphql.ts';
import { useTitle } from './router.tsx';
import { ErrorNotice } from './ui/ErrorNotice.tsx';

const ConsoleSession = graphql(`
  query ConsoleSession {
    me { id name email role { id name } }
    viewer { kind scopes tenantId }
    tenant { id name slug }
  }
`);

export type Who = ConsoleSessionQuery & { me: NonNullable<ConsoleSessionQuery['me']> };

interface SessionState {
  who: Who;
  /** Whether the member's role holds a scope: used only to hide what the API would refuse anyway. */
  can(scope: string): boolean;
  logOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside <SessionProvider>');
  return session;
}

/** Asks the server who the cookie belongs to; shows the login form when nobody. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [who, setWho] = useState<Who | null | undefined>(undefined);
  const load = useCallback(async () => {
    try {
      const result = await kw.request(ConsoleSession, {});
      setWho(result.me ? (result as Who) : null);
    } catch {
      setWho(null);
    }
  }, []);
  useEffect(() => void load(), [load]);

  if (who === undefined) return <p className="loading" role="status">Loading…</p>;
  if (who === null) return <LoginPage onLoggedIn={load} />;
  const state: SessionState = {
    who,
    // A role's `!scope` excludes what its `*` would grant (ADMIN: `*` and `!tenant:admin`).
    can: (scope) => !who.viewer.scopes.includes(`!${scope}`) && (who.viewer.scopes.includes('*') || who.viewer.scopes.includes(scope)),
    logOut: async () => {
      await logOut().catch(() => undefined);
      setWho(null);
    },
  };
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

function LoginPage({ onLoggedIn }: { onLoggedIn: () => Promise<void> }) {
  useTitle('Log in');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await logIn(String(form.get('tenant')), String(form.get('email')), String(form.get('password')));
      await onLoggedIn();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const fields = error ? explainError(error).fields : {};
  return (
    <main className="login">
      <h1>Keywarden</h1>
      <form onSubmit={submit} aria-label="Log in">
        <label>
          Tenant
          <input name="tenant" autoComplete="organization" required aria-invalid={fields.tenant ? true : undefined} />
        </label>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
