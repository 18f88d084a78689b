/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation ChangeMyPassword($currentPassword: String!, $newPassword: String!) {\n    changeMyPassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      token\n      staff {\n        id\n        mustChangePassword\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ChangeMyPasswordDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    kind\n    prefix\n    scopes\n    lastUsedAt\n    createdAt\n    revokedAt\n    expiresAt\n    expired\n  }\n": typeof types.ApiKeyFieldsFragmentDoc,
    "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      apiKey {\n        ...ApiKeyFields\n      }\n      key\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      apiKey {\n        ...ApiKeyFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  fragment CouponTemplateFields on CouponTemplate {\n    id\n    name\n    kind\n    amountOff\n    percentOff\n    maxDiscount\n    minSpend\n    giftSku\n    validDays\n    startDelayDays\n    validFrom\n    validUntil\n    skus\n    categories\n    stores\n    excludedSkus\n    excludedCategories\n    perMemberLimit\n    totalLimit\n    period\n    periodLimit\n    budget\n    stackable\n    priority\n    maxPerOrder\n    codePrefix\n    codeLength\n    publicCode\n    issuedCount\n    redeemedCount\n    discountGiven\n  }\n": typeof types.CouponTemplateFieldsFragmentDoc,
    "\n  query CouponTemplates {\n    couponTemplates {\n      ...CouponTemplateFields\n    }\n  }\n": typeof types.CouponTemplatesDocument,
    "\n  mutation CreateCouponTemplate($input: CreateCouponTemplateInput!) {\n    createCouponTemplate(input: $input) {\n      template {\n        ...CouponTemplateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateCouponTemplateDocument,
    "\n  mutation UpdateCouponTemplate($id: ID!, $input: UpdateCouponTemplateInput!) {\n    updateCouponTemplate(id: $id, input: $input) {\n      template {\n        ...CouponTemplateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateCouponTemplateDocument,
    "\n  fragment CouponFields on Coupon {\n    id\n    code\n    status\n    validFrom\n    validUntil\n    issuedAt\n    redeemedAt\n    reservedFor\n    reservedUntil\n    template {\n      ...CouponTemplateFields\n    }\n    member {\n      id\n      name\n      phone\n      phoneMasked\n    }\n  }\n": typeof types.CouponFieldsFragmentDoc,
    "\n  query CouponByCode($code: String!) {\n    coupon(code: $code) {\n      ...CouponFields\n    }\n  }\n": typeof types.CouponByCodeDocument,
    "\n  query CouponMemberByPhone($phone: String!) {\n    member(phone: $phone) {\n      id\n      name\n      phone\n      phoneMasked\n    }\n  }\n": typeof types.CouponMemberByPhoneDocument,
    "\n  query ValidateCoupon($code: String!, $memberId: ID!, $orderAmount: Long!) {\n    validateCoupon(code: $code, memberId: $memberId, orderAmount: $orderAmount) {\n      valid\n      discountAmount\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ValidateCouponDocument,
    "\n  mutation RedeemCoupon($input: RedeemCouponInput!) {\n    redeemCoupon(input: $input) {\n      coupon {\n        ...CouponFields\n      }\n      discountAmount\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RedeemCouponDocument,
    "\n  mutation PreviewCouponTemplate($input: PreviewCouponTemplateInput!) {\n    previewCouponTemplate(input: $input) {\n      preview {\n        discountAmount\n        eligibleAmount\n        payableAmount\n        lines {\n          sku\n          category\n          amount\n          discount\n          eligible\n        }\n        reasons {\n          code\n          field\n          message\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.PreviewCouponTemplateDocument,
    "\n  fragment CouponBatchFields on CouponBatch {\n    id\n    quantity\n    generated\n    status\n    error\n    createdAt\n    startedAt\n    finishedAt\n    downloadUrl\n  }\n": typeof types.CouponBatchFieldsFragmentDoc,
    "\n  query CouponBatches($templateId: ID!) {\n    couponBatches(templateId: $templateId) {\n      ...CouponBatchFields\n    }\n  }\n": typeof types.CouponBatchesDocument,
    "\n  mutation GenerateCouponCodes($input: GenerateCouponCodesInput!) {\n    generateCouponCodes(input: $input) {\n      batch {\n        ...CouponBatchFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.GenerateCouponCodesDocument,
    "\n  mutation ReleaseCoupon($input: ReleaseCouponInput!) {\n    releaseCoupon(input: $input) {\n      coupon {\n        ...CouponFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ReleaseCouponDocument,
    "\n  query CouponRedemptionsByDay($templateId: ID!, $days: Int!) {\n    couponRedemptionsByDay(templateId: $templateId, days: $days) {\n      date\n      redeemed\n      discountAmount\n    }\n  }\n": typeof types.CouponRedemptionsByDayDocument,
    "\n  fragment CustomFieldDefinitionFields on CustomFieldDefinition {\n    id\n    key\n    label\n    type\n    required\n    pii\n    options\n    position\n  }\n": typeof types.CustomFieldDefinitionFieldsFragmentDoc,
    "\n  query CustomFieldDefinitions {\n    customFieldDefinitions {\n      ...CustomFieldDefinitionFields\n    }\n  }\n": typeof types.CustomFieldDefinitionsDocument,
    "\n  mutation CreateCustomFieldDefinition($input: CreateCustomFieldDefinitionInput!) {\n    createCustomFieldDefinition(input: $input) {\n      definition {\n        ...CustomFieldDefinitionFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateCustomFieldDefinitionDocument,
    "\n  mutation UpdateCustomFieldDefinition($id: ID!, $input: UpdateCustomFieldDefinitionInput!) {\n    updateCustomFieldDefinition(id: $id, input: $input) {\n      definition {\n        ...CustomFieldDefinitionFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateCustomFieldDefinitionDocument,
    "\n  mutation DeleteCustomFieldDefinition($id: ID!) {\n    deleteCustomFieldDefinition(id: $id) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteCustomFieldDefinitionDocument,
    "\n  fragment DeadLetterFields on DeadLetter {\n    id\n    eventId\n    eventType\n    handler\n    memberId\n    attempts\n    lastError\n    status\n    eventAt\n    updatedAt\n  }\n": typeof types.DeadLetterFieldsFragmentDoc,
    "\n  query DeadLetters($first: Int, $after: String) {\n    deadLetters(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DeadLetterFields\n        }\n      }\n    }\n  }\n": typeof types.DeadLettersDocument,
    "\n  mutation ReplayDeadLetter($id: ID!) {\n    replayDeadLetter(id: $id) {\n      deadLetter {\n        ...DeadLetterFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ReplayDeadLetterDocument,
    "\n  query EarningRuleKinds {\n    earningRuleKinds {\n      name\n      stage\n      description\n      plugin\n      storable\n      params {\n        name\n        type\n        description\n        required\n        minimum\n        maximum\n      }\n    }\n  }\n": typeof types.EarningRuleKindsDocument,
    "\n  fragment EarningRuleFields on EarningRule {\n    id\n    name\n    kind\n    params\n    priority\n    enabled\n    available\n    createdAt\n    updatedAt\n  }\n": typeof types.EarningRuleFieldsFragmentDoc,
    "\n  query EarningRules {\n    earningRules {\n      ...EarningRuleFields\n    }\n  }\n": typeof types.EarningRulesDocument,
    "\n  mutation CreateEarningRule($input: CreateEarningRuleInput!) {\n    createEarningRule(input: $input) {\n      rule {\n        ...EarningRuleFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateEarningRuleDocument,
    "\n  mutation UpdateEarningRule($id: ID!, $input: UpdateEarningRuleInput!) {\n    updateEarningRule(id: $id, input: $input) {\n      rule {\n        ...EarningRuleFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateEarningRuleDocument,
    "\n  mutation DeleteEarningRule($id: ID!) {\n    deleteEarningRule(id: $id) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteEarningRuleDocument,
    "\n  mutation PreviewOrder($input: PreviewOrderInput!) {\n    previewOrder(input: $input) {\n      preview {\n        pointsEarned\n        exactPoints\n        cashPaid\n        availableAt\n        rules {\n          ...AppliedRuleFields\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.PreviewOrderDocument,
    "\n  query EarningSettings {\n    pointsSettings {\n      earnPointsPerYuan\n      returnWindowDays\n    }\n  }\n": typeof types.EarningSettingsDocument,
    "\n  mutation Login($tenantSlug: String!, $email: String!, $password: String!) {\n    login(tenantSlug: $tenantSlug, email: $email, password: $password) {\n      token\n      staff {\n        id\n        mustChangePassword\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  fragment MemberCouponFields on Coupon {\n    id\n    code\n    status\n    validFrom\n    validUntil\n    issuedAt\n    redeemedAt\n    reservedFor\n    reservedUntil\n    template {\n      id\n      name\n    }\n  }\n": typeof types.MemberCouponFieldsFragmentDoc,
    "\n  query MemberCoupons($id: ID!, $first: Int, $after: String, $status: CouponStatus) {\n    member(id: $id) {\n      id\n      coupons(first: $first, after: $after, status: $status) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            ...MemberCouponFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.MemberCouponsDocument,
    "\n  query MemberCouponTemplates {\n    couponTemplates {\n      id\n      name\n      kind\n    }\n  }\n": typeof types.MemberCouponTemplatesDocument,
    "\n  mutation MemberIssueCoupon($input: IssueCouponInput!) {\n    issueCoupon(input: $input) {\n      coupon {\n        ...MemberCouponFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.MemberIssueCouponDocument,
    "\n  mutation MemberVoidCoupon($input: VoidCouponInput!) {\n    voidCoupon(input: $input) {\n      coupon {\n        ...MemberCouponFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.MemberVoidCouponDocument,
    "\n  query MemberTimeline($id: ID!, $first: Int, $after: String, $types: [String!]) {\n    member(id: $id) {\n      id\n      timeline(first: $first, after: $after, types: $types) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            id\n            type\n            createdAt\n            occurredAt\n            behaviour\n            data\n          }\n        }\n      }\n    }\n  }\n": typeof types.MemberTimelineDocument,
    "\n  fragment MemberListFields on Member {\n    id\n    name\n    phone\n    phoneMasked\n    tags\n    createdAt\n    tier {\n      id\n      name\n    }\n  }\n": typeof types.MemberListFieldsFragmentDoc,
    "\n  query Members($first: Int, $after: String, $filter: MemberFilter) {\n    members(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberListFields\n        }\n      }\n    }\n  }\n": typeof types.MembersDocument,
    "\n  fragment MemberDetailFields on Member {\n    id\n    phone\n    phoneMasked\n    name\n    gender\n    birthday\n    externalId\n    sourceChannel\n    tags\n    tier {\n      id\n      name\n    }\n    pointsBalance\n    pendingPoints\n    totalSpent\n    orderCount\n    lastOrderAt\n    createdAt\n    customFields\n  }\n": typeof types.MemberDetailFieldsFragmentDoc,
    "\n  query MemberDetail($id: ID!) {\n    member(id: $id) {\n      ...MemberDetailFields\n    }\n  }\n": typeof types.MemberDetailDocument,
    "\n  mutation CreateMember($input: CreateMemberInput!) {\n    createMember(input: $input) {\n      member {\n        id\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateMemberDocument,
    "\n  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {\n    updateMember(id: $id, input: $input) {\n      member {\n        ...MemberDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateMemberDocument,
    "\n  mutation RevealMemberPii($id: ID!, $field: String! = \"phone\", $reason: String) {\n    revealMemberPii(id: $id, field: $field, reason: $reason) {\n      phone\n      customFields\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RevealMemberPiiDocument,
    "\n  mutation MergeMembers($input: MergeMembersInput!) {\n    mergeMembers(input: $input) {\n      member {\n        ...MemberDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.MergeMembersDocument,
    "\n  query MemberAuditLog($targetId: ID!, $first: Int, $after: String) {\n    auditLog(targetType: \"member\", targetId: $targetId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          action\n          actorType\n          actorId\n          actorLabel\n          before\n          after\n          requestId\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.MemberAuditLogDocument,
    "\n  query MemberPoints($id: ID!) {\n    member(id: $id) {\n      id\n      pointsBalance\n      pendingPoints\n      pointsExpiring(days: 30)\n    }\n  }\n": typeof types.MemberPointsDocument,
    "\n  query MemberPointsLedger($id: ID!, $first: Int, $after: String, $kinds: [PointsTransactionKind!]) {\n    member(id: $id) {\n      id\n      pointsTransactions(first: $first, after: $after, kinds: $kinds) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            id\n            kind\n            points\n            balanceAfter\n            reason\n            orderId\n            expiresAt\n            availableAt\n            createdAt\n          }\n        }\n      }\n    }\n  }\n": typeof types.MemberPointsLedgerDocument,
    "\n  mutation AdjustPoints($input: AdjustPointsInput!) {\n    adjustPoints(input: $input) {\n      transaction {\n        id\n        points\n        balanceAfter\n      }\n      member {\n        id\n        pointsBalance\n        pendingPoints\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.AdjustPointsDocument,
    "\n  query MemberPointsLots($id: ID!, $includeClosed: Boolean!) {\n    member(id: $id) {\n      id\n      pointsLots(includeClosed: $includeClosed) {\n        id\n        amount\n        remaining\n        pending\n        orderId\n        availableAt\n        expiresAt\n        createdAt\n      }\n    }\n  }\n": typeof types.MemberPointsLotsDocument,
    "\n  fragment OrderListFields on Order {\n    id\n    externalId\n    amount\n    refundedAmount\n    pointsEarned\n    pointsSpent\n    status\n    storeCode\n    paidAt\n    member {\n      id\n      name\n      phone\n    }\n  }\n": typeof types.OrderListFieldsFragmentDoc,
    "\n  query Orders($first: Int!, $after: String, $filter: OrderFilter) {\n    orders(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...OrderListFields\n        }\n      }\n    }\n  }\n": typeof types.OrdersDocument,
    "\n  fragment AppliedRuleFields on AppliedEarningRule {\n    ruleId\n    name\n    kind\n    detail\n  }\n": typeof types.AppliedRuleFieldsFragmentDoc,
    "\n  fragment OrderDetailFields on Order {\n    id\n    externalId\n    amount\n    discountAmount\n    pointsSpent\n    pointsEarned\n    refundedAmount\n    pointsReturned\n    pointsReversed\n    status\n    storeCode\n    earning\n    paidAt\n    createdAt\n    items {\n      sku\n      category\n      quantity\n      unitPrice\n    }\n    appliedRules {\n      ...AppliedRuleFields\n    }\n    member {\n      id\n      name\n      phone\n    }\n  }\n": typeof types.OrderDetailFieldsFragmentDoc,
    "\n  query OrderDetail($externalId: String!) {\n    order(externalId: $externalId) {\n      ...OrderDetailFields\n    }\n  }\n": typeof types.OrderDetailDocument,
    "\n  mutation RefundOrder($input: RefundOrderInput!) {\n    refundOrder(input: $input) {\n      order {\n        ...OrderDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RefundOrderDocument,
    "\n  query MemberOrders($memberId: ID!, $first: Int!) {\n    orders(first: $first, filter: { memberId: $memberId }) {\n      totalCount\n      edges {\n        node {\n          id\n          externalId\n          amount\n          refundedAmount\n          pointsEarned\n          status\n          storeCode\n          paidAt\n        }\n      }\n    }\n  }\n": typeof types.MemberOrdersDocument,
    "\n  fragment RewardFields on Reward {\n    id\n    name\n    pointsCost\n    stock\n    perMemberLimit\n    redeemedCount\n    active\n    couponTemplate {\n      id\n      name\n    }\n  }\n": typeof types.RewardFieldsFragmentDoc,
    "\n  query Rewards {\n    rewards {\n      ...RewardFields\n    }\n  }\n": typeof types.RewardsDocument,
    "\n  query RewardCouponTemplates {\n    couponTemplates {\n      id\n      name\n    }\n  }\n": typeof types.RewardCouponTemplatesDocument,
    "\n  mutation CreateReward($input: CreateRewardInput!) {\n    createReward(input: $input) {\n      reward {\n        ...RewardFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateRewardDocument,
    "\n  mutation UpdateReward($id: ID!, $input: UpdateRewardInput!) {\n    updateReward(id: $id, input: $input) {\n      reward {\n        ...RewardFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateRewardDocument,
    "\n  fragment StaffFields on Staff {\n    id\n    email\n    name\n    role\n    active\n    createdAt\n    lastLoginAt\n    mustChangePassword\n    stores\n  }\n": typeof types.StaffFieldsFragmentDoc,
    "\n  query StaffList {\n    staff {\n      ...StaffFields\n    }\n  }\n": typeof types.StaffListDocument,
    "\n  mutation CreateStaff($input: CreateStaffInput!) {\n    createStaff(input: $input) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateStaffDocument,
    "\n  mutation DeactivateStaff($id: ID!) {\n    deactivateStaff(id: $id) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeactivateStaffDocument,
    "\n  mutation ReactivateStaff($id: ID!) {\n    reactivateStaff(id: $id) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ReactivateStaffDocument,
    "\n  mutation ChangeStaffRole($id: ID!, $role: String!) {\n    changeStaffRole(id: $id, role: $role) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ChangeStaffRoleDocument,
    "\n  mutation ResetStaffPassword($id: ID!) {\n    resetStaffPassword(id: $id) {\n      staff {\n        ...StaffFields\n      }\n      temporaryPassword\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ResetStaffPasswordDocument,
    "\n  mutation AssignStaffStores($id: ID!, $storeCodes: [String!]!) {\n    assignStaffStores(id: $id, storeCodes: $storeCodes) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.AssignStaffStoresDocument,
    "\n  query ProgrammeSettings {\n    pointsSettings {\n      earnPointsPerYuan\n      pointValueFen\n      returnWindowDays\n      pointsPaymentCapPercent\n    }\n  }\n": typeof types.ProgrammeSettingsDocument,
    "\n  mutation UpdateProgrammeSettings($input: UpdateEarningSettingsInput!) {\n    updateEarningSettings(input: $input) {\n      settings {\n        earnPointsPerYuan\n        pointValueFen\n        returnWindowDays\n        pointsPaymentCapPercent\n      pointsPaymentCapPercent\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateProgrammeSettingsDocument,
    "\n  fragment TierFields on Tier {\n    id\n    name\n    rank\n    metric\n    threshold\n    windowDays\n    window\n    pointsMultiplier\n  }\n": typeof types.TierFieldsFragmentDoc,
    "\n  query Tiers {\n    tiers {\n      ...TierFields\n    }\n  }\n": typeof types.TiersDocument,
    "\n  mutation CreateTier($input: CreateTierInput!) {\n    createTier(input: $input) {\n      tier {\n        ...TierFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateTierDocument,
    "\n  mutation UpdateTier($id: ID!, $input: UpdateTierInput!) {\n    updateTier(id: $id, input: $input) {\n      tier {\n        ...TierFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateTierDocument,
    "\n  mutation DeleteTier($id: ID!) {\n    deleteTier(id: $id) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteTierDocument,
    "\n  query PointsSettings {\n    pointsSettings {\n      expiryPolicy\n      expiryPeriod\n    }\n    pointsExpiring(days: 30)\n  }\n": typeof types.PointsSettingsDocument,
    "\n  mutation UpdatePointsSettings($input: UpdatePointsSettingsInput!) {\n    updatePointsSettings(input: $input) {\n      settings {\n        expiryPolicy\n        expiryPeriod\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdatePointsSettingsDocument,
    "\n  fragment WebhookEndpointFields on WebhookEndpoint {\n    id\n    url\n    eventTypes\n    enabled\n    disabledReason\n    description\n    previousSecretExpiresAt\n    createdAt\n    updatedAt\n  }\n": typeof types.WebhookEndpointFieldsFragmentDoc,
    "\n  query WebhookEndpoints {\n    webhookEndpoints {\n      ...WebhookEndpointFields\n    }\n  }\n": typeof types.WebhookEndpointsDocument,
    "\n  query WebhookEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) {\n      ...WebhookEndpointFields\n    }\n  }\n": typeof types.WebhookEndpointDocument,
    "\n  query WebhookEventTypes {\n    eventTypes {\n      type\n      version\n      description\n    }\n  }\n": typeof types.WebhookEventTypesDocument,
    "\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateWebhookEndpointDocument,
    "\n  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(id: $id, input: $input) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateWebhookEndpointDocument,
    "\n  mutation RotateWebhookSecret($id: ID!) {\n    rotateWebhookSecret(id: $id) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RotateWebhookSecretDocument,
    "\n  mutation DisableWebhookEndpoint($id: ID!) {\n    disableWebhookEndpoint(id: $id) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DisableWebhookEndpointDocument,
    "\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    id\n    eventId\n    endpointId\n    eventType\n    status\n    attempts\n    lastResponseStatus\n    nextAttemptAt\n    createdAt\n    payload\n    attemptLog {\n      attempt\n      startedAt\n      latencyMs\n      responseStatus\n      responseExcerpt\n      error\n    }\n  }\n": typeof types.WebhookDeliveryFieldsFragmentDoc,
    "\n  query WebhookDeliveries($endpointId: ID!, $first: Int, $after: String, $status: WebhookDeliveryStatus) {\n    webhookDeliveries(endpointId: $endpointId, first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...WebhookDeliveryFields\n        }\n      }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation SendTestWebhook($id: ID!) {\n    sendTestWebhook(id: $id) {\n      delivery {\n        ...WebhookDeliveryFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.SendTestWebhookDocument,
    "\n  mutation ReplayWebhookDelivery($id: ID!) {\n    replayWebhookDelivery(id: $id) {\n      delivery {\n        ...WebhookDeliveryFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ReplayWebhookDeliveryDocument,
    "\n  mutation ReplayWebhookDeliveries($endpointId: ID!, $since: DateTime!, $status: WebhookDeliveryStatus) {\n    replayWebhookDeliveries(endpointId: $endpointId, since: $since, status: $status) {\n      count\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ReplayWebhookDeliveriesDocument,
    "\n  query Viewer {\n    viewer {\n      tenant {\n        id\n        slug\n        name\n        timezone\n        currency\n      }\n      staff {\n        id\n        email\n        name\n        role\n        mustChangePassword\n      }\n      permissions\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation Logout {\n    logout {\n      ok\n      errors {\n        code\n        message\n      }\n    }\n  }\n": typeof types.LogoutDocument,
};
const documents: Documents = {
    "\n  mutation ChangeMyPassword($currentPassword: String!, $newPassword: String!) {\n    changeMyPassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      token\n      staff {\n        id\n        mustChangePassword\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ChangeMyPasswordDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    kind\n    prefix\n    scopes\n    lastUsedAt\n    createdAt\n    revokedAt\n    expiresAt\n    expired\n  }\n": types.ApiKeyFieldsFragmentDoc,
    "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      apiKey {\n        ...ApiKeyFields\n      }\n      key\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      apiKey {\n        ...ApiKeyFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  fragment CouponTemplateFields on CouponTemplate {\n    id\n    name\n    kind\n    amountOff\n    percentOff\n    maxDiscount\n    minSpend\n    giftSku\n    validDays\n    startDelayDays\n    validFrom\n    validUntil\n    skus\n    categories\n    stores\n    excludedSkus\n    excludedCategories\n    perMemberLimit\n    totalLimit\n    period\n    periodLimit\n    budget\n    stackable\n    priority\n    maxPerOrder\n    codePrefix\n    codeLength\n    publicCode\n    issuedCount\n    redeemedCount\n    discountGiven\n  }\n": types.CouponTemplateFieldsFragmentDoc,
    "\n  query CouponTemplates {\n    couponTemplates {\n      ...CouponTemplateFields\n    }\n  }\n": types.CouponTemplatesDocument,
    "\n  mutation CreateCouponTemplate($input: CreateCouponTemplateInput!) {\n    createCouponTemplate(input: $input) {\n      template {\n        ...CouponTemplateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateCouponTemplateDocument,
    "\n  mutation UpdateCouponTemplate($id: ID!, $input: UpdateCouponTemplateInput!) {\n    updateCouponTemplate(id: $id, input: $input) {\n      template {\n        ...CouponTemplateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateCouponTemplateDocument,
    "\n  fragment CouponFields on Coupon {\n    id\n    code\n    status\n    validFrom\n    validUntil\n    issuedAt\n    redeemedAt\n    reservedFor\n    reservedUntil\n    template {\n      ...CouponTemplateFields\n    }\n    member {\n      id\n      name\n      phone\n      phoneMasked\n    }\n  }\n": types.CouponFieldsFragmentDoc,
    "\n  query CouponByCode($code: String!) {\n    coupon(code: $code) {\n      ...CouponFields\n    }\n  }\n": types.CouponByCodeDocument,
    "\n  query CouponMemberByPhone($phone: String!) {\n    member(phone: $phone) {\n      id\n      name\n      phone\n      phoneMasked\n    }\n  }\n": types.CouponMemberByPhoneDocument,
    "\n  query ValidateCoupon($code: String!, $memberId: ID!, $orderAmount: Long!) {\n    validateCoupon(code: $code, memberId: $memberId, orderAmount: $orderAmount) {\n      valid\n      discountAmount\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ValidateCouponDocument,
    "\n  mutation RedeemCoupon($input: RedeemCouponInput!) {\n    redeemCoupon(input: $input) {\n      coupon {\n        ...CouponFields\n      }\n      discountAmount\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RedeemCouponDocument,
    "\n  mutation PreviewCouponTemplate($input: PreviewCouponTemplateInput!) {\n    previewCouponTemplate(input: $input) {\n      preview {\n        discountAmount\n        eligibleAmount\n        payableAmount\n        lines {\n          sku\n          category\n          amount\n          discount\n          eligible\n        }\n        reasons {\n          code\n          field\n          message\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.PreviewCouponTemplateDocument,
    "\n  fragment CouponBatchFields on CouponBatch {\n    id\n    quantity\n    generated\n    status\n    error\n    createdAt\n    startedAt\n    finishedAt\n    downloadUrl\n  }\n": types.CouponBatchFieldsFragmentDoc,
    "\n  query CouponBatches($templateId: ID!) {\n    couponBatches(templateId: $templateId) {\n      ...CouponBatchFields\n    }\n  }\n": types.CouponBatchesDocument,
    "\n  mutation GenerateCouponCodes($input: GenerateCouponCodesInput!) {\n    generateCouponCodes(input: $input) {\n      batch {\n        ...CouponBatchFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.GenerateCouponCodesDocument,
    "\n  mutation ReleaseCoupon($input: ReleaseCouponInput!) {\n    releaseCoupon(input: $input) {\n      coupon {\n        ...CouponFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ReleaseCouponDocument,
    "\n  query CouponRedemptionsByDay($templateId: ID!, $days: Int!) {\n    couponRedemptionsByDay(templateId: $templateId, days: $days) {\n      date\n      redeemed\n      discountAmount\n    }\n  }\n": types.CouponRedemptionsByDayDocument,
    "\n  fragment CustomFieldDefinitionFields on CustomFieldDefinition {\n    id\n    key\n    label\n    type\n    required\n    pii\n    options\n    position\n  }\n": types.CustomFieldDefinitionFieldsFragmentDoc,
    "\n  query CustomFieldDefinitions {\n    customFieldDefinitions {\n      ...CustomFieldDefinitionFields\n    }\n  }\n": types.CustomFieldDefinitionsDocument,
    "\n  mutation CreateCustomFieldDefinition($input: CreateCustomFieldDefinitionInput!) {\n    createCustomFieldDefinition(input: $input) {\n      definition {\n        ...CustomFieldDefinitionFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateCustomFieldDefinitionDocument,
    "\n  mutation UpdateCustomFieldDefinition($id: ID!, $input: UpdateCustomFieldDefinitionInput!) {\n    updateCustomFieldDefinition(id: $id, input: $input) {\n      definition {\n        ...CustomFieldDefinitionFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateCustomFieldDefinitionDocument,
    "\n  mutation DeleteCustomFieldDefinition($id: ID!) {\n    deleteCustomFieldDefinition(id: $id) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteCustomFieldDefinitionDocument,
    "\n  fragment DeadLetterFields on DeadLetter {\n    id\n    eventId\n    eventType\n    handler\n    memberId\n    attempts\n    lastError\n    status\n    eventAt\n    updatedAt\n  }\n": types.DeadLetterFieldsFragmentDoc,
    "\n  query DeadLetters($first: Int, $after: String) {\n    deadLetters(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DeadLetterFields\n        }\n      }\n    }\n  }\n": types.DeadLettersDocument,
    "\n  mutation ReplayDeadLetter($id: ID!) {\n    replayDeadLetter(id: $id) {\n      deadLetter {\n        ...DeadLetterFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ReplayDeadLetterDocument,
    "\n  query EarningRuleKinds {\n    earningRuleKinds {\n      name\n      stage\n      description\n      plugin\n      storable\n      params {\n        name\n        type\n        description\n        required\n        minimum\n        maximum\n      }\n    }\n  }\n": types.EarningRuleKindsDocument,
    "\n  fragment EarningRuleFields on EarningRule {\n    id\n    name\n    kind\n    params\n    priority\n    enabled\n    available\n    createdAt\n    updatedAt\n  }\n": types.EarningRuleFieldsFragmentDoc,
    "\n  query EarningRules {\n    earningRules {\n      ...EarningRuleFields\n    }\n  }\n": types.EarningRulesDocument,
    "\n  mutation CreateEarningRule($input: CreateEarningRuleInput!) {\n    createEarningRule(input: $input) {\n      rule {\n        ...EarningRuleFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateEarningRuleDocument,
    "\n  mutation UpdateEarningRule($id: ID!, $input: UpdateEarningRuleInput!) {\n    updateEarningRule(id: $id, input: $input) {\n      rule {\n        ...EarningRuleFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateEarningRuleDocument,
    "\n  mutation DeleteEarningRule($id: ID!) {\n    deleteEarningRule(id: $id) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteEarningRuleDocument,
    "\n  mutation PreviewOrder($input: PreviewOrderInput!) {\n    previewOrder(input: $input) {\n      preview {\n        pointsEarned\n        exactPoints\n        cashPaid\n        availableAt\n        rules {\n          ...AppliedRuleFields\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.PreviewOrderDocument,
    "\n  query EarningSettings {\n    pointsSettings {\n      earnPointsPerYuan\n      returnWindowDays\n    }\n  }\n": types.EarningSettingsDocument,
    "\n  mutation Login($tenantSlug: String!, $email: String!, $password: String!) {\n    login(tenantSlug: $tenantSlug, email: $email, password: $password) {\n      token\n      staff {\n        id\n        mustChangePassword\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  fragment MemberCouponFields on Coupon {\n    id\n    code\n    status\n    validFrom\n    validUntil\n    issuedAt\n    redeemedAt\n    reservedFor\n    reservedUntil\n    template {\n      id\n      name\n    }\n  }\n": types.MemberCouponFieldsFragmentDoc,
    "\n  query MemberCoupons($id: ID!, $first: Int, $after: String, $status: CouponStatus) {\n    member(id: $id) {\n      id\n      coupons(first: $first, after: $after, status: $status) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            ...MemberCouponFields\n          }\n        }\n      }\n    }\n  }\n": types.MemberCouponsDocument,
    "\n  query MemberCouponTemplates {\n    couponTemplates {\n      id\n      name\n      kind\n    }\n  }\n": types.MemberCouponTemplatesDocument,
    "\n  mutation MemberIssueCoupon($input: IssueCouponInput!) {\n    issueCoupon(input: $input) {\n      coupon {\n        ...MemberCouponFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.MemberIssueCouponDocument,
    "\n  mutation MemberVoidCoupon($input: VoidCouponInput!) {\n    voidCoupon(input: $input) {\n      coupon {\n        ...MemberCouponFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.MemberVoidCouponDocument,
    "\n  query MemberTimeline($id: ID!, $first: Int, $after: String, $types: [String!]) {\n    member(id: $id) {\n      id\n      timeline(first: $first, after: $after, types: $types) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            id\n            type\n            createdAt\n            occurredAt\n            behaviour\n            data\n          }\n        }\n      }\n    }\n  }\n": types.MemberTimelineDocument,
    "\n  fragment MemberListFields on Member {\n    id\n    name\n    phone\n    phoneMasked\n    tags\n    createdAt\n    tier {\n      id\n      name\n    }\n  }\n": types.MemberListFieldsFragmentDoc,
    "\n  query Members($first: Int, $after: String, $filter: MemberFilter) {\n    members(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberListFields\n        }\n      }\n    }\n  }\n": types.MembersDocument,
    "\n  fragment MemberDetailFields on Member {\n    id\n    phone\n    phoneMasked\n    name\n    gender\n    birthday\n    externalId\n    sourceChannel\n    tags\n    tier {\n      id\n      name\n    }\n    pointsBalance\n    pendingPoints\n    totalSpent\n    orderCount\n    lastOrderAt\n    createdAt\n    customFields\n  }\n": types.MemberDetailFieldsFragmentDoc,
    "\n  query MemberDetail($id: ID!) {\n    member(id: $id) {\n      ...MemberDetailFields\n    }\n  }\n": types.MemberDetailDocument,
    "\n  mutation CreateMember($input: CreateMemberInput!) {\n    createMember(input: $input) {\n      member {\n        id\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateMemberDocument,
    "\n  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {\n    updateMember(id: $id, input: $input) {\n      member {\n        ...MemberDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateMemberDocument,
    "\n  mutation RevealMemberPii($id: ID!, $field: String! = \"phone\", $reason: String) {\n    revealMemberPii(id: $id, field: $field, reason: $reason) {\n      phone\n      customFields\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RevealMemberPiiDocument,
    "\n  mutation MergeMembers($input: MergeMembersInput!) {\n    mergeMembers(input: $input) {\n      member {\n        ...MemberDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.MergeMembersDocument,
    "\n  query MemberAuditLog($targetId: ID!, $first: Int, $after: String) {\n    auditLog(targetType: \"member\", targetId: $targetId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          action\n          actorType\n          actorId\n          actorLabel\n          before\n          after\n          requestId\n          createdAt\n        }\n      }\n    }\n  }\n": types.MemberAuditLogDocument,
    "\n  query MemberPoints($id: ID!) {\n    member(id: $id) {\n      id\n      pointsBalance\n      pendingPoints\n      pointsExpiring(days: 30)\n    }\n  }\n": types.MemberPointsDocument,
    "\n  query MemberPointsLedger($id: ID!, $first: Int, $after: String, $kinds: [PointsTransactionKind!]) {\n    member(id: $id) {\n      id\n      pointsTransactions(first: $first, after: $after, kinds: $kinds) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            id\n            kind\n            points\n            balanceAfter\n            reason\n            orderId\n            expiresAt\n            availableAt\n            createdAt\n          }\n        }\n      }\n    }\n  }\n": types.MemberPointsLedgerDocument,
    "\n  mutation AdjustPoints($input: AdjustPointsInput!) {\n    adjustPoints(input: $input) {\n      transaction {\n        id\n        points\n        balanceAfter\n      }\n      member {\n        id\n        pointsBalance\n        pendingPoints\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.AdjustPointsDocument,
    "\n  query MemberPointsLots($id: ID!, $includeClosed: Boolean!) {\n    member(id: $id) {\n      id\n      pointsLots(includeClosed: $includeClosed) {\n        id\n        amount\n        remaining\n        pending\n        orderId\n        availableAt\n        expiresAt\n        createdAt\n      }\n    }\n  }\n": types.MemberPointsLotsDocument,
    "\n  fragment OrderListFields on Order {\n    id\n    externalId\n    amount\n    refundedAmount\n    pointsEarned\n    pointsSpent\n    status\n    storeCode\n    paidAt\n    member {\n      id\n      name\n      phone\n    }\n  }\n": types.OrderListFieldsFragmentDoc,
    "\n  query Orders($first: Int!, $after: String, $filter: OrderFilter) {\n    orders(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...OrderListFields\n        }\n      }\n    }\n  }\n": types.OrdersDocument,
    "\n  fragment AppliedRuleFields on AppliedEarningRule {\n    ruleId\n    name\n    kind\n    detail\n  }\n": types.AppliedRuleFieldsFragmentDoc,
    "\n  fragment OrderDetailFields on Order {\n    id\n    externalId\n    amount\n    discountAmount\n    pointsSpent\n    pointsEarned\n    refundedAmount\n    pointsReturned\n    pointsReversed\n    status\n    storeCode\n    earning\n    paidAt\n    createdAt\n    items {\n      sku\n      category\n      quantity\n      unitPrice\n    }\n    appliedRules {\n      ...AppliedRuleFields\n    }\n    member {\n      id\n      name\n      phone\n    }\n  }\n": types.OrderDetailFieldsFragmentDoc,
    "\n  query OrderDetail($externalId: String!) {\n    order(externalId: $externalId) {\n      ...OrderDetailFields\n    }\n  }\n": types.OrderDetailDocument,
    "\n  mutation RefundOrder($input: RefundOrderInput!) {\n    refundOrder(input: $input) {\n      order {\n        ...OrderDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RefundOrderDocument,
    "\n  query MemberOrders($memberId: ID!, $first: Int!) {\n    orders(first: $first, filter: { memberId: $memberId }) {\n      totalCount\n      edges {\n        node {\n          id\n          externalId\n          amount\n          refundedAmount\n          pointsEarned\n          status\n          storeCode\n          paidAt\n        }\n      }\n    }\n  }\n": types.MemberOrdersDocument,
    "\n  fragment RewardFields on Reward {\n    id\n    name\n    pointsCost\n    stock\n    perMemberLimit\n    redeemedCount\n    active\n    couponTemplate {\n      id\n      name\n    }\n  }\n": types.RewardFieldsFragmentDoc,
    "\n  query Rewards {\n    rewards {\n      ...RewardFields\n    }\n  }\n": types.RewardsDocument,
    "\n  query RewardCouponTemplates {\n    couponTemplates {\n      id\n      name\n    }\n  }\n": types.RewardCouponTemplatesDocument,
    "\n  mutation CreateReward($input: CreateRewardInput!) {\n    createReward(input: $input) {\n      reward {\n        ...RewardFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateRewardDocument,
    "\n  mutation UpdateReward($id: ID!, $input: UpdateRewardInput!) {\n    updateReward(id: $id, input: $input) {\n      reward {\n        ...RewardFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateRewardDocument,
    "\n  fragment StaffFields on Staff {\n    id\n    email\n    name\n    role\n    active\n    createdAt\n    lastLoginAt\n    mustChangePassword\n    stores\n  }\n": types.StaffFieldsFragmentDoc,
    "\n  query StaffList {\n    staff {\n      ...StaffFields\n    }\n  }\n": types.StaffListDocument,
    "\n  mutation CreateStaff($input: CreateStaffInput!) {\n    createStaff(input: $input) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateStaffDocument,
    "\n  mutation DeactivateStaff($id: ID!) {\n    deactivateStaff(id: $id) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeactivateStaffDocument,
    "\n  mutation ReactivateStaff($id: ID!) {\n    reactivateStaff(id: $id) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ReactivateStaffDocument,
    "\n  mutation ChangeStaffRole($id: ID!, $role: String!) {\n    changeStaffRole(id: $id, role: $role) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ChangeStaffRoleDocument,
    "\n  mutation ResetStaffPassword($id: ID!) {\n    resetStaffPassword(id: $id) {\n      staff {\n        ...StaffFields\n      }\n      temporaryPassword\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ResetStaffPasswordDocument,
    "\n  mutation AssignStaffStores($id: ID!, $storeCodes: [String!]!) {\n    assignStaffStores(id: $id, storeCodes: $storeCodes) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.AssignStaffStoresDocument,
    "\n  query ProgrammeSettings {\n    pointsSettings {\n      earnPointsPerYuan\n      pointValueFen\n      returnWindowDays\n      pointsPaymentCapPercent\n    }\n  }\n": types.ProgrammeSettingsDocument,
    "\n  mutation UpdateProgrammeSettings($input: UpdateEarningSettingsInput!) {\n    updateEarningSettings(input: $input) {\n      settings {\n        earnPointsPerYuan\n        pointValueFen\n        returnWindowDays\n        pointsPaymentCapPercent\n      pointsPaymentCapPercent\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateProgrammeSettingsDocument,
    "\n  fragment TierFields on Tier {\n    id\n    name\n    rank\n    metric\n    threshold\n    windowDays\n    window\n    pointsMultiplier\n  }\n": types.TierFieldsFragmentDoc,
    "\n  query Tiers {\n    tiers {\n      ...TierFields\n    }\n  }\n": types.TiersDocument,
    "\n  mutation CreateTier($input: CreateTierInput!) {\n    createTier(input: $input) {\n      tier {\n        ...TierFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateTierDocument,
    "\n  mutation UpdateTier($id: ID!, $input: UpdateTierInput!) {\n    updateTier(id: $id, input: $input) {\n      tier {\n        ...TierFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateTierDocument,
    "\n  mutation DeleteTier($id: ID!) {\n    deleteTier(id: $id) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteTierDocument,
    "\n  query PointsSettings {\n    pointsSettings {\n      expiryPolicy\n      expiryPeriod\n    }\n    pointsExpiring(days: 30)\n  }\n": types.PointsSettingsDocument,
    "\n  mutation UpdatePointsSettings($input: UpdatePointsSettingsInput!) {\n    updatePointsSettings(input: $input) {\n      settings {\n        expiryPolicy\n        expiryPeriod\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdatePointsSettingsDocument,
    "\n  fragment WebhookEndpointFields on WebhookEndpoint {\n    id\n    url\n    eventTypes\n    enabled\n    disabledReason\n    description\n    previousSecretExpiresAt\n    createdAt\n    updatedAt\n  }\n": types.WebhookEndpointFieldsFragmentDoc,
    "\n  query WebhookEndpoints {\n    webhookEndpoints {\n      ...WebhookEndpointFields\n    }\n  }\n": types.WebhookEndpointsDocument,
    "\n  query WebhookEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) {\n      ...WebhookEndpointFields\n    }\n  }\n": types.WebhookEndpointDocument,
    "\n  query WebhookEventTypes {\n    eventTypes {\n      type\n      version\n      description\n    }\n  }\n": types.WebhookEventTypesDocument,
    "\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateWebhookEndpointDocument,
    "\n  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(id: $id, input: $input) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateWebhookEndpointDocument,
    "\n  mutation RotateWebhookSecret($id: ID!) {\n    rotateWebhookSecret(id: $id) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RotateWebhookSecretDocument,
    "\n  mutation DisableWebhookEndpoint($id: ID!) {\n    disableWebhookEndpoint(id: $id) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DisableWebhookEndpointDocument,
    "\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    id\n    eventId\n    endpointId\n    eventType\n    status\n    attempts\n    lastResponseStatus\n    nextAttemptAt\n    createdAt\n    payload\n    attemptLog {\n      attempt\n      startedAt\n      latencyMs\n      responseStatus\n      responseExcerpt\n      error\n    }\n  }\n": types.WebhookDeliveryFieldsFragmentDoc,
    "\n  query WebhookDeliveries($endpointId: ID!, $first: Int, $after: String, $status: WebhookDeliveryStatus) {\n    webhookDeliveries(endpointId: $endpointId, first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...WebhookDeliveryFields\n        }\n      }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation SendTestWebhook($id: ID!) {\n    sendTestWebhook(id: $id) {\n      delivery {\n        ...WebhookDeliveryFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.SendTestWebhookDocument,
    "\n  mutation ReplayWebhookDelivery($id: ID!) {\n    replayWebhookDelivery(id: $id) {\n      delivery {\n        ...WebhookDeliveryFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ReplayWebhookDeliveryDocument,
    "\n  mutation ReplayWebhookDeliveries($endpointId: ID!, $since: DateTime!, $status: WebhookDeliveryStatus) {\n    replayWebhookDeliveries(endpointId: $endpointId, since: $since, status: $status) {\n      count\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ReplayWebhookDeliveriesDocument,
    "\n  query Viewer {\n    viewer {\n      tenant {\n        id\n        slug\n        name\n        timezone\n        currency\n      }\n      staff {\n        id\n        email\n        name\n        role\n        mustChangePassword\n      }\n      permissions\n    }\n  }\n": types.ViewerDocument,
    "\n  mutation Logout {\n    logout {\n      ok\n      errors {\n        code\n        message\n      }\n    }\n  }\n": types.LogoutDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangeMyPassword($currentPassword: String!, $newPassword: String!) {\n    changeMyPassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      token\n      staff {\n        id\n        mustChangePassword\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ChangeMyPassword($currentPassword: String!, $newPassword: String!) {\n    changeMyPassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      token\n      staff {\n        id\n        mustChangePassword\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    kind\n    prefix\n    scopes\n    lastUsedAt\n    createdAt\n    revokedAt\n    expiresAt\n    expired\n  }\n"): (typeof documents)["\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    kind\n    prefix\n    scopes\n    lastUsedAt\n    createdAt\n    revokedAt\n    expiresAt\n    expired\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n"): (typeof documents)["\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      apiKey {\n        ...ApiKeyFields\n      }\n      key\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      apiKey {\n        ...ApiKeyFields\n      }\n      key\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      apiKey {\n        ...ApiKeyFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      apiKey {\n        ...ApiKeyFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CouponTemplateFields on CouponTemplate {\n    id\n    name\n    kind\n    amountOff\n    percentOff\n    maxDiscount\n    minSpend\n    giftSku\n    validDays\n    startDelayDays\n    validFrom\n    validUntil\n    skus\n    categories\n    stores\n    excludedSkus\n    excludedCategories\n    perMemberLimit\n    totalLimit\n    period\n    periodLimit\n    budget\n    stackable\n    priority\n    maxPerOrder\n    codePrefix\n    codeLength\n    publicCode\n    issuedCount\n    redeemedCount\n    discountGiven\n  }\n"): (typeof documents)["\n  fragment CouponTemplateFields on CouponTemplate {\n    id\n    name\n    kind\n    amountOff\n    percentOff\n    maxDiscount\n    minSpend\n    giftSku\n    validDays\n    startDelayDays\n    validFrom\n    validUntil\n    skus\n    categories\n    stores\n    excludedSkus\n    excludedCategories\n    perMemberLimit\n    totalLimit\n    period\n    periodLimit\n    budget\n    stackable\n    priority\n    maxPerOrder\n    codePrefix\n    codeLength\n    publicCode\n    issuedCount\n    redeemedCount\n    discountGiven\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CouponTemplates {\n    couponTemplates {\n      ...CouponTemplateFields\n    }\n  }\n"): (typeof documents)["\n  query CouponTemplates {\n    couponTemplates {\n      ...CouponTemplateFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCouponTemplate($input: CreateCouponTemplateInput!) {\n    createCouponTemplate(input: $input) {\n      template {\n        ...CouponTemplateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCouponTemplate($input: CreateCouponTemplateInput!) {\n    createCouponTemplate(input: $input) {\n      template {\n        ...CouponTemplateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCouponTemplate($id: ID!, $input: UpdateCouponTemplateInput!) {\n    updateCouponTemplate(id: $id, input: $input) {\n      template {\n        ...CouponTemplateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateCouponTemplate($id: ID!, $input: UpdateCouponTemplateInput!) {\n    updateCouponTemplate(id: $id, input: $input) {\n      template {\n        ...CouponTemplateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CouponFields on Coupon {\n    id\n    code\n    status\n    validFrom\n    validUntil\n    issuedAt\n    redeemedAt\n    reservedFor\n    reservedUntil\n    template {\n      ...CouponTemplateFields\n    }\n    member {\n      id\n      name\n      phone\n      phoneMasked\n    }\n  }\n"): (typeof documents)["\n  fragment CouponFields on Coupon {\n    id\n    code\n    status\n    validFrom\n    validUntil\n    issuedAt\n    redeemedAt\n    reservedFor\n    reservedUntil\n    template {\n      ...CouponTemplateFields\n    }\n    member {\n      id\n      name\n      phone\n      phoneMasked\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CouponByCode($code: String!) {\n    coupon(code: $code) {\n      ...CouponFields\n    }\n  }\n"): (typeof documents)["\n  query CouponByCode($code: String!) {\n    coupon(code: $code) {\n      ...CouponFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CouponMemberByPhone($phone: String!) {\n    member(phone: $phone) {\n      id\n      name\n      phone\n      phoneMasked\n    }\n  }\n"): (typeof documents)["\n  query CouponMemberByPhone($phone: String!) {\n    member(phone: $phone) {\n      id\n      name\n      phone\n      phoneMasked\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ValidateCoupon($code: String!, $memberId: ID!, $orderAmount: Long!) {\n    validateCoupon(code: $code, memberId: $memberId, orderAmount: $orderAmount) {\n      valid\n      discountAmount\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query ValidateCoupon($code: String!, $memberId: ID!, $orderAmount: Long!) {\n    validateCoupon(code: $code, memberId: $memberId, orderAmount: $orderAmount) {\n      valid\n      discountAmount\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RedeemCoupon($input: RedeemCouponInput!) {\n    redeemCoupon(input: $input) {\n      coupon {\n        ...CouponFields\n      }\n      discountAmount\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RedeemCoupon($input: RedeemCouponInput!) {\n    redeemCoupon(input: $input) {\n      coupon {\n        ...CouponFields\n      }\n      discountAmount\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PreviewCouponTemplate($input: PreviewCouponTemplateInput!) {\n    previewCouponTemplate(input: $input) {\n      preview {\n        discountAmount\n        eligibleAmount\n        payableAmount\n        lines {\n          sku\n          category\n          amount\n          discount\n          eligible\n        }\n        reasons {\n          code\n          field\n          message\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation PreviewCouponTemplate($input: PreviewCouponTemplateInput!) {\n    previewCouponTemplate(input: $input) {\n      preview {\n        discountAmount\n        eligibleAmount\n        payableAmount\n        lines {\n          sku\n          category\n          amount\n          discount\n          eligible\n        }\n        reasons {\n          code\n          field\n          message\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CouponBatchFields on CouponBatch {\n    id\n    quantity\n    generated\n    status\n    error\n    createdAt\n    startedAt\n    finishedAt\n    downloadUrl\n  }\n"): (typeof documents)["\n  fragment CouponBatchFields on CouponBatch {\n    id\n    quantity\n    generated\n    status\n    error\n    createdAt\n    startedAt\n    finishedAt\n    downloadUrl\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CouponBatches($templateId: ID!) {\n    couponBatches(templateId: $templateId) {\n      ...CouponBatchFields\n    }\n  }\n"): (typeof documents)["\n  query CouponBatches($templateId: ID!) {\n    couponBatches(templateId: $templateId) {\n      ...CouponBatchFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GenerateCouponCodes($input: GenerateCouponCodesInput!) {\n    generateCouponCodes(input: $input) {\n      batch {\n        ...CouponBatchFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation GenerateCouponCodes($input: GenerateCouponCodesInput!) {\n    generateCouponCodes(input: $input) {\n      batch {\n        ...CouponBatchFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReleaseCoupon($input: ReleaseCouponInput!) {\n    releaseCoupon(input: $input) {\n      coupon {\n        ...CouponFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReleaseCoupon($input: ReleaseCouponInput!) {\n    releaseCoupon(input: $input) {\n      coupon {\n        ...CouponFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CouponRedemptionsByDay($templateId: ID!, $days: Int!) {\n    couponRedemptionsByDay(templateId: $templateId, days: $days) {\n      date\n      redeemed\n      discountAmount\n    }\n  }\n"): (typeof documents)["\n  query CouponRedemptionsByDay($templateId: ID!, $days: Int!) {\n    couponRedemptionsByDay(templateId: $templateId, days: $days) {\n      date\n      redeemed\n      discountAmount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CustomFieldDefinitionFields on CustomFieldDefinition {\n    id\n    key\n    label\n    type\n    required\n    pii\n    options\n    position\n  }\n"): (typeof documents)["\n  fragment CustomFieldDefinitionFields on CustomFieldDefinition {\n    id\n    key\n    label\n    type\n    required\n    pii\n    options\n    position\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomFieldDefinitions {\n    customFieldDefinitions {\n      ...CustomFieldDefinitionFields\n    }\n  }\n"): (typeof documents)["\n  query CustomFieldDefinitions {\n    customFieldDefinitions {\n      ...CustomFieldDefinitionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCustomFieldDefinition($input: CreateCustomFieldDefinitionInput!) {\n    createCustomFieldDefinition(input: $input) {\n      definition {\n        ...CustomFieldDefinitionFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCustomFieldDefinition($input: CreateCustomFieldDefinitionInput!) {\n    createCustomFieldDefinition(input: $input) {\n      definition {\n        ...CustomFieldDefinitionFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCustomFieldDefinition($id: ID!, $input: UpdateCustomFieldDefinitionInput!) {\n    updateCustomFieldDefinition(id: $id, input: $input) {\n      definition {\n        ...CustomFieldDefinitionFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateCustomFieldDefinition($id: ID!, $input: UpdateCustomFieldDefinitionInput!) {\n    updateCustomFieldDefinition(id: $id, input: $input) {\n      definition {\n        ...CustomFieldDefinitionFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteCustomFieldDefinition($id: ID!) {\n    deleteCustomFieldDefinition(id: $id) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteCustomFieldDefinition($id: ID!) {\n    deleteCustomFieldDefinition(id: $id) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DeadLetterFields on DeadLetter {\n    id\n    eventId\n    eventType\n    handler\n    memberId\n    attempts\n    lastError\n    status\n    eventAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment DeadLetterFields on DeadLetter {\n    id\n    eventId\n    eventType\n    handler\n    memberId\n    attempts\n    lastError\n    status\n    eventAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeadLetters($first: Int, $after: String) {\n    deadLetters(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DeadLetterFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeadLetters($first: Int, $after: String) {\n    deadLetters(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DeadLetterFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReplayDeadLetter($id: ID!) {\n    replayDeadLetter(id: $id) {\n      deadLetter {\n        ...DeadLetterFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReplayDeadLetter($id: ID!) {\n    replayDeadLetter(id: $id) {\n      deadLetter {\n        ...DeadLetterFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EarningRuleKinds {\n    earningRuleKinds {\n      name\n      stage\n      description\n      plugin\n      storable\n      params {\n        name\n        type\n        description\n        required\n        minimum\n        maximum\n      }\n    }\n  }\n"): (typeof documents)["\n  query EarningRuleKinds {\n    earningRuleKinds {\n      name\n      stage\n      description\n      plugin\n      storable\n      params {\n        name\n        type\n        description\n        required\n        minimum\n        maximum\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EarningRuleFields on EarningRule {\n    id\n    name\n    kind\n    params\n    priority\n    enabled\n    available\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment EarningRuleFields on EarningRule {\n    id\n    name\n    kind\n    params\n    priority\n    enabled\n    available\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EarningRules {\n    earningRules {\n      ...EarningRuleFields\n    }\n  }\n"): (typeof documents)["\n  query EarningRules {\n    earningRules {\n      ...EarningRuleFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateEarningRule($input: CreateEarningRuleInput!) {\n    createEarningRule(input: $input) {\n      rule {\n        ...EarningRuleFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateEarningRule($input: CreateEarningRuleInput!) {\n    createEarningRule(input: $input) {\n      rule {\n        ...EarningRuleFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateEarningRule($id: ID!, $input: UpdateEarningRuleInput!) {\n    updateEarningRule(id: $id, input: $input) {\n      rule {\n        ...EarningRuleFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateEarningRule($id: ID!, $input: UpdateEarningRuleInput!) {\n    updateEarningRule(id: $id, input: $input) {\n      rule {\n        ...EarningRuleFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteEarningRule($id: ID!) {\n    deleteEarningRule(id: $id) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteEarningRule($id: ID!) {\n    deleteEarningRule(id: $id) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PreviewOrder($input: PreviewOrderInput!) {\n    previewOrder(input: $input) {\n      preview {\n        pointsEarned\n        exactPoints\n        cashPaid\n        availableAt\n        rules {\n          ...AppliedRuleFields\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation PreviewOrder($input: PreviewOrderInput!) {\n    previewOrder(input: $input) {\n      preview {\n        pointsEarned\n        exactPoints\n        cashPaid\n        availableAt\n        rules {\n          ...AppliedRuleFields\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EarningSettings {\n    pointsSettings {\n      earnPointsPerYuan\n      returnWindowDays\n    }\n  }\n"): (typeof documents)["\n  query EarningSettings {\n    pointsSettings {\n      earnPointsPerYuan\n      returnWindowDays\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($tenantSlug: String!, $email: String!, $password: String!) {\n    login(tenantSlug: $tenantSlug, email: $email, password: $password) {\n      token\n      staff {\n        id\n        mustChangePassword\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($tenantSlug: String!, $email: String!, $password: String!) {\n    login(tenantSlug: $tenantSlug, email: $email, password: $password) {\n      token\n      staff {\n        id\n        mustChangePassword\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MemberCouponFields on Coupon {\n    id\n    code\n    status\n    validFrom\n    validUntil\n    issuedAt\n    redeemedAt\n    reservedFor\n    reservedUntil\n    template {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment MemberCouponFields on Coupon {\n    id\n    code\n    status\n    validFrom\n    validUntil\n    issuedAt\n    redeemedAt\n    reservedFor\n    reservedUntil\n    template {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberCoupons($id: ID!, $first: Int, $after: String, $status: CouponStatus) {\n    member(id: $id) {\n      id\n      coupons(first: $first, after: $after, status: $status) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            ...MemberCouponFields\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MemberCoupons($id: ID!, $first: Int, $after: String, $status: CouponStatus) {\n    member(id: $id) {\n      id\n      coupons(first: $first, after: $after, status: $status) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            ...MemberCouponFields\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberCouponTemplates {\n    couponTemplates {\n      id\n      name\n      kind\n    }\n  }\n"): (typeof documents)["\n  query MemberCouponTemplates {\n    couponTemplates {\n      id\n      name\n      kind\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MemberIssueCoupon($input: IssueCouponInput!) {\n    issueCoupon(input: $input) {\n      coupon {\n        ...MemberCouponFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation MemberIssueCoupon($input: IssueCouponInput!) {\n    issueCoupon(input: $input) {\n      coupon {\n        ...MemberCouponFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MemberVoidCoupon($input: VoidCouponInput!) {\n    voidCoupon(input: $input) {\n      coupon {\n        ...MemberCouponFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation MemberVoidCoupon($input: VoidCouponInput!) {\n    voidCoupon(input: $input) {\n      coupon {\n        ...MemberCouponFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberTimeline($id: ID!, $first: Int, $after: String, $types: [String!]) {\n    member(id: $id) {\n      id\n      timeline(first: $first, after: $after, types: $types) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            id\n            type\n            createdAt\n            occurredAt\n            behaviour\n            data\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MemberTimeline($id: ID!, $first: Int, $after: String, $types: [String!]) {\n    member(id: $id) {\n      id\n      timeline(first: $first, after: $after, types: $types) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            id\n            type\n            createdAt\n            occurredAt\n            behaviour\n            data\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MemberListFields on Member {\n    id\n    name\n    phone\n    phoneMasked\n    tags\n    createdAt\n    tier {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment MemberListFields on Member {\n    id\n    name\n    phone\n    phoneMasked\n    tags\n    createdAt\n    tier {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members($first: Int, $after: String, $filter: MemberFilter) {\n    members(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberListFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Members($first: Int, $after: String, $filter: MemberFilter) {\n    members(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberListFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MemberDetailFields on Member {\n    id\n    phone\n    phoneMasked\n    name\n    gender\n    birthday\n    externalId\n    sourceChannel\n    tags\n    tier {\n      id\n      name\n    }\n    pointsBalance\n    pendingPoints\n    totalSpent\n    orderCount\n    lastOrderAt\n    createdAt\n    customFields\n  }\n"): (typeof documents)["\n  fragment MemberDetailFields on Member {\n    id\n    phone\n    phoneMasked\n    name\n    gender\n    birthday\n    externalId\n    sourceChannel\n    tags\n    tier {\n      id\n      name\n    }\n    pointsBalance\n    pendingPoints\n    totalSpent\n    orderCount\n    lastOrderAt\n    createdAt\n    customFields\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberDetail($id: ID!) {\n    member(id: $id) {\n      ...MemberDetailFields\n    }\n  }\n"): (typeof documents)["\n  query MemberDetail($id: ID!) {\n    member(id: $id) {\n      ...MemberDetailFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateMember($input: CreateMemberInput!) {\n    createMember(input: $input) {\n      member {\n        id\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateMember($input: CreateMemberInput!) {\n    createMember(input: $input) {\n      member {\n        id\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {\n    updateMember(id: $id, input: $input) {\n      member {\n        ...MemberDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {\n    updateMember(id: $id, input: $input) {\n      member {\n        ...MemberDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevealMemberPii($id: ID!, $field: String! = \"phone\", $reason: String) {\n    revealMemberPii(id: $id, field: $field, reason: $reason) {\n      phone\n      customFields\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RevealMemberPii($id: ID!, $field: String! = \"phone\", $reason: String) {\n    revealMemberPii(id: $id, field: $field, reason: $reason) {\n      phone\n      customFields\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MergeMembers($input: MergeMembersInput!) {\n    mergeMembers(input: $input) {\n      member {\n        ...MemberDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation MergeMembers($input: MergeMembersInput!) {\n    mergeMembers(input: $input) {\n      member {\n        ...MemberDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberAuditLog($targetId: ID!, $first: Int, $after: String) {\n    auditLog(targetType: \"member\", targetId: $targetId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          action\n          actorType\n          actorId\n          actorLabel\n          before\n          after\n          requestId\n          createdAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MemberAuditLog($targetId: ID!, $first: Int, $after: String) {\n    auditLog(targetType: \"member\", targetId: $targetId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          action\n          actorType\n          actorId\n          actorLabel\n          before\n          after\n          requestId\n          createdAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberPoints($id: ID!) {\n    member(id: $id) {\n      id\n      pointsBalance\n      pendingPoints\n      pointsExpiring(days: 30)\n    }\n  }\n"): (typeof documents)["\n  query MemberPoints($id: ID!) {\n    member(id: $id) {\n      id\n      pointsBalance\n      pendingPoints\n      pointsExpiring(days: 30)\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberPointsLedger($id: ID!, $first: Int, $after: String, $kinds: [PointsTransactionKind!]) {\n    member(id: $id) {\n      id\n      pointsTransactions(first: $first, after: $after, kinds: $kinds) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            id\n            kind\n            points\n            balanceAfter\n            reason\n            orderId\n            expiresAt\n            availableAt\n            createdAt\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MemberPointsLedger($id: ID!, $first: Int, $after: String, $kinds: [PointsTransactionKind!]) {\n    member(id: $id) {\n      id\n      pointsTransactions(first: $first, after: $after, kinds: $kinds) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            id\n            kind\n            points\n            balanceAfter\n            reason\n            orderId\n            expiresAt\n            availableAt\n            createdAt\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdjustPoints($input: AdjustPointsInput!) {\n    adjustPoints(input: $input) {\n      transaction {\n        id\n        points\n        balanceAfter\n      }\n      member {\n        id\n        pointsBalance\n        pendingPoints\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AdjustPoints($input: AdjustPointsInput!) {\n    adjustPoints(input: $input) {\n      transaction {\n        id\n        points\n        balanceAfter\n      }\n      member {\n        id\n        pointsBalance\n        pendingPoints\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberPointsLots($id: ID!, $includeClosed: Boolean!) {\n    member(id: $id) {\n      id\n      pointsLots(includeClosed: $includeClosed) {\n        id\n        amount\n        remaining\n        pending\n        orderId\n        availableAt\n        expiresAt\n        createdAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query MemberPointsLots($id: ID!, $includeClosed: Boolean!) {\n    member(id: $id) {\n      id\n      pointsLots(includeClosed: $includeClosed) {\n        id\n        amount\n        remaining\n        pending\n        orderId\n        availableAt\n        expiresAt\n        createdAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OrderListFields on Order {\n    id\n    externalId\n    amount\n    refundedAmount\n    pointsEarned\n    pointsSpent\n    status\n    storeCode\n    paidAt\n    member {\n      id\n      name\n      phone\n    }\n  }\n"): (typeof documents)["\n  fragment OrderListFields on Order {\n    id\n    externalId\n    amount\n    refundedAmount\n    pointsEarned\n    pointsSpent\n    status\n    storeCode\n    paidAt\n    member {\n      id\n      name\n      phone\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Orders($first: Int!, $after: String, $filter: OrderFilter) {\n    orders(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...OrderListFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Orders($first: Int!, $after: String, $filter: OrderFilter) {\n    orders(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...OrderListFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AppliedRuleFields on AppliedEarningRule {\n    ruleId\n    name\n    kind\n    detail\n  }\n"): (typeof documents)["\n  fragment AppliedRuleFields on AppliedEarningRule {\n    ruleId\n    name\n    kind\n    detail\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OrderDetailFields on Order {\n    id\n    externalId\n    amount\n    discountAmount\n    pointsSpent\n    pointsEarned\n    refundedAmount\n    pointsReturned\n    pointsReversed\n    status\n    storeCode\n    earning\n    paidAt\n    createdAt\n    items {\n      sku\n      category\n      quantity\n      unitPrice\n    }\n    appliedRules {\n      ...AppliedRuleFields\n    }\n    member {\n      id\n      name\n      phone\n    }\n  }\n"): (typeof documents)["\n  fragment OrderDetailFields on Order {\n    id\n    externalId\n    amount\n    discountAmount\n    pointsSpent\n    pointsEarned\n    refundedAmount\n    pointsReturned\n    pointsReversed\n    status\n    storeCode\n    earning\n    paidAt\n    createdAt\n    items {\n      sku\n      category\n      quantity\n      unitPrice\n    }\n    appliedRules {\n      ...AppliedRuleFields\n    }\n    member {\n      id\n      name\n      phone\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrderDetail($externalId: String!) {\n    order(externalId: $externalId) {\n      ...OrderDetailFields\n    }\n  }\n"): (typeof documents)["\n  query OrderDetail($externalId: String!) {\n    order(externalId: $externalId) {\n      ...OrderDetailFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefundOrder($input: RefundOrderInput!) {\n    refundOrder(input: $input) {\n      order {\n        ...OrderDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RefundOrder($input: RefundOrderInput!) {\n    refundOrder(input: $input) {\n      order {\n        ...OrderDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberOrders($memberId: ID!, $first: Int!) {\n    orders(first: $first, filter: { memberId: $memberId }) {\n      totalCount\n      edges {\n        node {\n          id\n          externalId\n          amount\n          refundedAmount\n          pointsEarned\n          status\n          storeCode\n          paidAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MemberOrders($memberId: ID!, $first: Int!) {\n    orders(first: $first, filter: { memberId: $memberId }) {\n      totalCount\n      edges {\n        node {\n          id\n          externalId\n          amount\n          refundedAmount\n          pointsEarned\n          status\n          storeCode\n          paidAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RewardFields on Reward {\n    id\n    name\n    pointsCost\n    stock\n    perMemberLimit\n    redeemedCount\n    active\n    couponTemplate {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment RewardFields on Reward {\n    id\n    name\n    pointsCost\n    stock\n    perMemberLimit\n    redeemedCount\n    active\n    couponTemplate {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Rewards {\n    rewards {\n      ...RewardFields\n    }\n  }\n"): (typeof documents)["\n  query Rewards {\n    rewards {\n      ...RewardFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RewardCouponTemplates {\n    couponTemplates {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query RewardCouponTemplates {\n    couponTemplates {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateReward($input: CreateRewardInput!) {\n    createReward(input: $input) {\n      reward {\n        ...RewardFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateReward($input: CreateRewardInput!) {\n    createReward(input: $input) {\n      reward {\n        ...RewardFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateReward($id: ID!, $input: UpdateRewardInput!) {\n    updateReward(id: $id, input: $input) {\n      reward {\n        ...RewardFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateReward($id: ID!, $input: UpdateRewardInput!) {\n    updateReward(id: $id, input: $input) {\n      reward {\n        ...RewardFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment StaffFields on Staff {\n    id\n    email\n    name\n    role\n    active\n    createdAt\n    lastLoginAt\n    mustChangePassword\n    stores\n  }\n"): (typeof documents)["\n  fragment StaffFields on Staff {\n    id\n    email\n    name\n    role\n    active\n    createdAt\n    lastLoginAt\n    mustChangePassword\n    stores\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StaffList {\n    staff {\n      ...StaffFields\n    }\n  }\n"): (typeof documents)["\n  query StaffList {\n    staff {\n      ...StaffFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateStaff($input: CreateStaffInput!) {\n    createStaff(input: $input) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateStaff($input: CreateStaffInput!) {\n    createStaff(input: $input) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeactivateStaff($id: ID!) {\n    deactivateStaff(id: $id) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeactivateStaff($id: ID!) {\n    deactivateStaff(id: $id) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReactivateStaff($id: ID!) {\n    reactivateStaff(id: $id) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReactivateStaff($id: ID!) {\n    reactivateStaff(id: $id) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangeStaffRole($id: ID!, $role: String!) {\n    changeStaffRole(id: $id, role: $role) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ChangeStaffRole($id: ID!, $role: String!) {\n    changeStaffRole(id: $id, role: $role) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetStaffPassword($id: ID!) {\n    resetStaffPassword(id: $id) {\n      staff {\n        ...StaffFields\n      }\n      temporaryPassword\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResetStaffPassword($id: ID!) {\n    resetStaffPassword(id: $id) {\n      staff {\n        ...StaffFields\n      }\n      temporaryPassword\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignStaffStores($id: ID!, $storeCodes: [String!]!) {\n    assignStaffStores(id: $id, storeCodes: $storeCodes) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AssignStaffStores($id: ID!, $storeCodes: [String!]!) {\n    assignStaffStores(id: $id, storeCodes: $storeCodes) {\n      staff {\n        ...StaffFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProgrammeSettings {\n    pointsSettings {\n      earnPointsPerYuan\n      pointValueFen\n      returnWindowDays\n      pointsPaymentCapPercent\n    }\n  }\n"): (typeof documents)["\n  query ProgrammeSettings {\n    pointsSettings {\n      earnPointsPerYuan\n      pointValueFen\n      returnWindowDays\n      pointsPaymentCapPercent\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateProgrammeSettings($input: UpdateEarningSettingsInput!) {\n    updateEarningSettings(input: $input) {\n      settings {\n        earnPointsPerYuan\n        pointValueFen\n        returnWindowDays\n        pointsPaymentCapPercent\n      pointsPaymentCapPercent\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateProgrammeSettings($input: UpdateEarningSettingsInput!) {\n    updateEarningSettings(input: $input) {\n      settings {\n        earnPointsPerYuan\n        pointValueFen\n        returnWindowDays\n        pointsPaymentCapPercent\n      pointsPaymentCapPercent\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TierFields on Tier {\n    id\n    name\n    rank\n    metric\n    threshold\n    windowDays\n    window\n    pointsMultiplier\n  }\n"): (typeof documents)["\n  fragment TierFields on Tier {\n    id\n    name\n    rank\n    metric\n    threshold\n    windowDays\n    window\n    pointsMultiplier\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Tiers {\n    tiers {\n      ...TierFields\n    }\n  }\n"): (typeof documents)["\n  query Tiers {\n    tiers {\n      ...TierFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTier($input: CreateTierInput!) {\n    createTier(input: $input) {\n      tier {\n        ...TierFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTier($input: CreateTierInput!) {\n    createTier(input: $input) {\n      tier {\n        ...TierFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTier($id: ID!, $input: UpdateTierInput!) {\n    updateTier(id: $id, input: $input) {\n      tier {\n        ...TierFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTier($id: ID!, $input: UpdateTierInput!) {\n    updateTier(id: $id, input: $input) {\n      tier {\n        ...TierFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTier($id: ID!) {\n    deleteTier(id: $id) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteTier($id: ID!) {\n    deleteTier(id: $id) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PointsSettings {\n    pointsSettings {\n      expiryPolicy\n      expiryPeriod\n    }\n    pointsExpiring(days: 30)\n  }\n"): (typeof documents)["\n  query PointsSettings {\n    pointsSettings {\n      expiryPolicy\n      expiryPeriod\n    }\n    pointsExpiring(days: 30)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdatePointsSettings($input: UpdatePointsSettingsInput!) {\n    updatePointsSettings(input: $input) {\n      settings {\n        expiryPolicy\n        expiryPeriod\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdatePointsSettings($input: UpdatePointsSettingsInput!) {\n    updatePointsSettings(input: $input) {\n      settings {\n        expiryPolicy\n        expiryPeriod\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookEndpointFields on WebhookEndpoint {\n    id\n    url\n    eventTypes\n    enabled\n    disabledReason\n    description\n    previousSecretExpiresAt\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment WebhookEndpointFields on WebhookEndpoint {\n    id\n    url\n    eventTypes\n    enabled\n    disabledReason\n    description\n    previousSecretExpiresAt\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookEndpoints {\n    webhookEndpoints {\n      ...WebhookEndpointFields\n    }\n  }\n"): (typeof documents)["\n  query WebhookEndpoints {\n    webhookEndpoints {\n      ...WebhookEndpointFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) {\n      ...WebhookEndpointFields\n    }\n  }\n"): (typeof documents)["\n  query WebhookEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) {\n      ...WebhookEndpointFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookEventTypes {\n    eventTypes {\n      type\n      version\n      description\n    }\n  }\n"): (typeof documents)["\n  query WebhookEventTypes {\n    eventTypes {\n      type\n      version\n      description\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(id: $id, input: $input) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(id: $id, input: $input) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateWebhookSecret($id: ID!) {\n    rotateWebhookSecret(id: $id) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateWebhookSecret($id: ID!) {\n    rotateWebhookSecret(id: $id) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableWebhookEndpoint($id: ID!) {\n    disableWebhookEndpoint(id: $id) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DisableWebhookEndpoint($id: ID!) {\n    disableWebhookEndpoint(id: $id) {\n      endpoint {\n        ...WebhookEndpointFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    id\n    eventId\n    endpointId\n    eventType\n    status\n    attempts\n    lastResponseStatus\n    nextAttemptAt\n    createdAt\n    payload\n    attemptLog {\n      attempt\n      startedAt\n      latencyMs\n      responseStatus\n      responseExcerpt\n      error\n    }\n  }\n"): (typeof documents)["\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    id\n    eventId\n    endpointId\n    eventType\n    status\n    attempts\n    lastResponseStatus\n    nextAttemptAt\n    createdAt\n    payload\n    attemptLog {\n      attempt\n      startedAt\n      latencyMs\n      responseStatus\n      responseExcerpt\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($endpointId: ID!, $first: Int, $after: String, $status: WebhookDeliveryStatus) {\n    webhookDeliveries(endpointId: $endpointId, first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...WebhookDeliveryFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($endpointId: ID!, $first: Int, $after: String, $status: WebhookDeliveryStatus) {\n    webhookDeliveries(endpointId: $endpointId, first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...WebhookDeliveryFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendTestWebhook($id: ID!) {\n    sendTestWebhook(id: $id) {\n      delivery {\n        ...WebhookDeliveryFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SendTestWebhook($id: ID!) {\n    sendTestWebhook(id: $id) {\n      delivery {\n        ...WebhookDeliveryFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReplayWebhookDelivery($id: ID!) {\n    replayWebhookDelivery(id: $id) {\n      delivery {\n        ...WebhookDeliveryFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReplayWebhookDelivery($id: ID!) {\n    replayWebhookDelivery(id: $id) {\n      delivery {\n        ...WebhookDeliveryFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReplayWebhookDeliveries($endpointId: ID!, $since: DateTime!, $status: WebhookDeliveryStatus) {\n    replayWebhookDeliveries(endpointId: $endpointId, since: $since, status: $status) {\n      count\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReplayWebhookDeliveries($endpointId: ID!, $since: DateTime!, $status: WebhookDeliveryStatus) {\n    replayWebhookDeliveries(endpointId: $endpointId, since: $since, status: $status) {\n      count\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      tenant {\n        id\n        slug\n        name\n        timezone\n        currency\n      }\n      staff {\n        id\n        email\n        name\n        role\n        mustChangePassword\n      }\n      permissions\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      tenant {\n        id\n        slug\n        name\n        timezone\n        currency\n      }\n      staff {\n        id\n        email\n        name\n        role\n        mustChangePassword\n      }\n      permissions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout {\n      ok\n      errors {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout {\n      ok\n      errors {\n        code\n        message\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;