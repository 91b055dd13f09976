import {
  KeyLimitsQuery, KeyNetworksQuery,
  BulkUpdateKeysMutation, CreateKeyMutation, CreateKeysMutation, RotateKeysMutation, DeleteKeyMutation, DisableKeyMutation, EnableKeyMutation, ExplainAccessQuery,
  GetKeyQuery, ListAccessTokensQuery, ListKeysQuery, RevokeAccessTokenMutation, RevokeKeyMutation, RotateKeyMutation, UpdateKeyMutation,
  ReportLeakedKeyMutation,
} from '../operations/keys.ts';
import { pageOf, PageIterator, type ListOptions, type Page } from '../pagination.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type {
  KeyLimits, KeyNetwork, KeyId, AccessTokenId, ExpiresIn,
  AccessExplanation, AccessToken, ApiKey, ApiKeyFilter, BulkKeysResult, BulkUpdateKeysInput, CreateKeyInput, CreateKeysInput, IssuedKey, IssuedKeyByLink,
  RotateKeysInput, RevokeKeyInput, RotateKeyInput, UpdateKeyInput,
  LeakedKeyReport, ReportLeakedKeyInput,
} from '../types.ts';
import { found, listed } from './shared.ts';
import { errorFromUnionMember, type UnionErrorMember } from '../errors.ts';
import { meta, withMeta } from '../meta.ts';

/**
 * createKey and rotateKey as the SDK hands them out: with `delivery: 'REVEAL_LINK'` the answer
 * carries `revealUrl` and no key text (IssuedKeyByLink); otherwise the key text (IssuedKey).
 */
type IssueFunction<Input extends { delivery?: string | null }> = {
  (input: Input & { delivery: 'REVEAL_LINK' }, call?: CallOptions): Promise<IssuedKeyByLink>;
  (input: Input & { delivery?: 'KEY_TEXT' | null }, call?: CallOptions): Promise<IssuedKey>;
};

const SECONDS = { days: 86_400, hours: 3_600, minutes: 60, seconds: 1 } as const;

/**
 * `expiresIn` as the server takes it: a preset as is; a duration as `expiresAt` (now + the
 * duration, whole seconds). A duration with `expiresAt` too is refused here, as the server refuses
 * a preset with one.
 */
export function expiryInput<T extends { expiresIn?: ExpiresIn | null; expiresAt?: Date | string | null }>(input: T): Omit<T, 'expiresIn'> & { expiresIn?: string | null } {
  const { expiresIn } = input;
  if (expiresIn === null || expiresIn === undefined || typeof expiresIn === 'string') return input as Omit<T, 'expiresIn'> & { expiresIn?: string | null };
  if (input.expiresAt !== undefined && input.expiresAt !== null) throw new TypeError('Give either expiresIn or expiresAt, not both');
  let seconds = 0;
  for (const [unit, size] of Object.entries(SECONDS)) {
    const count = expiresIn[unit as keyof typeof SECONDS];
    if (count === undefined) continue;
    if (!Number.isFinite(count) || count < 0) throw new TypeError(`expiresIn.${unit} must be a finite number of at least 0`);
    seconds += count * size;
  }
  if (!(seconds > 0)) throw new TypeError('expiresIn must be a duration longer than 0 seconds');
  const { expiresIn: _, ...rest } = input;
  return { ...rest, expiresAt: new Date(Date.now() + Math.ceil(seconds) * 1000) };
}

type BulkItem = { index: number; error?: UnionErrorMember | null } & Partial<Record<'created' | 'rotated', (Omit<IssuedKey, 'apiKey' | 'key' | 'clientSecret' | 'secret' | 'revealUrl' | 'revealLinkExpiresAt'> & { apiKey: object }) | null>>;

/** A bulk payload as the SDK hands it out: each item's key, or its error as the SDK's error class. */
function bulkResult(payload: { succeeded: number; failed: number; results: readonly BulkItem[] }, operation: string): BulkKeysResult {
  const received = meta(payload);
  return withMeta({
    succeeded: payload.succeeded,
    failed: payload.failed,
    results: payload.results.map((item) => {
      const issued = item.created ?? item.rotated;
      return issued ? { index: item.index, ok: true, issued: issued as IssuedKey } : { index: item.index, ok: false, error: errorFromUnionMember(item.error!, operation, received) };
    }),
  }, received);
}

export interface ExplainAccessInput {
  keyId: KeyId;
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
    accessTokens(keyId: KeyId, options: ListOptions = {}, call?: CallOptions): PageIterator<AccessToken> {
      return new PageIterator(async ({ first, after }) => {
        const { accessTokens } = await found(t, ListAccessTokensQuery, { keyId, first, after }, 'ApiKey', keyId, call);
        return withMeta(pageOf(accessTokens), meta(accessTokens)) as Page<AccessToken>;
      }, options);
    },

