import { graphql } from '../../gql';

export const SegmentFields = graphql(`
  fragment SegmentFields on Segment {
    id
    name
    description
    condition
    tag
    memberCount
    evaluatedAt
  }
`);

export const SegmentsQuery = graphql(`
  query Segments {
    segments {
      ...SegmentFields
    }
  }
`);

export const SegmentQuery = graphql(`
  query Segment($id: ID!) {
    segment(id: $id) {
      ...SegmentFields
    }
  }
`);

/** A segment's members, a page at a time (members:read). */
export const SegmentMembersQuery = graphql(`
  query SegmentMembers($id: ID!, $first: Int, $after: String) {
    segment(id: $id) {
      id
      members(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            name
            phone
            pointsBalance
            tags
            tier {
              id
              name
            }
          }
        }
      }
    }
  }
`);

/** How many members a condition names now: the form's live count. */
export const CountSegmentMatchesQuery = graphql(`
  query CountSegmentMatches($condition: String!) {
    countSegmentMatches(condition: $condition)
  }
`);

export const SaveSegmentMutation = graphql(`
  mutation SaveSegment($input: SaveSegmentInput!) {
    saveSegment(input: $input) {
      segment {
        ...SegmentFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const DeleteSegmentMutation = graphql(`
  mutation DeleteSegment($id: ID!) {
    deleteSegment(id: $id) {
      deletedId
      errors {
        code
        field
        message
      }
    }
  }
`);
