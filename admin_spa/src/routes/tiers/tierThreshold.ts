import type { TFunction } from 'i18next';
import type { TierMetric } from '../../gql/graphql';
import { formatMoney } from '../../format/money';

export const TIER_METRICS: readonly TierMetric[] = ['POINTS_EARNED', 'SPEND', 'ORDER_COUNT'];

/** SPEND thresholds are stored in fen; the form edits them in yuan. */
export function thresholdToForm(metric: TierMetric, threshold: number): number {
  return metric === 'SPEND' ? threshold / 100 : threshold;
}

export function thresholdFromForm(metric: TierMetric, value: number): number {
  return metric === 'SPEND' ? Math.round(value * 100) : Math.round(value);
}

export function formatThreshold(
  metric: TierMetric,
  threshold: number,
  currency: string,
  locale: string,
  t: TFunction,
): string {
  if (metric === 'SPEND') return formatMoney(threshold, currency, locale);
  if (metric === 'ORDER_COUNT') return t('tiers.thresholdOrders', { count: threshold });
  return t('tiers.thresholdPoints', { count: threshold });
}
