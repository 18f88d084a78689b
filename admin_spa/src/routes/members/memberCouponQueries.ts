import { graphql } from '../../gql';

export const MemberCouponFields = graphql(`
  fragment MemberCouponFields on Coupon {
    id
    code
    status
    validFrom
    validUntil
    issuedAt
    redeemedAt
    reservedFor
    reservedUntil
    template {
      id
      name
    }
  }
`);

export const MemberCouponsQuery = graphql(`
  query MemberCoupons($id: ID!, $first: Int, $after: String, $status: CouponStatus) {
    member(id: $id) {
      id
      coupons(first: $first, after: $after, status: $status) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            ...MemberCouponFields
          }
        }
      }
    }
  }
`);

export const MemberCouponTemplatesQuery = graphql(`
  query MemberCouponTemplates {
    couponTemplates {
      id
      name
      kind
    }
  }
`);

export const MemberIssueCouponMutation = graphql(`
  mutation MemberIssueCoupon($input: IssueCouponInput!) {
    issueCoupon(input: $input) {
      coupon {
        ...MemberCouponFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const MemberVoidCouponMutation = graphql(`
  mutation MemberVoidCoupon($input: VoidCouponInput!) {
    voidCoupon(input: $input) {
      coupon {
        ...MemberCouponFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
