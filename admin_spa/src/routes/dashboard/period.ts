import dayjs from 'dayjs';
import type { Granularity } from '../../gql/graphql';
import { formatDate } from '../../format/dateTime';

/** A period of local days in the tenant's time zone, `YYYY-MM-DD`, `until` inclusive. */
export interface Period {
  from: string;
  until: string;
}

export const PRESETS = ['last7', 'last30', 'last90', 'thisMonth', 'lastMonth', 'thisYear'] as const;
export type Preset = (typeof PRESETS)[number];
export const DEFAULT_PRESET: Preset = 'last30';

export const GRANULARITIES: readonly Granularity[] = ['DAY', 'WEEK', 'MONTH'];

/** The server draws a daily series over three years at most (MAX_DAILY_DAYS). */
export const MAX_DAILY_DAYS = 3 * 366;

const DAY_FORMAT = 'YYYY-MM-DD';
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `value` is a real calendar day written `YYYY-MM-DD` (not 2026-02-30). */
export function isDay(value: string | null | undefined): value is string {
  return !!value && DAY_PATTERN.test(value) && dayjs(value).format(DAY_FORMAT) === value;
}

// Days are handled as calendar dates: dayjs in the browser's zone only does the arithmetic.
function shift(day: string, days: number): string {
  return dayjs(day).add(days, 'day').format(DAY_FORMAT);
}

/** Today in the tenant's time zone, at `now` (the browser's clock, or a sandbox's test clock). */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return formatDate(now.toISOString(), timeZone);
}

/** The preset's days, ending today (this month, this year) or the month before. */
export function presetPeriod(preset: Preset, today: string): Period {
  const day = dayjs(today);
  switch (preset) {
    case 'last7':
      return { from: shift(today, -6), until: today };
    case 'last30':
      return { from: shift(today, -29), until: today };
    case 'last90':
      return { from: shift(today, -89), until: today };
    case 'thisMonth':
      return { from: day.startOf('month').format(DAY_FORMAT), until: today };
    case 'lastMonth': {
      const month = day.subtract(1, 'month');
      return { from: month.startOf('month').format(DAY_FORMAT), until: month.endOf('month').format(DAY_FORMAT) };
    }
    case 'thisYear':
      return { from: day.startOf('year').format(DAY_FORMAT), until: today };
  }
}

/** Which preset gives exactly this period today, or null for a custom one. */
export function presetOf(period: Period, today: string): Preset | null {
  return PRESETS.find((preset) => samePeriod(presetPeriod(preset, today), period)) ?? null;
}

export function samePeriod(a: Period, b: Period): boolean {
  return a.from === b.from && a.until === b.until;
}

/** How many days the period has (both ends counted). */
export function periodDays(period: Period): number {
  return dayjs(period.until).diff(dayjs(period.from), 'day') + 1;
}

/** The equally long period that ends the day before this one starts (what changes compare with). */
export function previousPeriod(period: Period): Period {
  const days = Math.max(periodDays(period), 1);
  const until = shift(period.from, -1);
  return { from: shift(until, -(days - 1)), until };
}

/**
 * The period in the URL (`?from=&until=`), kept as written when both are days so that the
 * server can say what is wrong with it; otherwise the default preset.
 */
export function periodFromParams(params: URLSearchParams, today: string): Period {
  const from = params.get('from');
  const until = params.get('until');
  if (isDay(from) && isDay(until)) return { from, until };
  return presetPeriod(DEFAULT_PRESET, today);
}

export function dailyAllowed(period: Period): boolean {
  return periodDays(period) <= MAX_DAILY_DAYS;
}

/** A readable number of buckets: days up to two months, weeks up to half a year, then months. */
export function defaultGranularity(period: Period): Granularity {
  const days = periodDays(period);
  if (days <= 62) return 'DAY';
  if (days <= 190) return 'WEEK';
  return 'MONTH';
}

export function isGranularity(value: string | null): value is Granularity {
  return value !== null && (GRANULARITIES as readonly string[]).includes(value);
}

/** The granularity in the URL when the period allows it, else the period's default. */
export function granularityFromParams(params: URLSearchParams, period: Period): Granularity {
  const value = params.get('granularity');
  if (isGranularity(value) && (value !== 'DAY' || dailyAllowed(period))) return value;
  return defaultGranularity(period);
}

/**
 * The days of the period a bucket covers: a bucket is named by its first day (a week from
 * Monday, a calendar month), which may lie before the period; only the period's days count.
 */
export function bucketPeriod(start: string, granularity: Granularity, period: Period): Period {
  const first = dayjs(start);
  let last = first;
  if (granularity === 'WEEK') last = first.add(6, 'day');
  if (granularity === 'MONTH') last = first.endOf('month');
  const from = first.format(DAY_FORMAT) < period.from ? period.from : first.format(DAY_FORMAT);
  const until = last.format(DAY_FORMAT) > period.until ? period.until : last.format(DAY_FORMAT);
  return { from, until };
}
