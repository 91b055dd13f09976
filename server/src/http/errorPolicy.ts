import { GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import type { ExecutionResult } from 'graphql';
import type { Logger } from '../logger.ts';
import { KeywardenError } from '../domain/errors.ts';
import { HTTP_STATUS, httpHeaders, overloadedAsRateLimited } from './errors.ts';

/**
 * The one place that decides what an error may tell the caller. Expected errors keep their
 * message and gain a stable `extensions.code`; anything else is logged with the request id and
 * replaced by a generic message carrying that id.
 */
export function toPublicError(error: unknown, requestId: string, logger: Logger): GraphQLError {
  const graphQLError = error instanceof GraphQLError ? error : null;
  const original = overloadedAsRateLimited(graphQLError ? (graphQLError.originalError ?? graphQLError) : error);
  const location = graphQLError ? { nodes: graphQLError.nodes, path: graphQLError.path } : {};

  if (original instanceof KeywardenError) {
    const status = HTTP_STATUS[original.code];
    const details = original.details();
    // As the REST routes: Retry-After when to ask again, a Bearer challenge with a 401.
    const own = httpHeaders(original);
    const headers = Object.keys(own).length > 0 ? own : undefined;
    return new GraphQLError(original.message, {
      ...location,
      extensions: { code: original.code, ...details, requestId, http: { status, headers } },
    });
  }
  // Errors GraphQL itself raises (bad variables, unknown fields) and ones already shaped by us.
  if (original instanceof GraphQLError && !(original.originalError)) {
    if (original.extensions?.code) return original;
    return new GraphQLError(original.message, { ...location, extensions: { ...original.extensions, code: 'BAD_REQUEST' } });
  }
  logger.error({ err: original, requestId, path: graphQLError?.path }, 'unexpected error');
  return new GraphQLError(`Unexpected error (request id ${requestId})`, {
    ...location,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
  });
}

// GraphQL's own request errors (Yoga's codes) join the closed set as BAD_REQUEST.
const REQUEST_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']);

function withClosedCodes(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)))) return result;
  return {
    ...result,
    errors: result.errors.map((e) =>
      REQUEST_ERROR_CODES.has(String(e.extensions?.code))
        ? new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, extensions: { ...e.extensions, code: 'BAD_REQUEST' } })
        : e,
    ),
  };
}

export function useErrorPolicy(logger: Logger): Plugin<{ request: { id: string } }> {
  const rewrite = (requestId: string) => ({ result, setResult }: { result: ExecutionResult; setResult: (r: ExecutionResult) => void }) => {
    if (!result.errors?.length) return;
    setResult({ ...result, errors: result.errors.map((e) => toPublicError(e, requestId, logger)) });
  };
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, rewrite(args.contextValue.request.id)),
    }),
    // Parse and validation failures never reach execution, so they are rewritten here.
    onResultProcess: ({ result, setResult }) => {
      if (Array.isArray(result)) setResult(result.map(withClosedCodes));
      else if (!(Symbol.asyncIterator in result)) setResult(withClosedCodes(result));
    },
    onSubscribe: ({ args }) => ({
      onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, rewrite(args.contextValue.request.id)),
      onSubscribeError: () => undefined,
    }),
  };
}
