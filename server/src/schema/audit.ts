import { builder } from '../builder.ts';
import { idOf } from '../inputSafety.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { verifyAuditChain, type ChainVerification } from '../services/audit.ts';
import { auditReadTenant } from '../services/authorization.ts';
import { DEFAULT_AUDIT_STREAM_OPTIONS, auditEventSeq } from '../services/auditStream.ts';
import { assertCursorVisible } from './pagination.ts';

const READ = { $any: { platform: true, scope: 'audit:read' } } as const;

export const AuditActorTypeEnum = builder.enumType('AuditActorType', {
  values: ['PLATFORM', 'MEMBER', 'API_KEY', 'ACCESS_TOKEN', 'SYSTEM'] as const,
  description: 'SYSTEM: a background job (retention) or a caller without a credential (a failed login).',
});

export const AuditEventRef = builder.prismaNode('AuditEvent', {
  id: { field: 'id' },
  // node(id:) of another tenant's event answers null, like a missing one.
  nullable: true,
  description:
    'Who did what to which record, from where, when. Events of a tenant form a hash chain: `seq` counts 1, 2, 3…, ' +
    '`hash` = sha256(prevHash + "\\n" + canonical JSON of the other fields), `prevHash` = the previous event\'s hash.',
  authScopes: READ,
  fields: (t) => ({
    tenantId: t.exposeID('tenantId'),
    seq: t.exposeInt('seq', { description: 'Position in the tenant\'s chain; later events have higher seq.' }),
    actorType: t.expose('actorType', { type: AuditActorTypeEnum }),
    actorId: t.exposeString('actorId', { nullable: true, description: 'The member, key, access token or platform credential that acted.' }),
    actorPublicId: t.exposeString('actorPublicId', { nullable: true, description: 'The acting key\'s public id (`pk_…`).' }),
    action: t.exposeString('action', { description: '`<entity>.<verb>`, e.g. `key.created`, `member.role_changed`, `audit.purged`.' }),
    targetType: t.exposeString('targetType', { nullable: true }),
    targetId: t.exposeString('targetId', { nullable: true }),
    ip: t.exposeString('ip', { nullable: true, description: 'The caller\'s address.' }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    requestId: t.exposeString('requestId', { nullable: true, description: 'The X-Request-Id of the request (or one generated for it).' }),
    changes: t.expose('changes', { type: 'JSON', nullable: true, description: 'What changed, e.g. `{"name": {"before": "a", "after": "b"}}`; never secrets or hashes.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    prevHash: t.exposeString('prevHash'),
    hash: t.exposeString('hash'),
  }),
});

const AuditEventFilter = builder.inputType('AuditEventFilter', {
  fields: (t) => ({
    actorId: t.id({ required: false, description: 'The acting member, key, token or credential id, or a key\'s public id.' }),
    actorType: t.field({ type: AuditActorTypeEnum, required: false }),
    action: t.string({ required: false, description: 'An exact action (`key.revoked`), or a prefix ending in a dot (`key.`).' }),
    targetType: t.string({ required: false }),
    targetId: t.id({ required: false }),
    from: t.field({ type: 'DateTime', required: false, description: 'Events at or after this time.' }),
    to: t.field({ type: 'DateTime', required: false, description: 'Events before this time.' }),
  }),
});

type AuditFilter = typeof AuditEventFilter.$inferInput;

function auditWhere(filter: AuditFilter | null | undefined): Prisma.AuditEventWhereInput {
  if (!filter) return {};
  const action = filter.action ?? undefined;
  const actorId = filter.actorId == null ? undefined : String(filter.actorId);
  return {
    ...(actorId && { OR: [{ actorId }, { actorPublicId: actorId }] }),
    actorType: filter.actorType ?? undefined,
    action: action?.endsWith('.') ? { startsWith: action } : action,
    targetType: filter.targetType ?? undefined,
    targetId: filter.targetId == null ? undefined : String(filter.targetId),
    createdAt: filter.from || filter.to ? { gte: filter.from ?? undefined, lt: filter.to ?? undefined } : undefined,
  };
}

const AuditChainVerificationRef = builder.objectRef<ChainVerification>('AuditChainVerification').implement({
  description: 'The result of walking a tenant\'s audit chain from its first kept event to its newest.',
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    checkedEvents: t.exposeInt('checkedEvents', { description: 'Events read, up to and including the first broken one.' }),
    firstSeq: t.exposeInt('firstSeq', { nullable: true, description: 'The first kept event (older ones may have been removed by retention).' }),
    lastSeq: t.exposeInt('lastSeq', { nullable: true, description: 'The newest event checked. Compare with what your SIEM received: removing the newest events cannot be seen from the chain alone.' }),
    lastHash: t.exposeString('lastHash', { nullable: true }),
    firstBrokenSeq: t.exposeInt('firstBrokenSeq', { nullable: true, description: 'The first event that does not check out: an altered one, or the one after deleted ones.' }),
    firstBrokenEventId: t.exposeID('firstBrokenEventId', { nullable: true }),
    reason: t.exposeString('reason', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  auditEvents: t.prismaConnection({
    type: 'AuditEvent',
    cursor: 'id',
    description: "The tenant's audit events, newest first (by seq). The platform operator names the tenant. For oldest-first reading use the subscription or GET /v1/audit/export.",
    authScopes: READ,
    args: { tenantId: t.arg.id({ required: false, ...idOf('Tenant'), description: 'Platform operator only.' }), filter: t.arg({ type: AuditEventFilter, required: false }) },
    resolve: async (query, _root, args, ctx) => {
      const tenantId = await auditReadTenant(ctx, args.tenantId && String(args.tenantId));
      // A cursor must name an event of the listed tenant (the platform operator's client is not confined).
      await assertCursorVisible({ findUnique: ({ where, select }) => ctx.db.auditEvent.findFirst({ where: { ...where, tenantId }, select }) }, args);
      return ctx.db.auditEvent.findMany({ ...query, where: { ...auditWhere(args.filter), tenantId }, orderBy: { seq: 'desc' } });
    },
  }),
  verifyAuditChain: t.field({
    type: AuditChainVerificationRef,
    description: "Checks that the tenant's audit events are complete and unaltered. Tenant callers check their own tenant; the platform operator names one.",
    authScopes: READ,
    args: { tenantId: t.arg.id({ required: false, ...idOf('Tenant'), description: 'Platform operator only.' }) },
    resolve: async (_root, args, ctx) => verifyAuditChain(ctx.db, await auditReadTenant(ctx, args.tenantId && String(args.tenantId))),
  }),
}));

builder.subscriptionType({});

builder.subscriptionField('auditEvents', (t) =>
  t.field({
    type: AuditEventRef,
    description:
      "The tenant's audit events as they are committed, oldest first, on any server instance (subscribe over SSE: " +
      '`accept: text/event-stream`). With `afterId`, first every event after that one: a client that reconnects with the ' +
      'last id it received misses nothing and receives nothing twice. Without it, events from now on. The stream ends ' +
      `after ${DEFAULT_AUDIT_STREAM_OPTIONS.maxStreamMs / 60_000} minutes (the client reconnects with afterId and is authenticated again).`,
    authScopes: READ,
    args: {
      afterId: t.arg.id({ required: false, ...idOf('AuditEvent'), description: 'The last event received; NOT_FOUND when the tenant has no such event (e.g. removed by retention).' }),
      tenantId: t.arg.id({ required: false, ...idOf('Tenant'), description: 'Platform operator only.' }),
    },
    // Scope checks in Pothos run when events resolve; checking here refuses before anything is read.
    subscribe: async (_root, args, ctx) => {
      const tenantId = await auditReadTenant(ctx, args.tenantId && String(args.tenantId));
      const afterSeq = args.afterId ? await auditEventSeq(ctx.db, tenantId, String(args.afterId)) : null;
      return ctx.app.auditStream.follow(ctx.db, tenantId, afterSeq);
    },
    resolve: (event) => event,
  }),
);
