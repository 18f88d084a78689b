import { graphql } from '../../gql';

export const WebhookEndpointFields = graphql(`
  fragment WebhookEndpointFields on WebhookEndpoint {
    id
    url
    eventTypes
    enabled
    disabledReason
    description
    previousSecretExpiresAt
    createdAt
    updatedAt
  }
`);

export const WebhookEndpointsQuery = graphql(`
  query WebhookEndpoints {
    webhookEndpoints {
      ...WebhookEndpointFields
    }
  }
`);

export const WebhookEndpointQuery = graphql(`
  query WebhookEndpoint($id: ID!) {
    webhookEndpoint(id: $id) {
      ...WebhookEndpointFields
    }
  }
`);

export const WebhookEventTypesQuery = graphql(`
  query WebhookEventTypes {
    eventTypes {
      type
      version
      description
    }
  }
`);

export const CreateWebhookEndpointMutation = graphql(`
  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      endpoint {
        ...WebhookEndpointFields
      }
      secret
      errors {
        code
        field
        message
      }
    }
  }
`);

export const UpdateWebhookEndpointMutation = graphql(`
  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(id: $id, input: $input) {
      endpoint {
        ...WebhookEndpointFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const RotateWebhookSecretMutation = graphql(`
  mutation RotateWebhookSecret($id: ID!) {
    rotateWebhookSecret(id: $id) {
      endpoint {
        ...WebhookEndpointFields
      }
      secret
      errors {
        code
        field
        message
      }
    }
  }
`);

export const DisableWebhookEndpointMutation = graphql(`
  mutation DisableWebhookEndpoint($id: ID!) {
    disableWebhookEndpoint(id: $id) {
      endpoint {
        ...WebhookEndpointFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const WebhookDeliveryFields = graphql(`
  fragment WebhookDeliveryFields on WebhookDelivery {
    id
    eventId
    endpointId
    eventType
    status
    attempts
    lastResponseStatus
    nextAttemptAt
    createdAt
    payload
    attemptLog {
      attempt
      startedAt
      latencyMs
      responseStatus
      responseExcerpt
      error
    }
  }
`);

export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($endpointId: ID!, $first: Int, $after: String, $status: WebhookDeliveryStatus) {
    webhookDeliveries(endpointId: $endpointId, first: $first, after: $after, status: $status) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...WebhookDeliveryFields
        }
      }
    }
  }
`);

export const SendTestWebhookMutation = graphql(`
  mutation SendTestWebhook($id: ID!) {
    sendTestWebhook(id: $id) {
      delivery {
        ...WebhookDeliveryFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const ReplayWebhookDeliveryMutation = graphql(`
  mutation ReplayWebhookDelivery($id: ID!) {
    replayWebhookDelivery(id: $id) {
      delivery {
        ...WebhookDeliveryFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const ReplayWebhookDeliveriesMutation = graphql(`
  mutation ReplayWebhookDeliveries($endpointId: ID!, $since: DateTime!, $status: WebhookDeliveryStatus) {
    replayWebhookDeliveries(endpointId: $endpointId, since: $since, status: $status) {
      count
      errors {
        code
        field
        message
      }
    }
  }
`);
