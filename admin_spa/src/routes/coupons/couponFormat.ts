import type { TFunction } from 'i18next';
import type { CouponBatchStatus, CouponKind, CouponPeriod, CouponStatus } from '../../gql/graphql';
import { formatDateTime } from '../../format/dateTime';
import { moneyFormatter } from '../../format/money';
import { codeText } from '../../i18n/codes';

export const COUPON_KINDS: readonly CouponKind[] = ['AMOUNT_OFF', 'PERCENT_OFF', 'GIFT'];
export const COUPON_PERIODS: readonly CouponPeriod[] = ['DAY', 'WEEK', 'MONTH'];
export const COUPON_STATUSES: readonly CouponStatus[] = ['ISSUED', 'REDEEMED', 'EXPIRED', 'VOIDED'];

export const KIND_COLORS: Record<CouponKind, string> = {
  AMOUNT_OFF: 'volcano',
  PERCENT_OFF: 'geekblue',
  GIFT: 'purple',
};

export const STATUS_COLORS: Record<CouponStatus, string> = {
  ISSUED: 'blue',
  REDEEMED: 'green',
  EXPIRED: 'default',
  VOIDED: 'red',
};

export const BATCH_STATUS_COLORS: Record<CouponBatchStatus, string> = {
  QUEUED: 'default',
  RUNNING: 'processing',
  DONE: 'success',
  FAILED: 'error',
};

/** Batches the worker has not finished yet: their page keeps polling. */
export function isBatchActive(status: CouponBatchStatus): boolean {
  return status === 'QUEUED' || status === 'RUNNING';
}

export function isCouponStatus(value: string): value is CouponStatus {
  return (COUPON_STATUSES as readonly string[]).includes(value);
}

/** Money is stored in fen; forms edit yuan with two decimals. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}

export function fenToYuan(fen: number): number {
  return fen / 100;
}

/** "¥100" for whole amounts and "¥99.50" otherwise: short enough for a coupon's face value. */
export function formatFaceMoney(fen: number, currency: string, locale: string): string {
  const whole = fen % 100 === 0;
  try {
    return moneyFormatter(currency, locale, {
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: whole ? 0 : 2,
    }).format(fen / 100);
  } catch {
    return `${(fen / 100).toFixed(whole ? 0 : 2)} ${currency}`;
  }
}

/** 15 (% off) → "85" (折); 10 → "9"; 50 → "5". */
export function zheOf(percentOff: number): string {
  if (!Number.isInteger(percentOff) || percentOff < 1 || percentOff > 100) return '—';
  const rest = 100 - percentOff;
  return rest % 10 === 0 ? String(rest / 10) : String(rest);
}

/** What a template's coupons give, the way a shopper reads it. */
export interface FaceValueFields {
  kind: CouponKind;
  amountOff?: number | null;
  percentOff?: number | null;
  maxDiscount?: number | null;
  minSpend?: number | null;
  giftSku?: string | null;
}

export function faceValue(template: FaceValueFields, t: TFunction, money: (fen: number) => string): string {
  const minSpend = template.minSpend ?? 0;
  switch (template.kind) {
    case 'AMOUNT_OFF': {
      const off = money(template.amountOff ?? 0);
      return minSpend > 0
        ? t('coupons.face.amountOffMin', { min: money(minSpend), off })
        : t('coupons.face.amountOff', { off });
    }
    case 'PERCENT_OFF': {
      const percent = template.percentOff ?? 0;
      const base =
        minSpend > 0
          ? t('coupons.face.percentOffMin', { min: money(minSpend), percent, zhe: zheOf(percent) })
          : t('coupons.face.percentOff', { percent, zhe: zheOf(percent) });
      return template.maxDiscount
        ? t('coupons.face.withCap', { base, cap: money(template.maxDiscount) })
        : base;
    }
    case 'GIFT': {
      const gift = t('coupons.face.gift', { sku: template.giftSku ?? '' });
      return minSpend > 0 ? t('coupons.face.giftMin', { gift, min: money(minSpend) }) : gift;
    }
    default:
      return codeText(t, 'couponKind', String(template.kind));
  }
}

export interface ValidityFields {
  validDays?: number | null;
  startDelayDays?: number | null;
  validFrom?: string | null;
  validUntil?: string | null;
}

export function validityText(template: ValidityFields, t: TFunction, timeZone: string): string {
  if (template.validDays) {
    const delay = template.startDelayDays ?? 0;
    return delay > 0
      ? t('coupons.validity.daysDelayed', { days: template.validDays, delay })
      : t('coupons.validity.days', { days: template.validDays });
  }
  if (template.validUntil) {
    const until = formatDateTime(template.validUntil, timeZone);
    return template.validFrom
      ? t('coupons.validity.window', { from: formatDateTime(template.validFrom, timeZone), until })
      : t('coupons.validity.until', { until });
  }
  return t('common.empty');
}

export interface LimitFields {
  perMemberLimit?: number | null;
  totalLimit?: number | null;
  period?: CouponPeriod | null;
  periodLimit?: number | null;
}

/** The issue limits, one phrase each; empty when there are none. */
export function limitTexts(template: LimitFields, t: TFunction): string[] {
  const texts: string[] = [];
  if (template.perMemberLimit) texts.push(t('coupons.limits.perMember', { count: template.perMemberLimit }));
  if (template.period && template.periodLimit) {
    texts.push(
      t('coupons.limits.perPeriod', { period: t(`coupons.periods.${template.period}`), count: template.periodLimit }),
    );
  }
  if (template.totalLimit) texts.push(t('coupons.limits.total', { count: template.totalLimit }));
  return texts;
}

/** What a person typed at the till, as the codes are stored (the server does the same). */
export function normalizeCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

/** Whether a typed campaign code is one the server takes: 4 to 32 letters and digits once normalized. */
export function isCampaignCode(typed: string): boolean {
  return /^[A-Z0-9]{4,32}$/.test(normalizeCode(typed));
}

export function templatePath(id: string): string {
  return `/coupons/${encodeURIComponent(id)}`;
}

/** Budget used as a percentage (0 to 100, one decimal); null without a budget. */
export function budgetPercent(template: { budget?: number | null; discountGiven: number }): number | null {
  if (!template.budget) return null;
  return Math.min(100, Math.round((template.discountGiven / template.budget) * 1000) / 10);
}
