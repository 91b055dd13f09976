// REST: JSON requests to the server's plain HTTP routes (e.g. `POST /v1/verify`), with the
// connection's credentials, timeouts, retries and error classes.

import { ServerError } from '../errors.ts';
import { responseMeta, withMeta } from '../meta.ts';
import type { Attempt, CallOptions, Connection, Kind, Outcome } from './connection.ts';

/** POSTs JSON to a REST path of the server and parses the JSON answer. */
export async function postJson<T>(connection: Connection, path: string, body: unknown, kind: Kind, call: CallOptions = {}): Promise<T> {
  const operation = `POST ${path}`;
  return connection.run(operation, kind, call, (attempt) => attemptPost<T>(connection, path, body, kind, operation, attempt));
}

async function attemptPost<T>(connection: Connection, path: string, body: unknown, kind: Kind, operation: string, attempt: Attempt): Promise<Outcome<T>> {
  const opened = await connection.httpAttempt('POST', `${connection.baseUrl}${path}`, JSON.stringify(body), 'application/json', kind, operation, attempt);
  if (!opened.ok) return opened;
  let text: string;
  try {
    text = await opened.value.text();
  } catch (error) {
    return connection.transportFailure(error, kind, operation, attempt);
  }
  try {
    return { ok: true, value: withMeta(JSON.parse(text) as T, responseMeta(opened.value, operation)) };
  } catch {
    return { ok: false, error: new ServerError({ message: `${operation}: the answer was not JSON`, ...responseMeta(opened.value, operation) }), retryable: false };
  }
}
