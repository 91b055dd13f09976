import { graphql } from '../gql/index.ts';

export const RouteMapFields = graphql(`
  fragment RouteMapFields on RouteMap {
    defaultAction
    routes {
      pattern
      scopes
    }
    updatedAt
  }
`);

export const TenantRouteMapQuery = graphql(`
  query TenantRouteMap($tenantId: ID) {
    tenant(id: $tenantId) {
      id
      routeMap {
        ...RouteMapFields
      }
    }
  }
`);

export const SetRouteMapMutation = graphql(`
  mutation SetRouteMap($input: SetRouteMapInput!) {
    setRouteMap(input: $input) {
      __typename
      ... on RouteMapPayload {
        routeMap {
          ...RouteMapFields
        }
      }
      ...ErrorFields
    }
  }
`);
