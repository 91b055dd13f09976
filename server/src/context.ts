import type { YogaInitialContext } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { App, Context, ServerContext } from './appTypes.ts';
import type { Caller, RequestInfo } from './domain/caller.ts';
import { clientAddress } from './domain/clientAddress.ts';
import { scopeToTenant } from './db/tenantScope.ts';
import { authenticate } from './services/authentication.ts';
import { presentedCredential } from './http/credentials.ts';

export type { Caller, RequestInfo, TenantCaller } from './domain/caller.ts';
export type { Context, ServerContext } from './appTypes.ts';

// A caller's own request id is kept when it is printable ASCII (it is echoed in a header and logs).
const PRINTABLE_ID = /^[\x21-\x7e]{1,64}$/;
const requestIds = new WeakMap<object, string>();

/**
 * The request's id, the same for every part of the server that asks: the caller's `x-request-id`
 * (its first 64 characters) when printable, else a new UUID. Answered in every response's
 * `x-request-id` header, in error bodies and in log lines.
 */
export function requestIdOf(request: Request): string {
  let id = requestIds.get(request);
  if (id === undefined) {
    const given = request.headers.get('x-request-id')?.slice(0, 64);
    id = given !== undefined && PRINTABLE_ID.test(given) ? given : randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

export function requestInfo(app: App, request: Request, server: ServerContext | undefined): RequestInfo {
  return {
    id: requestIdOf(request),
    ip: clientAddress({
      socketAddress: server?.req?.socket?.remoteAddress ?? '127.0.0.1',
      headers: request.headers,
      trustedProxies: app.config.trustedProxies,
    }),
    userAgent: request.headers.get('user-agent')?.slice(0, 512) ?? null,
    connection: server?.req?.socket,
  };
}

// Anonymous callers can reach only public fields; their client still sees no tenant's data.
const NO_TENANT = 'ten_none';

export async function createContext(app: App, initial: YogaInitialContext & ServerContext): Promise<Context> {
  const request = requestInfo(app, initial.request, initial);
  const caller = await authenticate(app, presentedCredential(initial.request), request);
  return { app, caller, db: clientFor(caller, app.db.prisma), unscoped: app.db.prisma, afterCommit: null, request };
}

/** The client a caller works through: confined to its tenant, the whole database for the operator. */
export function clientFor(caller: Caller, unscoped: PrismaClient): PrismaClient {
  if (caller.kind === 'platform') return unscoped;
  return scopeToTenant(unscoped, caller.kind === 'anonymous' ? NO_TENANT : caller.tenantId);
}

