import { graphql } from '../../gql';

export const OrderListFields = graphql(`
  fragment OrderListFields on Order {
    id
    externalId
    amount
    refundedAmount
    pointsEarned
    pointsSpent
    status
    storeCode
    paidAt
    member {
      id
      name
      phone
    }
  }
`);

export const OrdersQuery = graphql(`
  query Orders($first: Int!, $after: String, $filter: OrderFilter) {
    orders(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...OrderListFields
        }
      }
    }
  }
`);

export const AppliedRuleFields = graphql(`
  fragment AppliedRuleFields on AppliedEarningRule {
    ruleId
    name
    kind
    detail
  }
`);

export const OrderDetailFields = graphql(`
  fragment OrderDetailFields on Order {
    id
    externalId
    amount
    discountAmount
    pointsSpent
    pointsEarned
    refundedAmount
    pointsReturned
    pointsReversed
    status
    storeCode
    earning
    paidAt
    createdAt
    items {
      sku
      category
      quantity
      unitPrice
    }
    appliedRules {
      ...AppliedRuleFields
    }
    member {
      id
      name
      phone
    }
  }
`);

export const OrderDetailQuery = graphql(`
  query OrderDetail($externalId: String!) {
    order(externalId: $externalId) {
      ...OrderDetailFields
    }
  }
`);

export const RefundOrderMutation = graphql(`
  mutation RefundOrder($input: RefundOrderInput!) {
    refundOrder(input: $input) {
      order {
        ...OrderDetailFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const MemberOrdersQuery = graphql(`
  query MemberOrders($memberId: ID!, $first: Int!) {
    orders(first: $first, filter: { memberId: $memberId }) {
      totalCount
      edges {
        node {
          id
          externalId
          amount
          refundedAmount
          pointsEarned
          status
          storeCode
          paidAt
        }
      }
    }
  }
`);
