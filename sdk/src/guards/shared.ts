// What the framework guards share: one `requireKey()` guard per middleware (its `authorize()` is the
// decision: key parsing, verification and its cache, fail-closed), the full request path without its
// query string, and the client address (the framework's own, or `trustedProxies`).

import { answer, requireKey, type GuardDecision, type RequireKeyOptions } from '../resourceServer.ts';
import { canonicalIp, clientAddress, trustedProxies, type ProxyOptions } from './clientAddress.ts';

/** Options of every framework guard: what `requireKey()` takes, and which proxies to believe. */
export type GuardOptions = Omit<RequireKeyOptions, 'clientIp'> & ProxyOptions;

/** The request as a framework guard sees it. */
export interface FrameworkRequest {
  method: string;
  /** The full path as the client sent it (mount prefix included); a query string is stripped. */
  url: string;
  header(name: string): string | null | undefined;
  /** The address the framework gives (honouring its own proxy setting); used without `trustedProxies`. */
  frameworkIp: () => string | null | undefined;
  /** The direct peer's address; used with `trustedProxies`. */
  peer: () => string | null | undefined;
}

export interface FrameworkGuard {
  authorize(request: FrameworkRequest): Promise<GuardDecision>;
}

/** The path part of a request target: `/v1/tickets/1?x=1#y` → `/v1/tickets/1`. */
export function pathOf(url: string): string {
  return url.split(/[?#]/, 1)[0] || '/';
}

export function frameworkGuard(options: GuardOptions): FrameworkGuard {
  const guard = requireKey(options);
  const isTrusted = options.trustedProxies?.length ? trustedProxies(options.trustedProxies) : null;
  return {
    authorize(request) {
      const ip = isTrusted
        ? clientAddress(request.peer(), request.header('x-forwarded-for'), isTrusted)
        : canonicalIp(request.frameworkIp());
      return guard.authorize({ method: request.method, path: pathOf(request.url), header: request.header, ip });
    },
  };
}

/** A Node header (string | string[] | undefined) as one value. */
export function nodeHeader(headers: Record<string, string | string[] | undefined>) {
  return (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
}

export { answer };
