import type { YogaInitialContext } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { App, Context, ServerContext } from './appTypes.ts';
import type { Caller, RequestInfo } from './domain/caller.ts';
import { clientAddress } from './domain/clientAddress.ts';
import { clientFor } from './db/clientFor.ts';
import { overloadedAsRateLimited } from './http/errors.ts';
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
    get route() {
      return `${request.method ?? 'GET'} ${new URL(request.url, 'http://keywarden').pathname}`.slice(0, 300);
    },
  };
}

/** A request as every route sees it: its id and address, who calls, and the client they work through. */
export interface RequestScope {
  info: RequestInfo;
  caller: Caller;
  /** Tenant callers: a client confined to their tenant. Platform operator: the whole database. */
  db: PrismaClient;
}

/**
 * The one way a request becomes `{ info, caller, db }`: for the GraphQL context and the REST
 * routes alike. No credential is the anonymous caller; a bad one throws UNAUTHENTICATED; a caller
 * that cannot be authenticated for want of argon2 capacity, RATE_LIMITED.
 */
export async function resolveRequest(app: App, request: Request, server: ServerContext | undefined): Promise<RequestScope> {
  const info = requestInfo(app, request, server);
  let caller: Caller;
  try {
    caller = await authenticate(app, presentedCredential(request), info);
  } catch (error) {
    throw overloadedAsRateLimited(error);
  }
  return { info, caller, db: clientFor(caller, app.db.prisma) };
}

const requestHeaders = new WeakMap<RequestInfo, Headers>();

/** The headers of the request a GraphQL context serves (an Idempotency-Key, say). */
export function requestHeadersOf(ctx: Pick<Context, 'request'>): Headers {
  return requestHeaders.get(ctx.request) ?? new Headers();
}

const requestOrigins = new WeakMap<RequestInfo, string>();

/** The public URL links in answers start with: KEYWARDEN_PUBLIC_URL, else the origin the request came to. */
export function publicBaseOf(ctx: Pick<Context, 'request' | 'app'>): string {
  return ctx.app.config.publicUrl ?? requestOrigins.get(ctx.request) ?? 'http://localhost';
}

export async function createContext(app: App, initial: YogaInitialContext & ServerContext): Promise<Context> {
  const { info, caller, db } = await resolveRequest(app, initial.request, initial);
  requestHeaders.set(info, initial.request.headers);
  requestOrigins.set(info, new URL(initial.request.url).origin);
  return { app, caller, db, unscoped: app.db.prisma, afterCommit: null, request: info };
}
