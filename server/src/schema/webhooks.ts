import { builder } from '../builder.ts';
import { foundOr } from '../domain/errors.ts';
import { idOf } from '../inputSafety.ts';
import { EVENT_TYPE_DESCRIPTIONS, AUDIT_MIRROR, WEBHOOK_EVENT_TYPES } from '../domain/webhookEvents.ts';
import {
  WEBHOOKS_READ_SCOPE, WEBHOOKS_WRITE_SCOPE, createWebhookEndpoint, deleteWebhookEndpoint, redeliverWebhook,
  rotateWebhookSecret, setWebhookEndpointPaused, setWebhookExpiryLeadTimes, updateWebhookEndpoint,
} from '../services/webhooks/endpoints.ts';
import { MUTATION_ERRORS } from './errors.ts';
import { assertCursorVisible } from './pagination.ts';
import { deletedIdPayload, inputMutation } from './payloads.ts';
import type { WebhookDelivery, WebhookEndpoint } from '../generated/prisma/client.ts';

// Webhook endpoints, their deliveries and attempts (services/webhooks/). Signing secrets are
// answered once, by createWebhookEndpoint and rotateWebhookSecret; no field reads them later.

const READ = { scope: WEBHOOKS_READ_SCOPE } as const;
const WRITE = { scope: WEBHOOKS_WRITE_SCOPE } as const;

const WebhookEndpointStatusEnum = builder.enumType('WebhookEndpointStatus', {
  values: {
    ACTIVE: { description: 'Events are delivered.' },
    PAUSED: { description: 'Events are kept and delivered on resume.' },
    DISABLED: { description: 'Failed for too long: no new events until resumed.' },
  },
});

const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  values: {
    PENDING: { description: 'Waiting for its first or next attempt.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Every attempt failed; redeliverWebhook sends it again.' },
  },
});

export const WebhookEndpointRef = builder.prismaNode('WebhookEndpoint', {
  id: { field: 'id' },
  nullable: true,
  authScopes: READ,
  description: 'A URL that receives signed events (Standard Webhooks) of the types it subscribes to.',
  fields: (t) => ({
    url: t.exposeString('url'),
    description: t.exposeString('description'),
    eventTypes: t.exposeStringList('eventTypes'),
    status: t.expose('status', { type: WebhookEndpointStatusEnum }),
    disabledReason: t.exposeString('disabledReason', { nullable: true }),
    failingSince: t.expose('failingSince', { type: 'DateTime', nullable: true, description: 'Since when every attempt failed; null after a success.' }),
    secretRotatedAt: t.expose('secretRotatedAt', { type: 'DateTime', nullable: true }),
    previousSecretExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Until then the previous secret signs too (a second signature in webhook-signature).',
      resolve: (endpoint, _args, ctx) => (endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > ctx.app.clock() ? endpoint.previousSecretExpiresAt : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    deliveries: t.relatedConnection('deliveries', { cursor: 'id', query: { orderBy: { id: 'desc' } }, description: 'Newest first.' }),
  }),
});

const WebhookAttemptRef = builder.prismaObject('WebhookAttempt', {
  description: 'One HTTP attempt of a delivery.',
  fields: (t) => ({
    attempt: t.exposeInt('attempt'),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    durationMs: t.exposeInt('durationMs'),
    responseStatus: t.exposeInt('responseStatus', { nullable: true }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed (timeout, refused address, redirect, HTTP status), or a note.' }),
    responseBody: t.exposeString('responseBody', { nullable: true, description: 'The start of the response body (at most 1 KiB).' }),
  }),
});

export const WebhookDeliveryRef = builder.prismaNode('WebhookDelivery', {
  id: { field: 'id' },
  nullable: true,
  authScopes: READ,
  description: 'One event for one endpoint. Its id is the `webhook-id` header, the same on every attempt.',
  fields: (t) => ({
    eventType: t.exposeString('eventType'),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum }),
    attempts: t.exposeInt('attempts'),
    payload: t.exposeString('payload', { description: 'The JSON body sent: { type, timestamp, data }.' }),
    auditEventId: t.exposeString('auditEventId', { nullable: true }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null) }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true }),
    lastResponseStatus: t.exposeInt('lastResponseStatus', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    endpoint: t.relation('endpoint'),
    attemptLog: t.relation('attemptsLog', { query: { orderBy: { attempt: 'asc' } }, description: 'Every attempt, oldest first.' }),
  }),
});

const WebhookEventTypeRef = builder.objectRef<{ name: string; description: string }>('WebhookEventType').implement({
  fields: (t) => ({ name: t.exposeString('name'), description: t.exposeString('description') }),
});

