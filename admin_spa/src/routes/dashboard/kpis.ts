import type { DashboardOverviewFieldsFragment } from '../../gql/graphql';
import { activityLink, joinedLink, pointsHoldersLink } from './drilldown';
import type { Period } from './period';

export type KpiKey =
  | 'newMembers'
  | 'activeMembers'
  | 'orders'
  | 'revenue'
  | 'averageOrderValue'
  | 'itemsPerOrder'
  | 'repurchaseRate'
  | 'churnRate'
  | 'pointsLiability'
  | 'couponRedemptionRate';

/** How a figure is written: a count, money in minor units, a decimal, or a share (0–1). */
export type KpiKind = 'count' | 'money' | 'decimal' | 'rate';

export interface Kpi {
  key: KpiKey;
  kind: KpiKind;
  /** Which way is good news; `now` figures do not depend on the period and are not compared. */
  better: 'up' | 'down' | 'now';
  /** The members behind the figure. */
  link: (period: Period) => string;
}

/** The overview's cards, in reading order. */
export const KPIS: readonly Kpi[] = [
  { key: 'newMembers', kind: 'count', better: 'up', link: joinedLink },
  { key: 'activeMembers', kind: 'count', better: 'up', link: (p) => activityLink('ACTIVE', p) },
  { key: 'orders', kind: 'count', better: 'up', link: (p) => activityLink('ACTIVE', p) },
  { key: 'revenue', kind: 'money', better: 'up', link: (p) => activityLink('ACTIVE', p) },
  { key: 'averageOrderValue', kind: 'money', better: 'up', link: (p) => activityLink('ACTIVE', p) },
  { key: 'itemsPerOrder', kind: 'decimal', better: 'up', link: (p) => activityLink('ACTIVE', p) },
  { key: 'repurchaseRate', kind: 'rate', better: 'up', link: (p) => activityLink('REPURCHASED', p) },
  { key: 'churnRate', kind: 'rate', better: 'down', link: (p) => activityLink('CHURNED', p) },
  { key: 'pointsLiability', kind: 'money', better: 'now', link: () => pointsHoldersLink() },
  { key: 'couponRedemptionRate', kind: 'rate', better: 'up', link: (p) => activityLink('REDEEMED_COUPON', p) },
];

export function kpiValue(overview: DashboardOverviewFieldsFragment, key: KpiKey): number | null {
  return overview[key] ?? null;
}

/**
 * The change against the period before: relative for amounts and counts, in percentage points
 * for shares. `null`: nothing to compare (no figure, or a zero before for a relative change).
 */
export interface KpiChange {
  value: number | null;
  unit: 'relative' | 'points';
}

export function kpiChange(kind: KpiKind, current: number | null, previous: number | null): KpiChange {
  if (kind === 'rate') {
    return { value: current === null || previous === null ? null : (current - previous) * 100, unit: 'points' };
  }
  if (current === null || previous === null) return { value: null, unit: 'relative' };
  if (previous === 0) return { value: current === 0 ? 0 : null, unit: 'relative' };
  return { value: (current - previous) / previous, unit: 'relative' };
}

/** Whether the change is good (1), bad (-1) or neither (0) news. */
export function changeTone(kpi: Kpi, change: number | null): -1 | 0 | 1 {
  if (kpi.better === 'now' || change === null || Math.abs(change) < 1e-9) return 0;
  const up = change > 0;
  return (kpi.better === 'up') === up ? 1 : -1;
}
