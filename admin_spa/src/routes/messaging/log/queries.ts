import { graphql } from '../../../gql';

export const MessageFields = graphql(`
  fragment MessageFields on Message {
    id
    channel
    template
    body
    status
    skipReason
    detail
    purpose
    cause
    provider
    memberId
    attempts
    deferredUntil
    sentAt
    deliveredAt
    createdAt
  }
`);

export const MessageLogQuery = graphql(`
  query MessageLog($filter: MessageFilter, $first: Int, $after: String) {
    messages(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...MessageFields
          member {
            id
            name
            phone
            phoneMasked
          }
        }
      }
    }
  }
`);

export const MessageLogTemplatesQuery = graphql(`
  query MessageLogTemplates {
    messageTemplates {
      id
      name
      title
    }
  }
`);
