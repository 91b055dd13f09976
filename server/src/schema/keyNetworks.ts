import { builder } from '../builder.ts';
import { NETWORK_PREFIX } from '../domain/networks.ts';

const READ = { scope: 'keys:read' } as const;
/** Networks a key lists, most recently used first. */
const MAX_LISTED_NETWORKS = 100;

// The networks a key was validly used from: written by the batched usage flush, read-only here.
// A network first used, or used again after the configured days without use, is reported once as
// the audit event `key.used_from_new_network`.
builder.prismaObject('KeyNetwork', {
  description: `A network a key was validly used from: an IPv4 /${NETWORK_PREFIX.ipv4} or IPv6 /${NETWORK_PREFIX.ipv6}. Written with the batched usage (a few seconds late).`,
  authScopes: READ,
  fields: (t) => ({
    network: t.exposeString('network', { description: 'The network as a CIDR, e.g. `203.0.113.0/24` or `2001:db8:1::/48`.' }),
    firstSeenAt: t.expose('firstSeenAt', { type: 'DateTime', description: 'The first use of the current stretch: the first ever, or the first after KEYWARDEN_NEW_NETWORK_DAYS without a use.' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
    lastAddress: t.exposeString('lastAddress', { description: 'The address of the last recorded use from this network.' }),
  }),
});

builder.prismaObjectField('ApiKey', 'networks', (t) =>
  t.relation('networks', {
    description: `The networks the key was used from, most recently used first (at most ${MAX_LISTED_NETWORKS}).`,
    query: { orderBy: [{ lastSeenAt: 'desc' }, { id: 'asc' }], take: MAX_LISTED_NETWORKS },
  }),
);
