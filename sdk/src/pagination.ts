// Relay connections as async iterables: `for await (const key of client.keys.list())` fetches page
// after page (`first`/`after`) until `hasNextPage` is false.

/** The largest page the server returns, whatever is asked. */
export const MAX_PAGE_SIZE = 100;

/**
 * The page size asked for when none is given: a page of keys with every field the SDK reads fits
 * the server's default cost limit (8,000) at 40 (about 6,500), not at 100. Lighter lists may ask for
 * 100. The server's tests hold every SDK list within the limit at this size.
 */
export const DEFAULT_PAGE_SIZE = 40;

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Page<T> {
  items: T[];
  pageInfo: PageInfo;
}

export interface PageRequest {
  /** Items per request, 1-100 (default 40). */
  first?: number;
  /** Start after this cursor (the `endCursor` of a previous page). */
  after?: string | null;
}

export interface ListOptions {
  /** Items per request, 1-100 (default 40). */
  pageSize?: number;
  /** Start after this cursor. */
  after?: string | null;
  /** Stop after this many items in all. */
  limit?: number;
}

/** The items and page info of a Relay connection. */
export function pageOf<N>(connection: { edges: readonly { node: N }[]; pageInfo: PageInfo }): Page<N> {
  return { items: connection.edges.map((edge) => edge.node), pageInfo: { hasNextPage: connection.pageInfo.hasNextPage, endCursor: connection.pageInfo.endCursor } };
}

export function clampPageSize(size: number | undefined): number {
  if (size === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  return Math.min(size, MAX_PAGE_SIZE);
}

/**
 * Lazily walks a connection. Iterate it for items, `.pages()` for whole pages, or `.toArray()`.
 * Nothing is fetched until iteration starts; each iteration starts from the beginning again.
 */
export class PageIterator<T> implements AsyncIterable<T> {
  constructor(
    private readonly fetchPage: (request: { first: number; after: string | null }) => Promise<Page<T>>,
    private readonly options: ListOptions = {},
  ) {}

  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    const first = clampPageSize(this.options.pageSize);
    const limit = this.options.limit ?? Infinity;
    let after = this.options.after ?? null;
    let seen = 0;
    while (seen < limit) {
      const page = await this.fetchPage({ first: Math.min(first, limit - seen), after });
      const items = page.items.slice(0, limit - seen);
      seen += items.length;
      yield { items, pageInfo: page.pageInfo };
      if (!page.pageInfo.hasNextPage || page.items.length === 0) return;
      if (!page.pageInfo.endCursor || page.pageInfo.endCursor === after) {
        throw new Error('The server said there is a next page but gave no new cursor');
      }
      after = page.pageInfo.endCursor;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** Every item (up to `limit`), in order. */
  async toArray(): Promise<T[]> {
    const all: T[] = [];
    for await (const item of this) all.push(item);
    return all;
  }
}
