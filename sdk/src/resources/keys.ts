import {
  KeyLimitsQuery, KeyNetworksQuery,
  BulkUpdateKeysMutation, CreateKeyMutation, CreateKeysMutation, RotateKeysMutation, DeleteKeyMutation, DisableKeyMutation, EnableKeyMutation, ExplainAccessQuery,
  GetKeyQuery, ListAccessTokensQuery, ListKeysQuery, RevokeAccessTokenMutation, RevokeKeyMutation, RotateKeyMutation, UpdateKeyMutation,
  ReportLeakedKeyMutation,
} from '../operations/keys.ts';
import { pageOf, PageIterator, type ListOptions } from '../pagination.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type {
  KeyLimits, KeyNetwork,
  AccessExplanation, AccessToken, ApiKey, ApiKeyFilter, BulkKeysResult, BulkUpdateKeysInput, CreateKeyInput, CreateKeysInput, IssuedKey, IssuedKeyByLink,
  RotateKeysInput, RevokeKeyInput, RotateKeyInput, UpdateKeyInput,
  LeakedKeyReport, ReportLeakedKeyInput,
} from '../types.ts';
import { found, listed } from './shared.ts';
import { errorFromUnionMember, type UnionErrorMember } from '../errors.ts';

/**
 * createKey and rotateKey as the SDK hands them out: with `delivery: 'REVEAL_LINK'` the answer
 * carries `revealUrl` and no key text (IssuedKeyByLink); otherwise the key text (IssuedKey).
 */
type IssueFunction<Input extends { delivery?: string | null }> = {
  (input: Input & { delivery: 'REVEAL_LINK' }, call?: CallOptions): Promise<IssuedKeyByLink>;
  (input: Input & { delivery?: 'KEY_TEXT' | null }, call?: CallOptions): Promise<IssuedKey>;
};

type BulkItem = { index: number; error?: UnionErrorMember | null } & Partial<Record<'created' | 'rotated', Omit<IssuedKey, 'key' | 'clientSecret' | 'secret' | 'revealUrl' | 'revealLinkExpiresAt'> | null>>;

