// `@keywarden/sdk/fetch`: a Fetch API route wrapper (Next.js route handlers, Bun, Deno, workers).
// The handler runs only for an accepted key and gets its verdict; every refusal is answered for it.
// A Request carries no client address: pass `clientIp` (your platform's, e.g. a header your edge
// sets), and `trustedProxies` to walk `X-Forwarded-For` from that peer.
//
//   export const GET = withKey(async (request, key) => Response.json({ key: key.keyId }), { client, scopes: ['tickets:read'] });

import type { VerifyResult } from '../types.ts';
import { answer, frameworkGuard, type GuardOptions } from './shared.ts';

export interface FetchGuardOptions<Rest extends unknown[] = unknown[]> extends GuardOptions {
  /** The direct peer's address for this request (arguments as the handler gets them). */
  clientIp?: (request: Request, ...rest: Rest) => string | null | undefined;
}

/** Wraps a handler `(request, verdict, ...rest)` into a route handler `(request, ...rest)`. */
export function withKey<Rest extends unknown[]>(
  handler: (request: Request, verdict: VerifyResult, ...rest: Rest) => Response | Promise<Response>,
  options: FetchGuardOptions<Rest>,
): (request: Request, ...rest: Rest) => Promise<Response> {
  const guard = frameworkGuard(options);
  return async (request, ...rest) => {
    const ip = () => options.clientIp?.(request, ...rest);
    const decision = await guard.authorize({
      method: request.method,
      url: new URL(request.url).pathname,
      header: (name) => request.headers.get(name),
      frameworkIp: ip,
      peer: ip,
    });
    if (decision.ok) return handler(request, decision.result, ...rest);
    const { status, headers, body } = answer(decision);
    return new Response(body, { status, headers });
  };
}
