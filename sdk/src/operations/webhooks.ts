import { graphql } from '../gql/index.ts';

export const WebhookEndpointFields = graphql(`
  fragment WebhookEndpointFields on WebhookEndpoint {
    id
    url
    description
    eventTypes
    status
    disabledReason
    failingSince
    secretRotatedAt
    previousSecretExpiresAt
    createdAt
    updatedAt
  }
`);

export const WebhookDeliveryFields = graphql(`
  fragment WebhookDeliveryFields on WebhookDelivery {
    id
    eventType
    status
    attempts
    payload
    nextAttemptAt
    lastAttemptAt
    lastResponseStatus
    lastError
    deliveredAt
    createdAt
    attemptLog {
      attempt
      startedAt
      durationMs
      responseStatus
      error
    }
  }
`);

export const ListWebhookEndpointsQuery = graphql(`
  query ListWebhookEndpoints($first: Int, $after: String) {
    webhookEndpoints(first: $first, after: $after) {
      edges { node { ...WebhookEndpointFields } }
      pageInfo { ...PageInfoFields }
    }
  }
`);

export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($endpointId: ID, $first: Int, $after: String) {
    webhookDeliveries(endpointId: $endpointId, first: $first, after: $after) {
      edges { node { ...WebhookDeliveryFields } }
      pageInfo { ...PageInfoFields }
    }
  }
`);

export const CreateWebhookEndpointMutation = graphql(`
  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      __typename
      ... on WebhookEndpointSecretPayload { secret endpoint { ...WebhookEndpointFields } }
      ...ErrorFields
    }
  }
`);

export const UpdateWebhookEndpointMutation = graphql(`
  mutation UpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(input: $input) {
      __typename
      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }
      ...ErrorFields
    }
  }
`);

export const RotateWebhookSecretMutation = graphql(`
  mutation RotateWebhookSecret($input: RotateWebhookSecretInput!) {
    rotateWebhookSecret(input: $input) {
      __typename
      ... on WebhookEndpointSecretPayload { secret endpoint { ...WebhookEndpointFields } }
      ...ErrorFields
    }
  }
`);

export const PauseWebhookEndpointMutation = graphql(`
  mutation PauseWebhookEndpoint($id: ID!) {
    pauseWebhookEndpoint(id: $id) {
      __typename
      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }
      ...ErrorFields
    }
  }
`);

export const ResumeWebhookEndpointMutation = graphql(`
  mutation ResumeWebhookEndpoint($id: ID!) {
    resumeWebhookEndpoint(id: $id) {
      __typename
      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }
      ...ErrorFields
    }
  }
`);

export const DeleteWebhookEndpointMutation = graphql(`
  mutation DeleteWebhookEndpoint($id: ID!) {
    deleteWebhookEndpoint(id: $id) {
      __typename
      ... on DeleteWebhookEndpointPayload { deletedWebhookEndpointId }
      ...ErrorFields
    }
  }
`);

export const RedeliverWebhookMutation = graphql(`
  mutation RedeliverWebhook($id: ID!) {
    redeliverWebhook(id: $id) {
      __typename
      ... on WebhookDeliveryPayload { delivery { ...WebhookDeliveryFields } }
      ...ErrorFields
    }
  }
`);
