import type { TFunction } from 'i18next';
import { formatMoney } from '../../format/money';
import { systemReasonText } from '../../format/systemReason';
import { codeText, describeCode } from '../../i18n/codes';
import { auditFieldLabel } from './auditFormat';

/** Event families of the timeline, each with its own icon and colour. */
export type TimelineFamily = 'order' | 'points' | 'coupon' | 'tier' | 'member' | 'reward' | 'behaviour' | 'other';

export const FAMILY_COLORS: Record<TimelineFamily, string> = {
  order: '#1677ff',
  points: '#faad14',
  coupon: '#eb2f96',
  tier: '#722ed1',
  member: '#52c41a',
  reward: '#fa541c',
  behaviour: '#13c2c2',
  other: '#8c8c8c',
};

const FAMILIES: readonly TimelineFamily[] = ['order', 'points', 'coupon', 'tier', 'member', 'reward'];

export function timelineFamily(type: string, behaviour: boolean): TimelineFamily {
  if (behaviour || type.startsWith('event.')) return 'behaviour';
  const prefix = type.slice(0, type.indexOf('.'));
  return (FAMILIES as readonly string[]).includes(prefix) ? (prefix as TimelineFamily) : 'other';
}

// The catalogue's types (docs/events.md) with a label and a one-line summary of their data.
const KNOWN_TYPES = {
  'member.created': 'memberCreated',
  'member.updated': 'memberUpdated',
  'member.merged': 'memberMerged',
  'order.recorded': 'orderRecorded',
  'order.refunded': 'orderRefunded',
  'points.changed': 'pointsChanged',
  'coupon.issued': 'couponIssued',
  'coupon.redeemed': 'couponRedeemed',
  'coupon.voided': 'couponVoided',
  'tier.changed': 'tierChanged',
  'reward.redeemed': 'rewardRedeemed',
  'reward.cancelled': 'rewardCancelled',
} as const;

type KnownType = keyof typeof KNOWN_TYPES;

function isKnownType(type: string): type is KnownType {
  return Object.prototype.hasOwnProperty.call(KNOWN_TYPES, type);
}

/** A label for the type: translated when the catalogue has it, the behaviour's own name otherwise. */
export function timelineTitle(type: string, t: TFunction): string {
  if (isKnownType(type)) return t(`timeline.types.${KNOWN_TYPES[type]}`);
  if (type.startsWith('event.')) return type.slice('event.'.length);
  // A type newer than this console: the catalogue's name, else "other event" (the code goes below).
  return describeCode(t, 'eventType', type).label;
}

/** Whether the title says what the type is, or the type's code should be shown beside it. */
export function timelineTypeKnown(type: string, t: TFunction): boolean {
  return isKnownType(type) || type.startsWith('event.') || describeCode(t, 'eventType', type).known;
}

type Data = Record<string, unknown>;

function record(value: unknown): Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : {};
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value) || 0;
}

function signed(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}

/** One line about what the event's data says, or '' when there is nothing worth saying. */
export function timelineSummary(type: string, value: unknown, t: TFunction, currency: string, locale: string): string {
  const data = record(value);
  const money = (minor: unknown) => formatMoney(num(minor), currency, locale);
  switch (type) {
    case 'member.created':
      return data.sourceChannel
        ? t('timeline.summary.memberCreated', { channel: codeText(t, 'sourceChannel', text(data.sourceChannel)) })
        : '';
    case 'member.updated':
      return Array.isArray(data.changed)
        ? t('timeline.summary.memberUpdated', {
            fields: data.changed
              .map((field) => auditFieldLabel('member.update', [text(field)], t))
              .join(t('earningRules.listSeparator')),
          })
        : '';
    case 'member.merged':
      return t('timeline.summary.memberMerged', { points: num(data.pointsMoved) });
    case 'order.recorded':
      return t('timeline.summary.orderRecorded', {
        order: text(data.externalId),
        amount: money(data.amount),
        points: num(data.pointsEarned),
      });
    case 'order.refunded':
      return t('timeline.summary.orderRefunded', {
        order: text(data.externalId),
        amount: money(data.amount),
        points: num(data.pointsReversed),
      });
    case 'points.changed': {
      const kind = text(data.kind);
      const kindLabel = codeText(t, 'pointsKind', kind);
      const line = t('timeline.summary.pointsChanged', {
        points: signed(num(data.points)),
        kind: kindLabel,
        balance: num(data.balance),
      });
      return data.reason ? `${line} · ${systemReasonText(text(data.reason), t)}` : line;
    }
    case 'coupon.issued':
    case 'coupon.voided':
      return t('timeline.summary.coupon', { code: text(data.code) });
    case 'coupon.redeemed':
      return t('timeline.summary.couponRedeemed', { code: text(data.code), discount: money(data.discountAmount) });
    case 'tier.changed':
      return t('timeline.summary.tierChanged', {
        from: text(data.fromTier) || t('timeline.noTier'),
        to: text(data.toTier),
      });
    case 'reward.redeemed':
      return t('timeline.summary.rewardRedeemed', { reward: text(data.reward), points: num(data.points) });
    case 'reward.cancelled':
      return t('timeline.summary.rewardCancelled', { points: num(data.points) });
    default:
      return '';
  }
}

/** A behaviour event's properties as `key: value` pairs, in the order they came. */
export function behaviourProperties(value: unknown): [string, string][] {
  return Object.entries(record(record(value).properties)).map(([key, v]) => [key, text(v)]);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 minutes ago" / "3 分钟前" in the UI's language. */
export function relativeTime(value: string, locale: string, now: number = Date.now()): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const seconds = Math.round((date.getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      // Under ten seconds reads as "now" rather than a count that ticks away.
      if (unit === 'second' && Math.abs(seconds) < 10) return format.format(0, 'second');
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return value;
}
