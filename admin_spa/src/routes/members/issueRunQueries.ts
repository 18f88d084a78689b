import { graphql } from '../../gql';

export const IssueRunFields = graphql(`
  fragment IssueRunFields on CouponIssueRun {
    id
    total
    issued
    refused
    status
    error
    createdAt
    finishedAt
    refusals {
      code
      count
      message
    }
    template {
      id
      name
    }
  }
`);

export const IssueCouponToMembersMutation = graphql(`
  mutation IssueCouponToMembers($input: IssueCouponToMembersInput!) {
    issueCouponToMembers(input: $input) {
      run {
        ...IssueRunFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const CouponIssueRunQuery = graphql(`
  query CouponIssueRun($id: ID!) {
    couponIssueRun(id: $id) {
      ...IssueRunFields
    }
  }
`);

/** A page of the filtered list for the CSV export (the API gives at most 100 a page). */
export const MembersExportQuery = graphql(`
  query MembersExport($first: Int, $after: String, $filter: MemberFilter) {
    members(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          phone
          pointsBalance
          sourceChannel
          createdAt
          tier {
            id
            name
          }
        }
      }
    }
  }
`);