/** A bulk payload as the SDK hands it out: each item's key, or its error as the SDK's error class. */
function bulkResult(payload: { succeeded: number; failed: number; results: readonly BulkItem[] }, operation: string): BulkKeysResult {
  return {
    succeeded: payload.succeeded,
    failed: payload.failed,
    results: payload.results.map((item) => {
      const issued = item.created ?? item.rotated;
      return issued ? { index: item.index, ok: true, issued: issued as IssuedKey } : { index: item.index, ok: false, error: errorFromUnionMember(item.error!, operation) };
    }),
  };
}

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
    ...listed<ApiKey, ApiKeyFilter>(t, ListKeysQuery),

    /** The key's live access tokens (neither revoked nor expired), newest first (tokens:read). */
    accessTokens(keyId: string, options: ListOptions = {}, call?: CallOptions): PageIterator<AccessToken> {
      return new PageIterator(async ({ first, after }) => pageOf((await found(t, ListAccessTokensQuery, { keyId, first, after }, 'ApiKey', keyId, call)).accessTokens), options);
    },

    /** Ends an access token at once, on every instance (tokens:write). */
    async revokeAccessToken(id: string, call?: CallOptions): Promise<AccessToken> {
      return (await t.mutate(RevokeAccessTokenMutation, { id }, 'AccessTokenPayload', call)).accessToken;
    },

    async get(id: string, call?: CallOptions): Promise<ApiKey> {
      return found(t, GetKeyQuery, { id }, 'ApiKey', id, call);
    },

    /**
     * The key's limits in full: its own unnamed and named limits, its credits with their refill, and
     * every limit in force (its own, its group's, its identity's) with what is left of each window now.
     */
    async limits(id: string, call?: CallOptions): Promise<KeyLimits> {
      return found(t, KeyLimitsQuery, { id }, 'ApiKey', id, call);
    },

    /**
     * The networks (IPv4 /24, IPv6 /48) the key was validly used from, most recent first, with the
     * last address and when (written with the batched usage, a few seconds late).
     */
    async networks(id: string, call?: CallOptions): Promise<KeyNetwork[]> {
      return (await found(t, KeyNetworksQuery, { id }, 'ApiKey', id, call)).networks;
    },

    /**
     * Issue a key. `key` is the full key text (send it as the API key, or as the OAuth client_secret
     * with `clientId` as client_id): store it now, it is never shown again. `secret` is the same text.
     */
    create: (async (input: CreateKeyInput, call?: CallOptions) => t.mutate(CreateKeyMutation, { input }, 'CreateKeyPayload', call)) as IssueFunction<CreateKeyInput>,

    /**
     * Issue up to 1,000 keys in one call. `atomic` (default true): all or none, the first failing
     * item thrown (its message names `items.<i>`); false: each on its own, a failing item's error in
     * its place. Every `issued.key` is shown this once.
     */
    async createMany(input: CreateKeysInput, call?: CallOptions): Promise<BulkKeysResult> {
      return bulkResult(await t.mutate(CreateKeysMutation, { input }, 'CreateKeysPayload', call), 'CreateKeys');
    },

    /** Rotate up to 1,000 keys in one call (each at most once), `atomic` as in createMany. */
    async rotateMany(input: RotateKeysInput, call?: CallOptions): Promise<BulkKeysResult> {
      return bulkResult(await t.mutate(RotateKeysMutation, { input }, 'RotateKeysPayload', call), 'RotateKeys');
    },

    /** Change a key (not a revoked one). Given lists replace the stored ones. */
    async update(input: UpdateKeyInput, call?: CallOptions): Promise<ApiKey> {
      return (await t.mutate(UpdateKeyMutation, { input }, 'ApiKeyPayload', call)).apiKey;
    },

    /** Refuse the key until enabled again. */
    async disable(id: string, call?: CallOptions): Promise<ApiKey> {
      return (await t.mutate(DisableKeyMutation, { id }, 'ApiKeyPayload', call)).apiKey;
    },

    async enable(id: string, call?: CallOptions): Promise<ApiKey> {
      return (await t.mutate(EnableKeyMutation, { id }, 'ApiKeyPayload', call)).apiKey;
    },

    /** Refuse the key for good. */
    async revoke(input: RevokeKeyInput, call?: CallOptions): Promise<ApiKey> {
      return (await t.mutate(RevokeKeyMutation, { input }, 'ApiKeyPayload', call)).apiKey;
    },

    /**
     * Report that a key of your tenant was exposed, by its full text (`{ key, url?, note? }`): the
     * tenant's leakedKeyPolicy applies (REVOKE by default), once. A text that is not a live key of
     * your tenant is a NotFoundError. The text is never stored or echoed.
     */
    async reportLeaked(input: ReportLeakedKeyInput, call?: CallOptions): Promise<LeakedKeyReport> {
      const { keyId, policy, status, alreadyReported } = await t.mutate(ReportLeakedKeyMutation, { input }, 'ReportLeakedKeyPayload', call);
      return { keyId, policy, status, alreadyReported };
    },

    /** Remove the key; its audit history stays. */
    async delete(id: string, call?: CallOptions): Promise<{ deletedKeyId: string }> {
      return t.mutate(DeleteKeyMutation, { id }, 'DeleteKeyPayload', call);
    },

    /**
     * A new secret for the same public id, as `key` (and `clientSecret`), shown once; the old one, and
     * the access tokens issued from it, work for `gracePeriodSeconds` (without one, they stop at once).
     */
    rotate: (async (input: RotateKeyInput, call?: CallOptions) => t.mutate(RotateKeyMutation, { input }, 'RotateKeyPayload', call)) as IssueFunction<RotateKeyInput>,

    /** Disable, enable or revoke many keys (by `ids` or `filter`), all or nothing. */
    async bulkUpdate(input: BulkUpdateKeysInput, call?: CallOptions): Promise<{ count: number; keyIds: string[] }> {
      return t.mutate(BulkUpdateKeysMutation, { input }, 'BulkUpdateKeysPayload', call);
    },

    /** Why the key would be allowed or refused for this address, endpoint and scopes right now. */
    async explainAccess(input: ExplainAccessInput, call?: CallOptions): Promise<AccessExplanation> {
      const variables = { keyId: input.keyId, ip: input.ip, endpoint: input.endpoint ?? null, scopes: input.scopes ?? null };
      return found(t, ExplainAccessQuery, variables, 'ApiKey', input.keyId, call);
    },
  };
}
