import { Alert, Button, Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { MemberActivity, MemberFilter, RfmClass } from '../../gql/graphql';

/**
 * The drill-down a dashboard figure links to: the members list reads these search params
 * (activity with from/until, joinedFrom/joinedUntil, sourceChannel, tierId, withoutTier=1,
 * rfmClass, minPoints) as a filter on top of its own search and filters.
 */
export const DRILL_DOWN_PARAMS = [
  'activity',
  'from',
  'until',
  'joinedFrom',
  'joinedUntil',
  'sourceChannel',
  'tierId',
  'withoutTier',
  'rfmClass',
  'minPoints',
] as const;

const ACTIVITIES: readonly MemberActivity[] = ['ACTIVE', 'REPURCHASED', 'CHURNED', 'REDEEMED_COUPON'];
const RFM_CLASSES: readonly RfmClass[] = [
  'IMPORTANT_VALUE',
  'IMPORTANT_DEVELOP',
  'IMPORTANT_RETAIN',
  'IMPORTANT_WINBACK',
  'GENERAL_VALUE',
  'GENERAL_DEVELOP',
  'GENERAL_RETAIN',
  'GENERAL_WINBACK',
];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface DrillDown {
  activity?: { kind: MemberActivity; from: string; until: string };
  joinedFrom?: string;
  joinedUntil?: string;
  /** `''`: members with no channel recorded. */
  sourceChannel?: string;
  tierId?: string;
  withoutTier?: boolean;
  rfmClass?: RfmClass;
  minPoints?: number;
}

function day(value: string | null): string | undefined {
  return value && DAY.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

/** The drill-down the URL asks for; a malformed part is left out rather than guessed. */
export function readDrillDown(params: URLSearchParams): DrillDown {
  const drill: DrillDown = {};
  const kind = params.get('activity') as MemberActivity | null;
  const from = day(params.get('from'));
  const until = day(params.get('until'));
  if (kind && ACTIVITIES.includes(kind) && from && until) drill.activity = { kind, from, until };
  const joinedFrom = day(params.get('joinedFrom'));
  if (joinedFrom) drill.joinedFrom = joinedFrom;
  const joinedUntil = day(params.get('joinedUntil'));
  if (joinedUntil) drill.joinedUntil = joinedUntil;
  const channel = params.get('sourceChannel');
  if (channel !== null) drill.sourceChannel = channel.trim();
  const tierId = params.get('tierId')?.trim();
  if (tierId) drill.tierId = tierId;
  if (params.get('withoutTier') === '1') drill.withoutTier = true;
  const rfmClass = params.get('rfmClass') as RfmClass | null;
  if (rfmClass && RFM_CLASSES.includes(rfmClass)) drill.rfmClass = rfmClass;
  const minPoints = params.get('minPoints');
  if (minPoints && /^-?\d+$/.test(minPoints)) drill.minPoints = Number(minPoints);
  return drill;
}

export function hasDrillDown(drill: DrillDown): boolean {
  return Object.keys(drill).length > 0;
}

/** The drill-down as the members query's filter fields. */
export function drillDownFilter(drill: DrillDown): MemberFilter {
  const filter: MemberFilter = {};
  if (drill.activity) filter.activity = { ...drill.activity };
  if (drill.joinedFrom) filter.joinedFrom = drill.joinedFrom;
  if (drill.joinedUntil) filter.joinedUntil = drill.joinedUntil;
  if (drill.sourceChannel !== undefined) filter.sourceChannel = drill.sourceChannel;
  if (drill.tierId) filter.tierId = drill.tierId;
  if (drill.withoutTier) filter.withoutTier = true;
  if (drill.rfmClass) filter.rfmClass = drill.rfmClass;
  if (drill.minPoints !== undefined) filter.minPoints = drill.minPoints;
  return filter;
}

/** The URL's search params without the drill-down (the page's other params stay). */
export function withoutDrillDown(params: URLSearchParams): URLSearchParams {
  const rest = new URLSearchParams(params);
  for (const name of DRILL_DOWN_PARAMS) rest.delete(name);
  return rest;
}

/** Each part of the drill-down in plain words, e.g. 「2026-01-01 至 2026-03-31 有消费的会员」. */
export function describeDrillDown(drill: DrillDown, t: TFunction, tierName?: string): string[] {
  const parts: string[] = [];
  if (drill.activity) {
    const { kind, from, until } = drill.activity;
    parts.push(t(`memberList.drillDown.activity.${kind}`, { from, until }));
  }
  if (drill.joinedFrom && drill.joinedUntil) {
    parts.push(t('memberList.drillDown.joinedBetween', { from: drill.joinedFrom, until: drill.joinedUntil }));
  } else if (drill.joinedFrom) {
    parts.push(t('memberList.drillDown.joinedFrom', { from: drill.joinedFrom }));
  } else if (drill.joinedUntil) {
    parts.push(t('memberList.drillDown.joinedUntil', { until: drill.joinedUntil }));
  }
  if (drill.sourceChannel !== undefined) {
    parts.push(
      drill.sourceChannel
        ? t('memberList.drillDown.channel', { channel: drill.sourceChannel })
        : t('memberList.drillDown.noChannel'),
    );
  }
  if (drill.tierId) parts.push(t('memberList.drillDown.tier', { tier: tierName ?? t('memberList.drillDown.unknownTier') }));
  if (drill.withoutTier) parts.push(t('memberList.drillDown.withoutTier'));
  if (drill.rfmClass) parts.push(t(`memberList.drillDown.rfm.${drill.rfmClass}`));
  if (drill.minPoints !== undefined) parts.push(t('memberList.drillDown.minPoints', { points: drill.minPoints }));
  return parts;
}

interface AlertProps {
  drill: DrillDown;
  tierName?: string;
  totalCount?: number;
  onClear: () => void;
}

/** The active drill-down, in plain words with the number of members it lists; clearing it
 * shows every member again. */
export function MemberListFiltersAlert({ drill, tierName, totalCount, onClear }: AlertProps) {
  const { t } = useTranslation();
  const parts = describeDrillDown(drill, t, tierName);
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="member-drilldown"
      action={
        <Button size="small" type="link" onClick={onClear} data-testid="member-drilldown-clear">
          {t('memberList.drillDown.clear')}
        </Button>
      }
      message={
        <span>
          {t('memberList.drillDown.label')}
          {parts.map((part) => (
            <Tag key={part} color="blue" style={{ marginInlineStart: 8 }} data-testid="member-drilldown-part">
              {part}
            </Tag>
          ))}
          {totalCount !== undefined && (
            <span data-testid="member-drilldown-count">{t('memberList.drillDown.count', { count: totalCount })}</span>
          )}
        </span>
      }
    />
  );
}
