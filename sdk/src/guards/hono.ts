// `@keywarden/sdk/hono`: the guard as Hono middleware. The verdict is a typed context variable
// (`c.get('keywarden')`) through the middleware's `Variables`; the path is `c.req.path` (the full
// path, whatever `app.route()` mounted it under). Hono reads the client address through its
// runtime's `getConnInfo` (`@hono/node-server/conninfo`, `hono/bun`, `hono/cloudflare-workers`, …),
// passed as an option as for Hono's own `ipRestriction`.
//
//   app.use('/v1/*', keywarden({ client, scopes: ['tickets:read'], getConnInfo }));
//   app.get('/v1/tickets/:id', (c) => c.json({ key: c.get('keywarden').keyId }));

import type { Context, MiddlewareHandler } from 'hono';
import type { GetConnInfo } from 'hono/conninfo';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { VerifyResult } from '../types.ts';
import { answer, frameworkGuard, type GuardOptions } from './shared.ts';

/** The context variables the guard sets: `c.get('keywarden')`. */
export type KeywardenVariables = { keywarden: VerifyResult };
/** The middleware's environment, for typing an app or a sub-router: `new Hono<KeywardenEnv>()`. */
export type KeywardenEnv = { Variables: KeywardenVariables };

export interface HonoGuardOptions extends GuardOptions {
  /**
   * Your runtime's `getConnInfo` (e.g. from `@hono/node-server/conninfo`): the direct peer's address.
   * Without it the guard sends no client address (keys with IP rules are then refused).
   */
  getConnInfo?: GetConnInfo;
}

export function keywarden(options: HonoGuardOptions): MiddlewareHandler<KeywardenEnv> {
  const guard = frameworkGuard(options);
  const peer = (c: Context) => (options.getConnInfo ? options.getConnInfo(c).remote.address : undefined);
  return async (c, next) => {
    const decision = await guard.authorize({
      method: c.req.method,
      url: c.req.path,
      header: (name) => c.req.header(name),
      frameworkIp: () => peer(c),
      peer: () => peer(c),
    });
    if (decision.ok) {
      c.set('keywarden', decision.result);
      await next();
      return;
    }
    const { status, headers, body } = answer(decision);
    return c.body(body, status as ContentfulStatusCode, headers);
  };
}
