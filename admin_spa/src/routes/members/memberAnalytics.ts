import { graphql } from '../../gql';
import type { ChurnRiskLevel, RfmClass } from '../../gql/graphql';

/** The member's RFM as of today and the churn risk of the tenant's latest model. */
export const MemberAnalyticsQuery = graphql(`
  query MemberAnalytics($id: ID!) {
    member(id: $id) {
      id
      rfm {
        asOf
        orders
        purchaseDays
        firstOrderOn
        lastOrderOn
        recencyDays
        monetary
        rfmClass
      }
      churnRisk {
        risk
        level
        probabilityAlive
        repeatPurchaseDays
        daysSinceLastPurchase
        typicalDaysBetweenPurchases
        expectedPurchasesNext30Days
        modelAsOf
      }
    }
  }
`);

/** Where each of R, F and M stands against the mean over the tenant's buyers. */
export interface RfmHighs {
  recency: boolean;
  frequency: boolean;
  monetary: boolean;
}

/**
 * The class name encodes high or low for each dimension: 重要 is M high, 价值 and 发展 are R high
 * (bought recently), 价值 and 保持 are F high (bought on many days).
 */
export function rfmHighs(rfmClass: RfmClass): RfmHighs {
  const [weight, kind] = rfmClass.split('_');
  return {
    recency: kind === 'VALUE' || kind === 'DEVELOP',
    frequency: kind === 'VALUE' || kind === 'RETAIN',
    monetary: weight === 'IMPORTANT',
  };
}

const CLASS_COLORS: Record<RfmClass, string> = {
  IMPORTANT_VALUE: 'gold',
  IMPORTANT_DEVELOP: 'green',
  IMPORTANT_RETAIN: 'blue',
  IMPORTANT_WINBACK: 'volcano',
  GENERAL_VALUE: 'cyan',
  GENERAL_DEVELOP: 'lime',
  GENERAL_RETAIN: 'geekblue',
  GENERAL_WINBACK: 'default',
};

const LEVEL_COLORS: Record<ChurnRiskLevel, string> = { LOW: 'green', MEDIUM: 'orange', HIGH: 'red' };

/** An antd Tag colour per class: warm for the valuable ones, plain for general win-back. */
export function rfmClassColor(rfmClass: RfmClass): string {
  return CLASS_COLORS[rfmClass];
}

export function churnLevelColor(level: ChurnRiskLevel): string {
  return LEVEL_COLORS[level];
}

/** The members list, filtered to one RFM class. */
export function rfmClassListPath(rfmClass: RfmClass): string {
  return `/members?${new URLSearchParams({ rfmClass }).toString()}`;
}

/** Days ago in words: today and yesterday have words of their own. */
export type DaysAgo = { key: 'today' | 'yesterday' } | { key: 'daysAgo'; days: number };

export function daysAgo(days: number): DaysAgo {
  if (days <= 0) return { key: 'today' };
  if (days === 1) return { key: 'yesterday' };
  return { key: 'daysAgo', days };
}

/** A share of one as a whole percentage in the reader's language ("87%"). */
export function formatPercent(share: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** A count or a number of days, with at most one decimal ("12", "12.5", "0.3"). */
export function formatDecimal(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
}
