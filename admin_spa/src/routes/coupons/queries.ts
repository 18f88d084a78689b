import { graphql } from '../../gql';

export const CouponTemplateFields = graphql(`
  fragment CouponTemplateFields on CouponTemplate {
    id
    name
    kind
    amountOff
    percentOff
    maxDiscount
    minSpend
    giftSku
    validDays
    startDelayDays
    validFrom
    validUntil
    skus
    categories
    stores
    excludedSkus
    excludedCategories
    perMemberLimit
    totalLimit
    period
    periodLimit
    budget
    stackable
    priority
    maxPerOrder
    codePrefix
    codeLength
    publicCode
    issuedCount
    redeemedCount
    discountGiven
  }
`);

export const CouponTemplatesQuery = graphql(`
  query CouponTemplates {
    couponTemplates {
      ...CouponTemplateFields
    }
  }
`);

export const CreateCouponTemplateMutation = graphql(`
  mutation CreateCouponTemplate($input: CreateCouponTemplateInput!) {
    createCouponTemplate(input: $input) {
      template {
        ...CouponTemplateFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const UpdateCouponTemplateMutation = graphql(`
  mutation UpdateCouponTemplate($id: ID!, $input: UpdateCouponTemplateInput!) {
    updateCouponTemplate(id: $id, input: $input) {
      template {
        ...CouponTemplateFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const CouponFields = graphql(`
  fragment CouponFields on Coupon {
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
      ...CouponTemplateFields
    }
    member {
      id
      name
      phone
      phoneMasked
    }
  }
`);

export const CouponByCodeQuery = graphql(`
  query CouponByCode($code: String!) {
    coupon(code: $code) {
      ...CouponFields
    }
  }
`);

export const MemberByPhoneQuery = graphql(`
  query CouponMemberByPhone($phone: String!) {
    member(phone: $phone) {
      id
      name
      phone
      phoneMasked
    }
  }
`);

export const ValidateCouponQuery = graphql(`
  query ValidateCoupon($code: String!, $memberId: ID!, $orderAmount: Long!) {
    validateCoupon(code: $code, memberId: $memberId, orderAmount: $orderAmount) {
      valid
      discountAmount
      errors {
        code
        field
        message
      }
    }
  }
`);

export const RedeemCouponMutation = graphql(`
  mutation RedeemCoupon($input: RedeemCouponInput!) {
    redeemCoupon(input: $input) {
      coupon {
        ...CouponFields
      }
      discountAmount
      errors {
        code
        field
        message
      }
    }
  }
`);

export const PreviewCouponTemplateMutation = graphql(`
  mutation PreviewCouponTemplate($input: PreviewCouponTemplateInput!) {
    previewCouponTemplate(input: $input) {
      preview {
        discountAmount
        eligibleAmount
        payableAmount
        lines {
          sku
          category
          amount
          discount
          eligible
        }
        reasons {
          code
          field
          message
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

export const CouponBatchFields = graphql(`
  fragment CouponBatchFields on CouponBatch {
    id
    quantity
    generated
    status
    error
    createdAt
    startedAt
    finishedAt
    downloadUrl
  }
`);

export const CouponBatchesQuery = graphql(`
  query CouponBatches($templateId: ID!) {
    couponBatches(templateId: $templateId) {
      ...CouponBatchFields
    }
  }
`);

export const GenerateCouponCodesMutation = graphql(`
  mutation GenerateCouponCodes($input: GenerateCouponCodesInput!) {
    generateCouponCodes(input: $input) {
      batch {
        ...CouponBatchFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const ReleaseCouponMutation = graphql(`
  mutation ReleaseCoupon($input: ReleaseCouponInput!) {
    releaseCoupon(input: $input) {
      coupon {
        ...CouponFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const CouponRedemptionsByDayQuery = graphql(`
  query CouponRedemptionsByDay($templateId: ID!, $days: Int!) {
    couponRedemptionsByDay(templateId: $templateId, days: $days) {
      date
      redeemed
      discountAmount
    }
  }
`);
