// `@keywarden/sdk/express`: the guard as Express middleware. `req.keywarden` is typed by merging into
// `Express.Request`; the path checked is `req.originalUrl` (a router mounted under a prefix sees the
// full path); the client address is `req.ip`, which honours the app's `trust proxy` setting, unless
// `trustedProxies` is given.
//
//   app.use('/v1/tickets', keywarden({ client, scopes: ['tickets:read'] }), ticketsRouter);

import type { RequestHandler } from 'express';
import type { VerifyResult } from '../types.ts';
import { answer, frameworkGuard, nodeHeader, type GuardOptions } from './shared.ts';

declare global {
  // Express's own extension point for request properties.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The key's verdict, set by the Keywarden guard on the requests it lets through. */
      keywarden?: VerifyResult;
    }
  }
}

export type { GuardOptions };

/** Express middleware: `next()` with `req.keywarden` set, or a 401/403/429/503 answer. */
export function keywarden(options: GuardOptions): RequestHandler {
  const guard = frameworkGuard(options);
  return (req, res, next) => {
    guard
      .authorize({
        method: req.method,
        url: req.originalUrl,
        header: nodeHeader(req.headers),
        frameworkIp: () => req.ip,
        peer: () => req.socket.remoteAddress,
      })
      .then((decision) => {
        if (decision.ok) {
          req.keywarden = decision.result;
          return next();
        }
        const { status, headers, body } = answer(decision);
        res.status(status).set(headers).send(body);
      }, next);
  };
}
