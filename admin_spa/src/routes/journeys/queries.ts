import { graphql } from '../../gql';

export const JourneyFields = graphql(`
  fragment JourneyFields on Journey {
    id
    name
    status
    version
    activeVersion
    definition
    createdAt
    updatedAt
  }
`);

export const JourneysQuery = graphql(`
  query Journeys {
    journeys {
      ...JourneyFields
      funnel {
        entered
        completed
      }
    }
  }
`);

export const JourneyQuery = graphql(`
  query Journey($id: ID!) {
    journey(id: $id) {
      ...JourneyFields
    }
  }
`);

export const JourneyVersionsQuery = graphql(`
  query JourneyVersions($id: ID!) {
    journey(id: $id) {
      id
      activeVersion
      versions {
        version
        definition
        createdAt
        createdBy
        publishedAt
      }
    }
  }
`);

export const JourneyFunnelQuery = graphql(`
  query JourneyFunnel($id: ID!) {
    journey(id: $id) {
      id
      definition
      funnel {
        entered
        active
        waiting
        completed
        exited
        failed
        atStep {
          step
          count
        }
        reached {
          step
          count
        }
      }
    }
  }
`);

export const JourneyRunsQuery = graphql(`
  query JourneyRuns($id: ID!, $first: Int, $after: String, $status: JourneyRunStatus, $step: String) {
    journey(id: $id) {
      id
      runs(first: $first, after: $after, status: $status, step: $step) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            version
            status
            currentStep
            nextWakeAt
            exitReason
            startedAt
            updatedAt
            member {
              id
              name
              phone
            }
          }
        }
      }
    }
  }
`);

export const CheckJourneyDefinitionQuery = graphql(`
  query CheckJourneyDefinition($definition: JSON!) {
    checkJourneyDefinition(definition: $definition) {
      code
      field
      message
    }
  }
`);

/**
 * What the builder's forms pick from: coupon templates, message templates, event types, tiers,
 * staff to assign tasks to, webhook endpoints, segments, and the step types and trigger events of
 * the tenant's enabled plugins (all readable with journeys:manage).
 */
export const JourneyBuilderOptionsQuery = graphql(`
  query JourneyBuilderOptions {
    couponTemplates {
      id
      name
    }
    messageTemplates {
      id
      name
      title
    }
    messagingSettings {
      purposes
    }
    eventTypes {
      type
    }
    tiers {
      id
      name
    }
    assignableStaff {
      id
      name
      email
    }
    webhookEndpoints {
      id
      url
      description
    }
    segments {
      id
      name
    }
    journeyPluginSteps {
      type
      plugin
      title
      paramsSchema
    }
    journeyPluginTriggers {
      event
      plugin
      title
    }
  }
`);

export const SaveJourneyMutation = graphql(`
  mutation SaveJourney($input: SaveJourneyInput!) {
    saveJourney(input: $input) {
      journey {
        ...JourneyFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const ActivateJourneyMutation = graphql(`
  mutation ActivateJourney($id: ID!) {
    activateJourney(id: $id) {
      journey {
        ...JourneyFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const PauseJourneyMutation = graphql(`
  mutation PauseJourney($id: ID!) {
    pauseJourney(id: $id) {
      journey {
        ...JourneyFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const MemberJourneyRunsQuery = graphql(`
  query MemberJourneyRuns($id: ID!) {
    member(id: $id) {
      id
      journeyRuns {
        id
        version
        status
        currentStep
        exitReason
        startedAt
        updatedAt
        journey {
          id
          name
        }
      }
    }
  }
`);
