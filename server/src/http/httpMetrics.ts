import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../observability/metrics.ts';

const GRAPHQL_PATH = '/graphql';

interface GraphQLTiming {
  started: number;
  /** The operation's name as the caller gave it (or the document's only operation's); undefined: none. */
  operation: string | undefined;
  /** The request reached GraphQL (a GraphiQL page or a refused body does not). */
  graphql: boolean;
}

/**
 * Counts every answer Yoga gives by route and status, and times GraphQL requests by operation name
 * (the name's label is bounded in Metrics). POST /v1/verify served straight from node:http is
 * counted by the request listener (router.ts).
 *
 * Hand-written rather than @graphql-yoga/plugin-prometheus: that plugin times every phase
 * (parse, validate, context, execute) with a dozen metrics of its own, serves its own /metrics
 * without our token guard, and would need a custom histogram with a label function to bound
 * operation names; this is the one histogram and the one counter the server needs.
 */
export function useHttpMetrics(metrics: Metrics): Plugin {
  const timings = new WeakMap<object, GraphQLTiming>();
  return {
    onRequest({ request, url }) {
      if (url.pathname === GRAPHQL_PATH) timings.set(request, { started: performance.now(), operation: undefined, graphql: false });
    },
    onParams({ request, params }) {
      const timing = timings.get(request);
      if (timing === undefined) return;
      timing.graphql = true;
      if (typeof params.operationName === 'string' && params.operationName !== '') timing.operation = params.operationName;
    },
    onParse({ context }) {
      // Parsing comes before our context is built: `request` is still the fetch Request.
      const request = (context as { request?: unknown }).request;
      const timing = typeof request === 'object' && request !== null ? timings.get(request) : undefined;
      if (timing === undefined || timing.operation !== undefined) return;
      return ({ result }) => {
        // No operationName given: the document's operation, when it has exactly one.
        if (isDocument(result)) timing.operation = getOperationAST(result)?.name?.value;
      };
    },
    onResponse({ request, response }) {
      metrics.httpResponse(pathOf(request.url), response.status);
      const timing = timings.get(request);
      if (timing?.graphql) metrics.graphqlRequest(timing.operation, (performance.now() - timing.started) / 1000);
    },
  };
}

function isDocument(value: unknown): value is DocumentNode {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Document';
}

/** The path of an absolute URL, without query or fragment (no URL object per response). */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  let end = url.length;
  const query = url.indexOf('?', start);
  if (query >= 0) end = query;
  const fragment = url.indexOf('#', start);
  if (fragment >= 0 && fragment < end) end = fragment;
  return url.slice(start, end);
}
