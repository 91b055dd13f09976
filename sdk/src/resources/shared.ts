import { NotFoundError } from '../errors.ts';
import { clampPageSize, PageIterator, type ListOptions, type Page, type PageRequest } from '../pagination.ts';
import type { CallOptions } from '../transport.ts';

/** `get(id)` of a record the server answered null for: the same error as a server-side NOT_FOUND. */
export function notFound(resource: string, id: string | undefined, operation: string): NotFoundError {
  return new NotFoundError({ message: id ? `${resource} ${id} was not found` : `${resource} was not found`, resource, operation });
}

/** `page()` and `list()` for a connection, from one function that fetches a page. */
export function paginated<T, F>(fetchPage: (args: { first: number; after: string | null; filter: F | undefined }, call?: CallOptions) => Promise<Page<T>>) {
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
