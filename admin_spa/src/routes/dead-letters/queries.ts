import { graphql } from '../../gql';

export const DeadLetterFields = graphql(`
  fragment DeadLetterFields on DeadLetter {
    id
    eventId
    eventType
    handler
    memberId
    attempts
    lastError
    status
    eventAt
    updatedAt
  }
`);

export const DeadLettersQuery = graphql(`
  query DeadLetters($first: Int, $after: String) {
    deadLetters(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...DeadLetterFields
        }
      }
    }
  }
`);

export const ReplayDeadLetterMutation = graphql(`
  mutation ReplayDeadLetter($id: ID!) {
    replayDeadLetter(id: $id) {
      deadLetter {
        ...DeadLetterFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
