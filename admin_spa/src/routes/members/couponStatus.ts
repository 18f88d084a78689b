import type { CouponStatus } from '../../gql/graphql';

export const COUPON_STATUSES: readonly CouponStatus[] = ['ISSUED', 'REDEEMED', 'EXPIRED', 'VOIDED'];

export const COUPON_STATUS_COLORS: Record<CouponStatus, string> = {
  ISSUED: 'green',
  REDEEMED: 'blue',
  EXPIRED: 'default',
  VOIDED: 'red',
};
