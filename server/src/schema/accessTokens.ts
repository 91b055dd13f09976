import DataLoader from 'dataloader';
import { createContextCache, PothosValidationError } from '@pothos/core';
import { formatPrismaCursor, parsePrismaCursor } from '@pothos/plugin-prisma';
import { resolveCursorConnection } from '@pothos/plugin-relay';
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../builder.ts';
import type { Context } from '../appTypes.ts';
import { liveTokensOfKeys, type TokenPage } from '../services/liveAccessTokens.ts';
import { idOf } from '../inputSafety.ts';
import type { AccessToken } from '../generated/prisma/client.ts';
import { isExpired } from '../domain/expiry.ts';
import { revokeAccessTokenById } from '../services/accessTokens.ts';
import { MUTATION_ERRORS } from './errors.ts';

// Access tokens are issued to keys by POST /oauth/token; here administrators list and revoke them.

const READ = { $any: { platform: true, scope: 'tokens:read' } } as const;

export const AccessTokenStatusEnum = builder.enumType('AccessTokenStatus', {
  values: ['ACTIVE', 'EXPIRED', 'REVOKED'] as const,
  description: 'EXPIRED is not stored: a token is EXPIRED from the second its expiresAt is reached.',
});

export const AccessTokenRef = builder.prismaNode('AccessToken', {
  id: { field: 'id' },
  // node(id:) of a record outside the caller's tenant answers null, like a missing one.
  nullable: true,
  description: 'A short-lived token issued to a key by the OAuth client-credentials grant (POST /oauth/token). Its text is given to the client once and stored only as a hash.',
  authScopes: READ,
  fields: (t) => ({
    apiKey: t.relation('apiKey', { description: 'The key it was issued to; it acts with at most that key\'s rights.' }),
    scopes: t.exposeStringList('scopes', { description: 'The scopes asked for at issue (the key\'s effective scopes still cap them).' }),
    status: t.field({ type: AccessTokenStatusEnum, resolve: (token, _args, ctx) => tokenStatus(token, ctx.app.clock()) }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    issuedIp: t.exposeString('issuedIp', { nullable: true, description: 'The address the token was requested from.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

function tokenStatus(token: AccessToken, now: Date): 'ACTIVE' | 'EXPIRED' | 'REVOKED' {
  if (token.revokedAt !== null) return 'REVOKED';
  return isExpired(token.expiresAt, now) ? 'EXPIRED' : 'ACTIVE';
}

builder.prismaObjectField('ApiKey', 'accessTokens', (t) =>
  t.connection({
    type: AccessTokenRef,
    authScopes: READ,
    description: 'Access tokens issued to the key that are neither revoked nor expired, newest first.',
    select: { tenantId: true },
    resolve: (key, args, ctx) =>
      resolveCursorConnection<Promise<AccessToken[]>>(
        { args, toCursor: (token: AccessToken) => formatPrismaCursor({ id: token.id }, 'id'), defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE },
        ({ after, before, limit, inverted }) =>
          tokensLoader(ctx, { after: cursorId(after), before: cursorId(before), limit, inverted }).load(key),
      ),
  }),
);

/**
 * One loader per request and page: the keys of a list that ask for the same page of their tokens
 * are answered by one statement (liveTokensOfKeys), a page per key. Held in Pothos' context cache,
 * which a retried mutation attempt starts afresh, so no attempt reads what another one loaded.
 */
const tokenLoaders = createContextCache(() => new Map<string, DataLoader<{ id: string; tenantId: string }, AccessToken[], string>>());
function tokensLoader(ctx: Context, page: TokenPage) {
  const loaders = tokenLoaders(ctx);
  const signature = JSON.stringify(page);
  let loader = loaders.get(signature);
  if (!loader) {
    loader = new DataLoader(
      async (keys) => {
        const byKey = await liveTokensOfKeys(ctx.db, keys, page, ctx.app.clock());
        return keys.map((key) => byKey.get(key.id)!);
      },
      { cacheKeyFn: (key) => key.id },
    );
    loaders.set(signature, loader);
  }
  return loader;
}

/** The token id a cursor names; a malformed cursor is BAD_REQUEST, as on every Prisma connection. */
function cursorId(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = parsePrismaCursor(cursor);
  if (typeof id !== 'string') throw new PothosValidationError(`Invalid cursor: ${cursor}`);
  return id;
}

const AccessTokenPayload = builder.objectRef<{ accessToken: AccessToken }>('AccessTokenPayload').implement({
  fields: (t) => ({ accessToken: t.expose('accessToken', { type: AccessTokenRef }) }),
});

builder.mutationFields((t) => ({
  revokeAccessToken: t.field({
    type: AccessTokenPayload,
    description: 'Ends an access token at once, on every instance (tokens:write). Revoking a revoked token changes nothing.',
    authScopes: { scope: 'tokens:write' },
    errors: MUTATION_ERRORS,
    args: { id: t.arg.id({ required: true, ...idOf('AccessToken') }) },
    resolve: async (_root, { id }, ctx) => ({ accessToken: await revokeAccessTokenById(ctx, String(id)) }),
  }),
}));
