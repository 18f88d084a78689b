import { graphql } from '../../gql';

export const MemberListFields = graphql(`
  fragment MemberListFields on Member {
    id
    name
    phone
    phoneMasked
    tags
    createdAt
    tier {
      id
      name
    }
  }
`);

export const MembersQuery = graphql(`
  query Members($first: Int, $after: String, $filter: MemberFilter) {
    members(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...MemberListFields
        }
      }
    }
  }
`);

export const MemberDetailFields = graphql(`
  fragment MemberDetailFields on Member {
    id
    phone
    phoneMasked
    name
    gender
    birthday
    externalId
    sourceChannel
    tags
    tier {
      id
      name
    }
    accountManager {
      id
      name
      email
    }
    pointsBalance
    pendingPoints
    totalSpent
    orderCount
    lastOrderAt
    createdAt
    customFields
  }
`);

export const MemberDetailQuery = graphql(`
  query MemberDetail($id: ID!) {
    member(id: $id) {
      ...MemberDetailFields
      ...MemberHeaderFields
    }
  }
`);

export const CreateMemberMutation = graphql(`
  mutation CreateMember($input: CreateMemberInput!) {
    createMember(input: $input) {
      member {
        id
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const UpdateMemberMutation = graphql(`
  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {
    updateMember(id: $id, input: $input) {
      member {
        ...MemberDetailFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const RevealMemberPiiMutation = graphql(`
  mutation RevealMemberPii($id: ID!, $field: String! = "phone", $reason: String) {
    revealMemberPii(id: $id, field: $field, reason: $reason) {
      phone
      customFields
      errors {
        code
        field
        message
      }
    }
  }
`);

export const MergeMembersMutation = graphql(`
  mutation MergeMembers($input: MergeMembersInput!) {
    mergeMembers(input: $input) {
      member {
        ...MemberDetailFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const MemberAuditLogQuery = graphql(`
  query MemberAuditLog($targetId: ID!, $first: Int, $after: String) {
    auditLog(targetType: "member", targetId: $targetId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          action
          actorType
          actorId
          actorLabel
          before
          after
          requestId
          createdAt
        }
      }
    }
  }
`);

export const MemberPointsLedgerQuery = graphql(`
  query MemberPointsLedger($id: ID!, $first: Int, $after: String, $kinds: [PointsTransactionKind!]) {
    member(id: $id) {
      id
      pointsTransactions(first: $first, after: $after, kinds: $kinds) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            kind
            points
            balanceAfter
            reason
            orderId
            expiresAt
            availableAt
            createdAt
          }
        }
      }
    }
  }
`);

export const AdjustPointsMutation = graphql(`
  mutation AdjustPoints($input: AdjustPointsInput!) {
    adjustPoints(input: $input) {
      transaction {
        id
        points
        balanceAfter
      }
      member {
        id
        pointsBalance
        pendingPoints
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const MemberPointsLotsQuery = graphql(`
  query MemberPointsLots($id: ID!, $includeClosed: Boolean!) {
    member(id: $id) {
      id
      pointsLots(includeClosed: $includeClosed) {
        id
        amount
        remaining
        pending
        orderId
        availableAt
        expiresAt
        createdAt
      }
    }
  }
`);
