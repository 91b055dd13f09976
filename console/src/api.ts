import { createClient, type KeywardenClient } from '@keywarden/sdk';

// The console talks to the server it was served from, through the SDK: every page uses the same
// client, errors and typed documents as an integrator's script. The session lives in an HttpOnly
// cookie (server/src/http/consoleRoute.ts): the page never stores the token, and the server takes
// the cookie only with the X-Keywarden-Console header below.

const CONSOLE_HEADERS = { 'x-keywarden-console': '1' };

/** The client every page uses (the cookie is the credential). */
export const kw: KeywardenClient = createClient({ url: location.origin, headers: CONSOLE_HEADERS, retry: false });

/** Logs in, then hands the token to the server to keep as the cookie; the token is then dropped. */
export async function logIn(tenant: string, email: string, password: string): Promise<void> {
  const anonymous = createClient({ url: location.origin, retry: false });
  const session = await anonymous.sessions.login({ tenant, email, password });
  const response = await fetch('/console/session', {
    method: 'POST',
    headers: { ...CONSOLE_HEADERS, authorization: `Bearer ${session.token}` },
  });
  if (!response.ok) throw new Error(`The server did not keep the session (HTTP ${response.status})`);
}

/** Ends the session on the server, then clears the cookie. */
export async function logOut(): Promise<void> {
  try {
    await kw.sessions.logout();
  } finally {
    await fetch('/console/session', { method: 'DELETE', headers: CONSOLE_HEADERS });
  }
}
