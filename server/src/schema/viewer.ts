import { builder } from '../builder.ts';
import type { Caller } from '../context.ts';

const CallerKind = builder.enumType('CallerKind', {
  values: ['ANONYMOUS', 'PLATFORM', 'MEMBER', 'API_KEY', 'ACCESS_TOKEN'] as const,
});

const KIND: Record<Caller['kind'], 'ANONYMOUS' | 'PLATFORM' | 'MEMBER' | 'API_KEY' | 'ACCESS_TOKEN'> = {
  anonymous: 'ANONYMOUS', platform: 'PLATFORM', member: 'MEMBER', apiKey: 'API_KEY', accessToken: 'ACCESS_TOKEN',
};

const Viewer = builder.objectRef<Caller>('Viewer').implement({
  description: 'The caller of this request, as the server authenticated it.',
  fields: (t) => ({
    kind: t.field({ type: CallerKind, resolve: (caller) => KIND[caller.kind] }),
    tenantId: t.id({ nullable: true, resolve: (caller) => ('tenantId' in caller ? caller.tenantId : null) }),
    address: t.string({
      description: 'The client address the server sees (proxy headers count only from trusted proxies); IP rules match against it.',
      resolve: (_caller, _args, ctx) => ctx.request.ip,
    }),
    scopes: t.stringList({ description: 'Scopes held right now; `*` means every scope of the tenant.', resolve: (caller) => ('scopes' in caller ? caller.scopes.toArray() : []) }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({ type: Viewer, description: 'Who the server takes the caller to be.', resolve: (_root, _args, ctx) => ctx.caller }),
);
