import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { NotFoundError } from '../errors.ts';
import { clampPageSize, pageOf, PageIterator, type ListOptions, type Page, type PageInfo, type PageRequest } from '../pagination.ts';
import { meta, withMeta } from '../meta.ts';
import { operationOf, rootField, type CallOptions, type Transport } from '../transport.ts';

/** `get(id)` of a record the server answered null for: the same error as a server-side NOT_FOUND. */
function notFound(resource: string, id: string | undefined, operation: string, response?: { status?: number; requestId?: string }): NotFoundError {
  const message = id ? `${resource} ${id} was not found` : `${resource} was not found`;
  return new NotFoundError({ message, resource, operation, status: response?.status, requestId: response?.requestId });
}

/** A query whose one root field answers a record or null: the record, or NotFoundError for null. */
export async function found<TData, TVariables extends Record<string, unknown>>(
  t: Transport,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  resource: string,
  id: string | undefined,
  call?: CallOptions,
): Promise<NonNullable<TData[keyof TData]>> {
  const data = await t.request(document, variables, call);
  const record = rootField(document, data);
  if (record == null) throw notFound(resource, id, operationOf(document).name, meta(data as object));
  return record;
}

/** `page()` and `list()` for a connection, from one function that fetches a page. */
function paginated<T, F>(fetchPage: (args: { first: number; after: string | null; filter: F | undefined }, call?: CallOptions) => Promise<Page<T>>) {
  return {
    /** One page: items and `pageInfo` (`endCursor` feeds `after` of the next). */
    page(request: PageRequest & { filter?: F } = {}, call?: CallOptions): Promise<Page<T>> {
      return fetchPage({ first: clampPageSize(request.first), after: request.after ?? null, filter: request.filter }, call);
    },
    /** Every item, fetched page by page as you iterate: `for await (const x of list())`. */
    list(options: ListOptions & { filter?: F } = {}, call?: CallOptions): PageIterator<T> {
      return new PageIterator((request) => fetchPage({ ...request, filter: options.filter }, call), options);
    },
  };
}

type Connection<T> = { edges: readonly { node: T }[]; pageInfo: PageInfo };

/**
 * `page()` and `list()` of a list query (`first`, `after`, `filter`) whose root field is a
 * connection. A query that also takes `tenantId` (platform operator only) gets it out of the filter.
 * `T`: the node as the SDK types it (its ids branded), which the generated type is read as.
 */
export function listed<T extends object, F extends object>(
  t: Transport,
  document: TypedDocumentNode<Record<string, Connection<object>>, { first: number; after: string | null; filter?: F | null; tenantId?: string | null }>,
) {
  const byTenant = operationOf(document).variables.includes('tenantId');
  return paginated<T, F>(async ({ first, after, filter }, call) => {
    const { tenantId, ...rest } = (filter ?? {}) as F & { tenantId?: string };
    const variables = byTenant ? { first, after, filter: rest as F, tenantId: tenantId ?? null } : { first, after, filter };
    const data = await t.request(document, variables, call);
    return withMeta(pageOf(rootField(document, data) as Connection<T>), meta(data));
  });
}