builder.prismaObjectField('Tenant', 'webhookExpiryLeadSeconds', (t) =>
  t.exposeIntList('webhookExpiryLeadSeconds', {
    authScopes: { $any: { platform: true, scope: WEBHOOKS_READ_SCOPE } },
    description: 'Lead times of key.expiring (seconds before expiry), each sent once per key.',
  }),
);

builder.queryFields((t) => ({
  webhookEventTypes: t.field({
    type: [WebhookEventTypeRef],
    description: `The event types an endpoint may subscribe to; \`${AUDIT_MIRROR}\` mirrors every audit event as \`audit.<action>\`.`,
    authScopes: READ,
    resolve: () => [
      ...WEBHOOK_EVENT_TYPES.map((name) => ({ name, description: EVENT_TYPE_DESCRIPTIONS[name] })),
      { name: AUDIT_MIRROR, description: 'Every audit event, typed audit.<action>.' },
    ],
  }),
  webhookEndpoints: t.prismaConnection({
    type: 'WebhookEndpoint',
    cursor: 'id',
    description: "The tenant's webhook endpoints, oldest first.",
    authScopes: READ,
    resolve: async (query, _root, args, ctx) => {
      await assertCursorVisible(ctx.db.webhookEndpoint, args);
      return ctx.db.webhookEndpoint.findMany({ ...query, orderBy: { id: 'asc' } });
    },
  }),
  webhookEndpoint: t.prismaField({
    type: 'WebhookEndpoint',
    nullable: true,
    authScopes: READ,
    args: { id: t.arg.id({ required: true, ...idOf('WebhookEndpoint') }) },
    resolve: (query, _root, args, ctx) =>
      foundOr(ctx.db.webhookEndpoint.findUnique({ ...query, where: { id: String(args.id) } }), 'WebhookEndpoint', String(args.id)),
  }),
  webhookDeliveries: t.prismaConnection({
    type: 'WebhookDelivery',
    cursor: 'id',
    description: "The tenant's webhook deliveries, newest first; optionally of one endpoint, status or event type.",
    authScopes: READ,
    args: {
      endpointId: t.arg.id({ required: false, ...idOf('WebhookEndpoint') }),
      status: t.arg({ type: WebhookDeliveryStatusEnum, required: false }),
      eventType: t.arg.string({ required: false }),
    },
    resolve: async (query, _root, args, ctx) => {
      await assertCursorVisible(ctx.db.webhookDelivery, args);
      if (args.endpointId != null) await foundOr(ctx.db.webhookEndpoint.findUnique({ where: { id: String(args.endpointId) }, select: { id: true } }), 'WebhookEndpoint', String(args.endpointId));
      return ctx.db.webhookDelivery.findMany({
        ...query,
        where: {
          ...(args.endpointId != null && { endpointId: String(args.endpointId) }),
          ...(args.status != null && { status: args.status }),
          ...(args.eventType != null && { eventType: args.eventType }),
        },
        orderBy: { id: 'desc' },
      });
    },
  }),
  webhookDelivery: t.prismaField({
    type: 'WebhookDelivery',
    nullable: true,
    authScopes: READ,
    args: { id: t.arg.id({ required: true, ...idOf('WebhookDelivery') }) },
    resolve: (query, _root, args, ctx) =>
      foundOr(ctx.db.webhookDelivery.findUnique({ ...query, where: { id: String(args.id) } }), 'WebhookDelivery', String(args.id)),
  }),
}));

const CreateWebhookEndpointInput = builder.inputType('CreateWebhookEndpointInput', {
  fields: (t) => ({
    url: t.string({ required: true, description: 'https URL (http allowed outside production); private, loopback and link-local targets are refused unless allowed by KEYWARDEN_WEBHOOK_ALLOWED_CIDRS.' }),
    description: t.string({ required: false }),
    eventTypes: t.stringList({ required: true, description: 'Event types to receive (see webhookEventTypes).' }),
  }),
});

const UpdateWebhookEndpointInput = builder.inputType('UpdateWebhookEndpointInput', {
  fields: (t) => ({
    id: t.id({ required: true, ...idOf('WebhookEndpoint') }),
    url: t.string({ required: false }),
    description: t.string({ required: false }),
    eventTypes: t.stringList({ required: false }),
  }),
});

const RotateWebhookSecretInput = builder.inputType('RotateWebhookSecretInput', {
  fields: (t) => ({
    id: t.id({ required: true, ...idOf('WebhookEndpoint') }),
    overlapSeconds: t.int({ required: false, description: 'How long the previous secret keeps signing too (default 86400, at most 7 days; 0: not at all).' }),
  }),
});

const SetWebhookExpiryLeadTimesInput = builder.inputType('SetWebhookExpiryLeadTimesInput', {
  fields: (t) => ({
    leadTimesSeconds: t.intList({ required: true, description: 'Seconds before expiry, e.g. [604800, 86400]; empty: no key.expiring events.' }),
  }),
});

