import { graphql } from '../../gql';

/** What the member page's header shows beside the profile: tier progress, points, usable coupons. */
export const MemberHeaderFields = graphql(`
  fragment MemberHeaderFields on Member {
    tierProgress {
      nextTier {
        id
        name
        threshold
        metric
      }
      nextTierValue
      remaining
      keepValue
      belowSince
      reviewAt
    }
    pointsExpiring(days: 30)
    usableCoupons: coupons(status: ISSUED, first: 10) {
      totalCount
      edges {
        node {
          id
          code
          validUntil
          template {
            id
            name
          }
        }
      }
    }
  }
`);

export const MemberAccountManagerStaffQuery = graphql(`
  query MemberAccountManagerStaff {
    staff {
      id
      name
      email
      active
    }
  }
`);

export const MemberSetAccountManagerMutation = graphql(`
  mutation MemberSetAccountManager($id: ID!, $accountManagerId: ID) {
    updateMember(id: $id, input: { accountManagerId: $accountManagerId }) {
      member {
        id
        accountManager {
          id
          name
          email
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

export const MemberRewardOptionsQuery = graphql(`
  query MemberRewardOptions {
    rewards(active: true) {
      id
      name
      pointsCost
      stock
      perMemberLimit
      couponTemplate {
        id
        name
      }
    }
  }
`);

export const MemberRedeemRewardMutation = graphql(`
  mutation MemberRedeemReward($input: RedeemRewardInput!) {
    redeemReward(input: $input) {
      coupon {
        id
        code
      }
      transaction {
        id
        points
        balanceAfter
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const MemberTierHistoryQuery = graphql(`
  query MemberTierHistory($id: ID!) {
    tiers {
      id
      name
      metric
    }
    member(id: $id) {
      id
      tierHistory {
        id
        fromTierId
        toTierId
        reason
        metricValue
        createdAt
      }
    }
  }
`);
