// `@keywarden/sdk/node`: the guard as node:http (and Connect) middleware, with `req.keywarden` typed
// on Node's IncomingMessage.
//
//   const guard = keywarden({ client, scopes: ['tickets:read'] });
//   http.createServer((req, res) => guard(req, res, () => res.end(req.keywarden!.keyId)));

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VerifyResult } from '../types.ts';
import { answer, frameworkGuard, nodeHeader, type GuardOptions } from './shared.ts';

declare module 'node:http' {
  interface IncomingMessage {
    /** The key's verdict, set by the Keywarden guard on the requests it lets through. */
    keywarden?: VerifyResult;
  }
}

export type { GuardOptions };

/** Node middleware: calls `next()` with `req.keywarden` set, or answers 401/403/429/503 itself. */
export function keywarden(options: GuardOptions): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  const guard = frameworkGuard(options);
  return (req, res, next) => {
    const header = nodeHeader(req.headers);
    guard
      .authorize({ method: req.method ?? 'GET', url: req.url ?? '/', header, frameworkIp: () => req.socket.remoteAddress, peer: () => req.socket.remoteAddress })
      .then((decision) => {
        if (decision.ok) {
          req.keywarden = decision.result;
          return next();
        }
        const { status, headers, body } = answer(decision);
        res.writeHead(status, headers).end(body);
      }, next);
  };
}
