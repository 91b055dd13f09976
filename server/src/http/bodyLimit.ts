import { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ServerContext } from '../context.ts';

/** The largest GraphQL request body accepted. A bulk action on a thousand keys is about 50 kB. */
const MAX_GRAPHQL_BODY_BYTES = 1024 * 1024;

const CONTENT_LENGTH = /^\d+$/;

function refusal(status: 400 | 413, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status } } });
}

/**
 * The request body limit of the GraphQL endpoint, in place of Yoga's own (`maxRequestBodySize`).
 *
 * Yoga counts every body through a stream pipeline, whose completion makes Node build an
 * AbortError with a stack trace: about 20 µs, a tenth of a small request. Over node:http a
 * declared Content-Length is binding (the HTTP parser reads no byte past it), so checking the
 * header is enough; only bodies without one (chunked), or requests that did not come through
 * node:http, are counted as they are read.
 */
export function useRequestBodyLimit(limit = MAX_GRAPHQL_BODY_BYTES): Plugin<Record<string, unknown>, ServerContext> {
  const tooLarge = `The request body must be at most ${limit} bytes`;
  return {
    onRequestParse({ request, serverContext, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!CONTENT_LENGTH.test(declared)) throw refusal(400, 'The Content-Length header is invalid');
        if (Number(declared) > limit) throw refusal(413, tooLarge);
        if (serverContext?.req instanceof IncomingMessage) return;
      }
      if (requestParser === undefined || request.body === null) return;
      setRequestParser((req) => requestParser(countedBody(req, limit, tooLarge, fetchAPI)));
    },
  };
}

/** The request with a body that fails once more than `limit` bytes have been read. */
function countedBody(request: Request, limit: number, message: string, fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream }): Request {
  let read = 0;
  // A native stream needs the native TransformStream; Yoga's ponyfilled one, the ponyfill's.
  const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  const body = request.body!.pipeThrough(
    new Transform({
      transform(chunk: Uint8Array, controller) {
        read += chunk.byteLength;
        if (read > limit) controller.error(refusal(413, message));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body, duplex: 'half' } as RequestInit);
}
