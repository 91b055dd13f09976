import { GetIdentityQuery, SetIdentityLimitsMutation } from '../operations/identities.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type { Identity, SetIdentityLimitsInput } from '../types.ts';

export function identitiesResource(t: Transport) {
  return {
    /** The identity of your customer or user id, or null when no key or limit named it yet. */
    async get(externalId: string, call?: CallOptions): Promise<Identity | null> {
      return (await t.request(GetIdentityQuery, { externalId }, call)).identity ?? null;
    },

    /** The rate limits shared by all keys of `externalId` (the identity is made when new). */
    async setLimits(input: SetIdentityLimitsInput, call?: CallOptions): Promise<Identity> {
      return (await t.mutate(SetIdentityLimitsMutation, { input }, 'IdentityPayload', call)).identity;
    },
  };
}
