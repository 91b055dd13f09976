import type { Plugin } from 'graphql-yoga';
import { requestIdOf } from '../context.ts';

/** Every response names its request: `x-request-id`, the id in its error bodies and log lines. */
export function useRequestIdHeader(): Plugin {
  return {
    onResponse({ request, response }) {
      if (!response.headers.has('x-request-id')) response.headers.set('x-request-id', requestIdOf(request));
    },
  };
}
