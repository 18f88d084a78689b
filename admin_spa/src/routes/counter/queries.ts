import { graphql } from '../../gql';

export const CounterMemberSummaryFields = graphql(`
  fragment CounterMemberSummaryFields on Member {
    id
    name
    phone
    tier {
      id
      name
    }
  }
`);

/** Everything one typed or scanned term can name, asked at once: the exact lookups and a search. */
export const CounterLookupQuery = graphql(`
  query CounterLookup(
    $term: String!
    $id: ID
    $phone: String
    $code: String!
    $withId: Boolean!
    $withPhone: Boolean!
    $withCode: Boolean!
    $memberCode: String
    $withMemberCode: Boolean!
  ) {
    byId: member(id: $id) @include(if: $withId) {
      ...CounterMemberSummaryFields
    }
    byPhone: member(phone: $phone) @include(if: $withPhone) {
      ...CounterMemberSummaryFields
    }
    byMemberCode: member(code: $memberCode) @include(if: $withMemberCode) {
      ...CounterMemberSummaryFields
    }
    byExternalId: member(externalId: $term) {
      ...CounterMemberSummaryFields
    }
    byCoupon: coupon(code: $code) @include(if: $withCode) {
      code
      status
      member {
        ...CounterMemberSummaryFields
      }
    }
    members(first: 6, filter: { search: $term }) {
      totalCount
      edges {
        node {
          ...CounterMemberSummaryFields
        }
      }
    }
  }
`);

export const CounterCouponFields = graphql(`
  fragment CounterCouponFields on Coupon {
    id
    code
    status
    validFrom
    validUntil
    template {
      id
      name
      kind
      amountOff
      percentOff
      maxDiscount
      minSpend
      giftSku
    }
  }
`);

export const CounterMemberQuery = graphql(`
  query CounterMember($id: ID!) {
    member(id: $id) {
      id
      name
      phone
      phoneMasked
      tier {
        id
        name
      }
      pointsBalance
      pendingPoints
      coupons(first: 50, status: ISSUED) {
        totalCount
        edges {
          node {
            ...CounterCouponFields
          }
        }
      }
    }
  }
`);

/** The stores the signed-in clerk records sales for, and the tenant's cap on paying with points. */
export const CounterSetupQuery = graphql(`
  query CounterSetup {
    viewer {
      staff {
        id
        stores
      }
    }
    pointsSettings {
      pointsPaymentCapPercent
      pointValueFen
    }
  }
`);

export const CounterCreateMemberMutation = graphql(`
  mutation CounterCreateMember($input: CreateMemberInput!) {
    createMember(input: $input) {
      member {
        ...CounterMemberSummaryFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const CounterPreviewMutation = graphql(`
  mutation CounterPreview($input: PreviewOrderInput!) {
    previewOrder(input: $input) {
      preview {
        pointsEarned
        cashPaid
        availableAt
        discountAmount
        coupons {
          code
          name
          discountAmount
        }
        pointsToSpend
        pointsValue
        maxPointsToSpend
        problems {
          code
          field
          message
        }
        rules {
          ruleId
          name
          kind
          detail
        }
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const CounterRecordOrderMutation = graphql(`
  mutation CounterRecordOrder($input: RecordOrderInput!) {
    recordOrder(input: $input) {
      order {
        id
        externalId
        amount
        discountAmount
        pointsSpent
        pointsEarned
        member {
          id
          pointsBalance
          pendingPoints
        }
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const CounterRewardsQuery = graphql(`
  query CounterRewards {
    rewards(active: true) {
      id
      name
      pointsCost
      stock
      couponTemplate {
        id
        name
      }
    }
  }
`);

export const CounterRedeemRewardMutation = graphql(`
  mutation CounterRedeemReward($input: RedeemRewardInput!) {
    redeemReward(input: $input) {
      transaction {
        id
        points
        balanceAfter
      }
      coupon {
        code
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
