import { builder } from '../builder.ts';
import { reportLeakedKey, type LeakOutcome } from '../services/leaks.ts';
import { ApiKeyStatusEnum } from './keys.ts';
import { inputMutation } from './payloads.ts';

// Leaked keys: the tenant's policy for them (Tenant.leakedKeyPolicy, set by updateTenant) and
// reportLeakedKey. GitHub's secret-scanning reports arrive at POST /v1/leaks/github (http/leaksRoute.ts).

export const LeakedKeyPolicyEnum = builder.enumType('LeakedKeyPolicy', {
  values: {
    REVOKE: { description: 'The key is revoked at once, for good (the default).' },
    DISABLE: { description: 'The key is disabled: refused until enabled again.' },
    NOTIFY: { description: 'Nothing changes; the report is audited (`key.leaked`) for people to act on.' },
  } as const,
  description: 'What a report that one of the tenant\'s keys was published (GitHub secret scanning, reportLeakedKey) does to the key.',
});

const ReportLeakedKeyInput = builder.inputType('ReportLeakedKeyInput', {
  fields: (t) => ({
    key: t.string({ required: true, description: 'The full key text that was exposed. Never stored, logged or echoed.' }),
    url: t.string({ required: false, description: 'Where it was exposed (at most 2048 characters).' }),
    note: t.string({ required: false, description: 'What happened (at most 1000 characters); audited with the report.' }),
  }),
});

const ReportLeakedKeyPayload = builder.objectRef<LeakOutcome>('ReportLeakedKeyPayload').implement({
  fields: (t) => ({
    keyId: t.exposeID('keyId', { description: 'The key the text belongs to.' }),
    policy: t.field({ type: LeakedKeyPolicyEnum, description: 'What the tenant\'s policy did (for a repeated report: what it did the first time).', resolve: (o) => o.policy }),
    status: t.field({ type: ApiKeyStatusEnum, description: 'The key\'s stored status now.', resolve: (o) => o.status }),
    alreadyReported: t.exposeBoolean('alreadyReported', { description: 'The same report (this secret, from the tenant\'s people, at this url) was made before: nothing changed now.' }),
    apiKey: t.prismaField({
      type: 'ApiKey',
      description: 'The key (needs keys:read, as everywhere).',
      resolve: (query, o, _args, ctx) => ctx.db.apiKey.findUniqueOrThrow({ ...query, where: { id: o.keyId } }),
    }),
  }),
});

builder.mutationFields((t) => ({
  reportLeakedKey: inputMutation(t, {
    type: ReportLeakedKeyPayload,
    description:
      "Report that one of your tenant's keys was exposed, by pasting its text: the tenant's leakedKeyPolicy applies (revoke by default), audited as `key.leaked`. " +
      'Any member or key of the tenant may report (holding the text is the authority). A text that is not a live key of your tenant is NOT_FOUND. Costs one argon2 verification.',
    authScopes: { tenant: true },
    input: ReportLeakedKeyInput,
    resolve: (input, ctx) => reportLeakedKey(ctx, input),
  }),
}));
