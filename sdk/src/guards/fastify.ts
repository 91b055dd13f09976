// `@keywarden/sdk/fastify`: the guard as a Fastify plugin (a preHandler hook for every route of the
// scope it is registered in) or as a route's own `preHandler`. `request.keywarden` is typed by
// augmenting `FastifyRequest`; the path is `request.url` (prefixes included); the client address is
// `request.ip`, which honours the server's `trustProxy`, unless `trustedProxies` is given.
//
//   await app.register(keywarden, { client, scopes: ['tickets:read'] });
//   app.get('/v1/tickets/:id', async (request) => ({ key: request.keywarden!.keyId }));

import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { VerifyResult } from '../types.ts';
import { answer, frameworkGuard, nodeHeader, type GuardOptions } from './shared.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key's verdict, set by the Keywarden guard on the requests it lets through. */
    keywarden?: VerifyResult;
  }
}

export type { GuardOptions };

/** A preHandler hook: for one route (`{ preHandler: keyHook(...) }`) or a scope (`addHook`). */
export function keyHook(options: GuardOptions): preHandlerAsyncHookHandler {
  const guard = frameworkGuard(options);
  return async function keywardenPreHandler(request: FastifyRequest, reply: FastifyReply) {
    const decision = await guard.authorize({
      method: request.method,
      url: request.url,
      header: nodeHeader(request.headers),
      frameworkIp: () => request.ip,
      peer: () => request.socket.remoteAddress,
    });
    if (decision.ok) {
      request.keywarden = decision.result;
      return;
    }
    const { status, headers, body } = answer(decision);
    // Returning the reply tells Fastify the request is answered: the route handler does not run.
    return reply.code(status).headers(headers).send(body);
  };
}

const plugin: FastifyPluginAsync<GuardOptions> = async (fastify, options) => {
  if (!fastify.hasRequestDecorator('keywarden')) fastify.decorateRequest('keywarden', undefined);
  fastify.addHook('preHandler', keyHook(options));
};
// Like fastify-plugin: the hook applies to the scope that registers the plugin, not a child of it.
Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: '@keywarden/sdk/fastify' });

/** The plugin: `app.register(keywarden, options)` guards every route of that scope. */
export const keywarden = plugin;
