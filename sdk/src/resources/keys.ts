import {
  BulkUpdateKeysMutation, CreateKeyMutation, DeleteKeyMutation, DisableKeyMutation, EnableKeyMutation, ExplainAccessQuery,
  GetKeyQuery, ListAccessTokensQuery, ListKeysQuery, RevokeAccessTokenMutation, RevokeKeyMutation, RotateKeyMutation, UpdateKeyMutation,
} from '../operations/keys.ts';
import { pageOf, PageIterator, type ListOptions } from '../pagination.ts';
import { expectPayload, type CallOptions, type Transport } from '../transport.ts';
import type {
  AccessExplanation, AccessToken, ApiKey, ApiKeyFilter, BulkUpdateKeysInput, CreateKeyInput, IssuedKey, RevokeKeyInput, RotateKeyInput, UpdateKeyInput,
} from '../types.ts';
import { notFound, paginated } from './shared.ts';

export interface ExplainAccessInput {
  keyId: string;
  /** The client address to check, IPv4 or IPv6. */
  ip: string;
  /** `/path` or `METHOD /path`; not checked when absent. */
  endpoint?: string | null;
  scopes?: string[] | null;
}

export function keysResource(t: Transport) {
  return {
    /** The tenant's API keys, oldest first: `for await (const key of client.keys.list({ filter }))`. */
    ...paginated<ApiKey, ApiKeyFilter>(async ({ first, after, filter }, call) => pageOf((await t.request(ListKeysQuery, { first, after, filter }, call)).apiKeys)),

    /** The key's live access tokens (neither revoked nor expired), newest first (tokens:read). */
    accessTokens(keyId: string, options: ListOptions = {}, call?: CallOptions): PageIterator<AccessToken> {
      return new PageIterator(async ({ first, after }) => {
        const { apiKey } = await t.request(ListAccessTokensQuery, { keyId, first, after }, call);
        if (!apiKey) throw notFound('ApiKey', keyId, 'ListAccessTokens');
        return pageOf(apiKey.accessTokens);
      }, options);
    },

    /** Ends an access token at once, on every instance (tokens:write). */
    async revokeAccessToken(id: string, call?: CallOptions): Promise<AccessToken> {
      const { revokeAccessToken } = await t.request(RevokeAccessTokenMutation, { id }, call);
      return expectPayload(revokeAccessToken, 'AccessTokenPayload', 'RevokeAccessToken').accessToken;
    },

    async get(id: string, call?: CallOptions): Promise<ApiKey> {
      const { apiKey } = await t.request(GetKeyQuery, { id }, call);
      if (!apiKey) throw notFound('ApiKey', id, 'GetKey');
      return apiKey;
    },

    /**
     * Issue a key. `key` is the full key text (send it as the API key, or as the OAuth client_secret
     * with `clientId` as client_id): store it now, it is never shown again. `secret` is the same text.
     */
    async create(input: CreateKeyInput, call?: CallOptions): Promise<IssuedKey> {
      const { createKey } = await t.request(CreateKeyMutation, { input }, call);
      return expectPayload(createKey, 'CreateKeyPayload', 'CreateKey');
    },

    /** Change a key (not a revoked one). Given lists replace the stored ones. */
    async update(input: UpdateKeyInput, call?: CallOptions): Promise<ApiKey> {
      const { updateKey } = await t.request(UpdateKeyMutation, { input }, call);
      return expectPayload(updateKey, 'ApiKeyPayload', 'UpdateKey').apiKey;
    },

    /** Refuse the key until enabled again. */
    async disable(id: string, call?: CallOptions): Promise<ApiKey> {
      const { disableKey } = await t.request(DisableKeyMutation, { id }, call);
      return expectPayload(disableKey, 'ApiKeyPayload', 'DisableKey').apiKey;
    },

    async enable(id: string, call?: CallOptions): Promise<ApiKey> {
      const { enableKey } = await t.request(EnableKeyMutation, { id }, call);
      return expectPayload(enableKey, 'ApiKeyPayload', 'EnableKey').apiKey;
    },

    /** Refuse the key for good. */
    async revoke(input: RevokeKeyInput, call?: CallOptions): Promise<ApiKey> {
      const { revokeKey } = await t.request(RevokeKeyMutation, { input }, call);
      return expectPayload(revokeKey, 'ApiKeyPayload', 'RevokeKey').apiKey;
    },

    /** Remove the key; its audit history stays. */
    async delete(id: string, call?: CallOptions): Promise<{ deletedKeyId: string }> {
      const { deleteKey } = await t.request(DeleteKeyMutation, { id }, call);
      return expectPayload(deleteKey, 'DeleteKeyPayload', 'DeleteKey');
    },

    /**
     * A new secret for the same public id, as `key` (and `clientSecret`), shown once; the old one, and
     * the access tokens issued from it, work for `gracePeriodSeconds` (without one, they stop at once).
     */
    async rotate(input: RotateKeyInput, call?: CallOptions): Promise<IssuedKey> {
      const { rotateKey } = await t.request(RotateKeyMutation, { input }, call);
      return expectPayload(rotateKey, 'RotateKeyPayload', 'RotateKey');
    },

    /** Disable, enable or revoke many keys (by `ids` or `filter`), all or nothing. */
    async bulkUpdate(input: BulkUpdateKeysInput, call?: CallOptions): Promise<{ count: number; keyIds: string[] }> {
      const { bulkUpdateKeys } = await t.request(BulkUpdateKeysMutation, { input }, call);
      return expectPayload(bulkUpdateKeys, 'BulkUpdateKeysPayload', 'BulkUpdateKeys');
    },

    /** Why the key would be allowed or refused for this address, endpoint and scopes right now. */
    async explainAccess(input: ExplainAccessInput, call?: CallOptions): Promise<AccessExplanation> {
      const { explainAccess } = await t.request(
        ExplainAccessQuery,
        { keyId: input.keyId, ip: input.ip, endpoint: input.endpoint ?? null, scopes: input.scopes ?? null },
        call,
      );
      if (!explainAccess) throw notFound('ApiKey', input.keyId, 'ExplainAccess');
      return explainAccess;
    },
  };
}
