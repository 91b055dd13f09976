// What the SDK knows about the HTTP exchange behind a result: the server's request id (its
// `x-request-id` header, also in its log lines and error bodies) and the status. Kept beside the
// result (a WeakMap), not in it, so results stay the plain data their types describe.

export interface ResultMeta {
  /** The server's request id: quote it in a bug report, find the request in the server's log. */
  requestId: string | undefined;
  /** The HTTP status of the answer. */
  status: number | undefined;
  /** The GraphQL operation (e.g. `CreateKey`) or REST route (e.g. `POST /v1/verify`). */
  operation: string;
}

const metas = new WeakMap<object, ResultMeta>();

/**
 * The request behind a result of the SDK (any record, page or payload a method returned, and the
 * objects inside it): `meta(await kw.keys.get(id))?.requestId`. Errors carry the same as
 * `error.requestId` and `error.status`. Undefined for an object the SDK did not return.
 */
export function meta(result: object): ResultMeta | undefined {
  return metas.get(result);
}

/** Records `m` for `value` and every object and array inside it (not Dates); returns `value`. */
export function withMeta<T>(value: T, m: ResultMeta | undefined): T {
  if (!m) return value;
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || v instanceof Date || metas.has(v)) return;
    metas.set(v, m);
    for (const child of Array.isArray(v) ? v : Object.values(v)) visit(child);
  };
  visit(value);
  return value;
}

/** The meta of a response. */
export function responseMeta(response: Response | undefined, operation: string): ResultMeta {
  return { requestId: response?.headers.get('x-request-id') ?? undefined, status: response?.status, operation };
}
