import { graphql } from '../../gql';

export const MemberTimelineQuery = graphql(`
  query MemberTimeline($id: ID!, $first: Int, $after: String, $types: [String!]) {
    member(id: $id) {
      id
      timeline(first: $first, after: $after, types: $types) {
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            type
            createdAt
            occurredAt
            behaviour
            data
          }
        }
      }
    }
  }
`);
