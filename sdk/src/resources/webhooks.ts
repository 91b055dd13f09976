import {
  CreateWebhookEndpointMutation, DeleteWebhookEndpointMutation, ListWebhookEndpointsQuery, PauseWebhookEndpointMutation,
  RedeliverWebhookMutation, ResumeWebhookEndpointMutation, RotateWebhookSecretMutation, UpdateWebhookEndpointMutation,
  WebhookDeliveriesQuery,
} from '../operations/webhooks.ts';
import { clampPageSize, pageOf, type Page, type PageRequest } from '../pagination.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type * as G from '../gql/graphql.ts';

export type WebhookEndpoint = G.WebhookEndpointFieldsFragment;
export type WebhookDelivery = G.WebhookDeliveryFieldsFragment;

/** Webhook endpoints (webhooks:read / webhooks:write). Secrets come back only from create and rotateSecret. */
export function webhooksResource(t: Transport) {
  return {
    async list(request: PageRequest = {}, call?: CallOptions): Promise<Page<WebhookEndpoint>> {
      const data = await t.request(ListWebhookEndpointsQuery, { first: clampPageSize(request.first), after: request.after ?? null }, call);
      return pageOf(data.webhookEndpoints);
    },
    /** The endpoint and its `whsec_` signing secret, shown this once. */
    async create(input: G.CreateWebhookEndpointInput, call?: CallOptions): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
      return t.mutate(CreateWebhookEndpointMutation, { input }, 'WebhookEndpointSecretPayload', call);
    },
    async update(input: G.UpdateWebhookEndpointInput, call?: CallOptions): Promise<WebhookEndpoint> {
      return (await t.mutate(UpdateWebhookEndpointMutation, { input }, 'WebhookEndpointPayload', call)).endpoint;
    },
    async pause(id: string, call?: CallOptions): Promise<WebhookEndpoint> {
      return (await t.mutate(PauseWebhookEndpointMutation, { id }, 'WebhookEndpointPayload', call)).endpoint;
    },
    async resume(id: string, call?: CallOptions): Promise<WebhookEndpoint> {
      return (await t.mutate(ResumeWebhookEndpointMutation, { id }, 'WebhookEndpointPayload', call)).endpoint;
    },
    async delete(id: string, call?: CallOptions): Promise<{ deletedWebhookEndpointId: string }> {
      return t.mutate(DeleteWebhookEndpointMutation, { id }, 'DeleteWebhookEndpointPayload', call);
    },
    /** A new secret (shown once); the previous one keeps signing for `overlapSeconds` (default a day). */
    async rotateSecret(id: string, overlapSeconds?: number, call?: CallOptions): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
      return t.mutate(RotateWebhookSecretMutation, { input: { id, overlapSeconds: overlapSeconds ?? null } }, 'WebhookEndpointSecretPayload', call);
    },
    /** Deliveries, newest first, with every attempt; of one endpoint when named. */
    async deliveries(request: PageRequest & { endpointId?: string } = {}, call?: CallOptions): Promise<Page<WebhookDelivery>> {
      const data = await t.request(WebhookDeliveriesQuery, { endpointId: request.endpointId ?? null, first: clampPageSize(request.first), after: request.after ?? null }, call);
      return pageOf(data.webhookDeliveries);
    },
    async redeliver(deliveryId: string, call?: CallOptions): Promise<WebhookDelivery> {
      return (await t.mutate(RedeliverWebhookMutation, { id: deliveryId }, 'WebhookDeliveryPayload', call)).delivery;
    },
  };
}