const WebhookEndpointSecretPayload = builder.objectRef<{ endpoint: WebhookEndpoint; secret: string }>('WebhookEndpointSecretPayload').implement({
  description: 'The endpoint and its signing secret, shown only in this answer.',
  fields: (t) => ({
    endpoint: t.expose('endpoint', { type: WebhookEndpointRef }),
    secret: t.exposeString('secret', { description: 'The whsec_ signing secret (Standard Webhooks). Shown only in this answer.' }),
  }),
});

const WebhookEndpointPayload = builder.objectRef<{ endpoint: WebhookEndpoint }>('WebhookEndpointPayload').implement({
  fields: (t) => ({ endpoint: t.expose('endpoint', { type: WebhookEndpointRef }) }),
});

const WebhookDeliveryPayload = builder.objectRef<{ delivery: WebhookDelivery }>('WebhookDeliveryPayload').implement({
  fields: (t) => ({ delivery: t.expose('delivery', { type: WebhookDeliveryRef }) }),
});

const WebhookExpiryLeadTimesPayload = builder.objectRef<{ leadTimesSeconds: number[] }>('WebhookExpiryLeadTimesPayload').implement({
  fields: (t) => ({ leadTimesSeconds: t.exposeIntList('leadTimesSeconds') }),
});

const DeleteWebhookEndpointPayload = deletedIdPayload('DeleteWebhookEndpointPayload', 'deletedWebhookEndpointId');

const endpointIdArg = (t: Parameters<Parameters<typeof builder.mutationFields>[0]>[0]) => t.arg.id({ required: true, ...idOf('WebhookEndpoint') });

builder.mutationFields((t) => ({
  createWebhookEndpoint: inputMutation(t, {
    type: WebhookEndpointSecretPayload,
    input: CreateWebhookEndpointInput,
    authScopes: WRITE,
    description: 'Add a webhook endpoint; the answer holds its signing secret, shown this once.',
    resolve: (input, ctx) => createWebhookEndpoint(ctx, input),
  }),
  updateWebhookEndpoint: inputMutation(t, {
    type: WebhookEndpointPayload,
    input: UpdateWebhookEndpointInput,
    authScopes: WRITE,
    description: "Change an endpoint's URL, description or event types.",
    resolve: async (input, ctx) => ({ endpoint: await updateWebhookEndpoint(ctx, { ...input, id: String(input.id) }) }),
  }),
  rotateWebhookSecret: inputMutation(t, {
    type: WebhookEndpointSecretPayload,
    input: RotateWebhookSecretInput,
    authScopes: WRITE,
    description: 'A new signing secret, shown this once; the previous one keeps signing during the overlap.',
    resolve: (input, ctx) => rotateWebhookSecret(ctx, { ...input, id: String(input.id) }),
  }),
  setWebhookExpiryLeadTimes: inputMutation(t, {
    type: WebhookExpiryLeadTimesPayload,
    input: SetWebhookExpiryLeadTimesInput,
    authScopes: WRITE,
    description: 'When key.expiring is sent: the lead times before expiry, each once per key.',
    resolve: async (input, ctx) => ({ leadTimesSeconds: await setWebhookExpiryLeadTimes(ctx, input) }),
  }),
  pauseWebhookEndpoint: t.field({
    type: WebhookEndpointPayload,
    description: 'Hold deliveries to the endpoint (events are kept) until resumed.',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { id: endpointIdArg(t) },
    resolve: async (_root, { id }, ctx) => ({ endpoint: await setWebhookEndpointPaused(ctx, String(id), true) }),
  }),
  resumeWebhookEndpoint: t.field({
    type: WebhookEndpointPayload,
    description: 'Deliver to a paused or disabled endpoint again (held events go out now).',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { id: endpointIdArg(t) },
    resolve: async (_root, { id }, ctx) => ({ endpoint: await setWebhookEndpointPaused(ctx, String(id), false) }),
  }),
  deleteWebhookEndpoint: t.field({
    type: DeleteWebhookEndpointPayload,
    description: 'Remove an endpoint and its deliveries.',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { id: endpointIdArg(t) },
    resolve: async (_root, { id }, ctx) => ({ id: await deleteWebhookEndpoint(ctx, String(id)) }),
  }),
  redeliverWebhook: t.field({
    type: WebhookDeliveryPayload,
    description: 'Send a delivery again (a fresh series of attempts, the same webhook-id).',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { id: t.arg.id({ required: true, ...idOf('WebhookDelivery') }) },
    resolve: async (_root, { id }, ctx) => ({ delivery: await redeliverWebhook(ctx, String(id)) }),
  }),
}));