    /** Ends an access token at once, on every instance (tokens:write). */
    async revokeAccessToken(id: AccessTokenId, call?: CallOptions): Promise<AccessToken> {
      return (await t.mutate(RevokeAccessTokenMutation, { id }, 'AccessTokenPayload', call)).accessToken as AccessToken;
    },

    async get(id: KeyId, call?: CallOptions): Promise<ApiKey> {
      return (await found(t, GetKeyQuery, { id }, 'ApiKey', id, call)) as ApiKey;
    },

    /**
     * The key's limits in full: its own unnamed and named limits, its credits with their refill, and
     * every limit in force (its own, its group's, its identity's) with what is left of each window now.
     */
    async limits(id: KeyId, call?: CallOptions): Promise<KeyLimits> {
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
    create: (async (input: CreateKeyInput, call?: CallOptions) => t.mutate(CreateKeyMutation, { input: expiryInput(input) }, 'CreateKeyPayload', call)) as IssueFunction<CreateKeyInput>,

    /**
     * Issue up to 1,000 keys in one call. `atomic` (default true): all or none, the first failing
     * item thrown (its message names `items.<i>`); false: each on its own, a failing item's error in
     * its place. Every `issued.key` is shown this once.
     */
    async createMany(input: CreateKeysInput, call?: CallOptions): Promise<BulkKeysResult> {
      return bulkResult(await t.mutate(CreateKeysMutation, { input: { ...input, items: input.items.map(expiryInput) } }, 'CreateKeysPayload', call), 'CreateKeys');
    },

    /** Rotate up to 1,000 keys in one call (each at most once), `atomic` as in createMany. */
    async rotateMany(input: RotateKeysInput, call?: CallOptions): Promise<BulkKeysResult> {
      return bulkResult(await t.mutate(RotateKeysMutation, { input }, 'RotateKeysPayload', call), 'RotateKeys');
    },

    /** Change a key (not a revoked one). Given lists replace the stored ones. */
    async update(input: UpdateKeyInput, call?: CallOptions): Promise<ApiKey> {
      return (await t.mutate(UpdateKeyMutation, { input: expiryInput(input) }, 'ApiKeyPayload', call)).apiKey as ApiKey;
    },

    /** Refuse the key until enabled again. */
    async disable(id: KeyId, call?: CallOptions): Promise<ApiKey> {
      return (await t.mutate(DisableKeyMutation, { id }, 'ApiKeyPayload', call)).apiKey as ApiKey;
    },

    async enable(id: KeyId, call?: CallOptions): Promise<ApiKey> {
      return (await t.mutate(EnableKeyMutation, { id }, 'ApiKeyPayload', call)).apiKey as ApiKey;
    },

    /** Refuse the key for good. */
    async revoke(input: RevokeKeyInput, call?: CallOptions): Promise<ApiKey> {
      return (await t.mutate(RevokeKeyMutation, { input }, 'ApiKeyPayload', call)).apiKey as ApiKey;
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
    async delete(id: KeyId, call?: CallOptions): Promise<{ deletedKeyId: KeyId }> {
      return (await t.mutate(DeleteKeyMutation, { id }, 'DeleteKeyPayload', call)) as { deletedKeyId: KeyId };
    },

    /**
     * A new secret for the same public id, as `key` (and `clientSecret`), shown once; the old one, and
     * the access tokens issued from it, work for `gracePeriodSeconds` (without one, they stop at once).
     */
    rotate: (async (input: RotateKeyInput, call?: CallOptions) => t.mutate(RotateKeyMutation, { input }, 'RotateKeyPayload', call)) as IssueFunction<RotateKeyInput>,

    /** Disable, enable or revoke many keys (by `ids` or `filter`), all or nothing. */
    async bulkUpdate(input: BulkUpdateKeysInput, call?: CallOptions): Promise<{ count: number; keyIds: KeyId[] }> {
      return (await t.mutate(BulkUpdateKeysMutation, { input }, 'BulkUpdateKeysPayload', call)) as { count: number; keyIds: KeyId[] };
    },

    /** Why the key would be allowed or refused for this address, endpoint and scopes right now. */
    async explainAccess(input: ExplainAccessInput, call?: CallOptions): Promise<AccessExplanation> {
      const variables = { keyId: input.keyId, ip: input.ip, endpoint: input.endpoint ?? null, scopes: input.scopes ?? null };
      return found(t, ExplainAccessQuery, variables, 'ApiKey', input.keyId, call);
    },
  };
}
