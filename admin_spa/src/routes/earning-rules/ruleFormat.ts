import type { TFunction } from 'i18next';
import type { EarningRuleKindsQuery } from '../../gql/graphql';
import { formatDateTime } from '../../format/dateTime';
import { codeText } from '../../i18n/codes';

export type RuleKind = EarningRuleKindsQuery['earningRuleKinds'][number];
export type RuleParam = RuleKind['params'][number];

/** The kinds the platform ships; plugins may add others, shown by their own name. */
export const BUILTIN_KINDS = [
  'BASE_RATE',
  'TIER_MULTIPLIER',
  'MEMBER_DAY',
  'SKU_MULTIPLIER',
  'CATEGORY_MULTIPLIER',
  'STORE_MULTIPLIER',
  'CAMPAIGN',
  'MINIMUM_AMOUNT',
  'ORDER_CAP',
] as const;
export type BuiltinKind = (typeof BUILTIN_KINDS)[number];


export function isBuiltinKind(kind: string): kind is BuiltinKind {
  return (BUILTIN_KINDS as readonly string[]).includes(kind);
}

/** A built-in kind's name; a plugin's kind reads generically, with its code. */
export function kindLabel(kind: string, t: TFunction): string {
  return isBuiltinKind(kind) ? t(`earningRules.kinds.${kind}`) : codeText(t, 'earningRuleKind', kind);
}

export function kindHint(kind: RuleKind, t: TFunction): string {
  return isBuiltinKind(kind.name) ? t(`earningRules.kindHints.${kind.name}`) : kind.description;
}

export const KIND_COLORS: Record<string, string> = {
  BASE_RATE: 'blue',
  TIER_MULTIPLIER: 'gold',
  MEMBER_DAY: 'magenta',
  SKU_MULTIPLIER: 'cyan',
  CATEGORY_MULTIPLIER: 'geekblue',
  STORE_MULTIPLIER: 'purple',
  CAMPAIGN: 'volcano',
  MINIMUM_AMOUNT: 'orange',
  ORDER_CAP: 'red',
};

// Labels of the built-in kinds' parameters; a plugin's parameters show by name.
const PARAM_LABELS = {
  pointsPerYuan: 'earningRules.params.pointsPerYuan',
  stores: 'earningRules.params.stores',
  weekdays: 'earningRules.params.weekdays',
  monthDays: 'earningRules.params.monthDays',
  multiplier: 'earningRules.params.multiplier',
  skus: 'earningRules.params.skus',
  categories: 'earningRules.params.categories',
  startsAt: 'earningRules.params.startsAt',
  endsAt: 'earningRules.params.endsAt',
  'MINIMUM_AMOUNT.amount': 'earningRules.params.minimumAmount',
  'ORDER_CAP.points': 'earningRules.params.capPoints',
} as const;

const PARAM_HINTS = {
  pointsPerYuan: 'earningRules.paramHints.pointsPerYuan',
  stores: 'earningRules.paramHints.stores',
  weekdays: 'earningRules.paramHints.weekdays',
  monthDays: 'earningRules.paramHints.monthDays',
  multiplier: 'earningRules.paramHints.multiplier',
  skus: 'earningRules.paramHints.skus',
  categories: 'earningRules.paramHints.categories',
  startsAt: 'earningRules.paramHints.startsAt',
  endsAt: 'earningRules.paramHints.endsAt',
  'MINIMUM_AMOUNT.amount': 'earningRules.paramHints.minimumAmount',
  'ORDER_CAP.points': 'earningRules.paramHints.capPoints',
} as const;

function lookup<T extends Record<string, string>>(table: T, kind: string, name: string): T[keyof T] | null {
  if (!isBuiltinKind(kind)) return null;
  const specific = `${kind}.${name}`;
  if (specific in table) return table[specific as keyof T];
  if (name in table) return table[name as keyof T];
  return null;
}

export function paramLabel(kind: string, param: Pick<RuleParam, 'name'>, t: TFunction): string {
  const key = lookup(PARAM_LABELS, kind, param.name);
  return key ? t(key) : param.name;
}

export function paramHint(kind: string, param: Pick<RuleParam, 'name' | 'description'>, t: TFunction): string {
  const key = lookup(PARAM_HINTS, kind, param.name);
  return key ? t(key) : param.description;
}

/** Integer parameters that hold money in minor units (fen): edited in yuan, shown as money. */
export function isMoneyParam(kind: string, param: Pick<RuleParam, 'name' | 'type' | 'description'>): boolean {
  if (param.type !== 'integer') return false;
  if (kind === 'MINIMUM_AMOUNT' && param.name === 'amount') return true;
  return /minor units|\bfen\b/i.test(param.description);
}

export interface FormatContext {
  t: TFunction;
  money: (fen: number) => string;
  timeZone: string;
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const ISO_WEEKDAYS: readonly Weekday[] = WEEKDAYS;

function isWeekday(value: unknown): value is Weekday {
  return typeof value === 'number' && (WEEKDAYS as readonly number[]).includes(value);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function asNumber(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : null;
}

/** A stored or drafted parameter value, readable: ×3, ¥10.00, Mon, Wed, 2026-11-11 00:00. */
export function formatParamValue(kind: string, param: RuleParam, value: unknown, ctx: FormatContext): string {
  const { t } = ctx;
  const separator = t('earningRules.listSeparator');
  if (value === null || value === undefined) return t('common.empty');
  if (isMoneyParam(kind, param)) {
    const fen = asNumber(value);
    return fen === null ? String(value) : ctx.money(fen);
  }
  if (param.name === 'multiplier' && (param.type === 'decimal' || param.type === 'integer')) {
    return `×${trimDecimal(String(value))}`;
  }
  if (param.type === 'decimal' && typeof value === 'string') return trimDecimal(value);
  if (param.type === 'integers' && param.name === 'weekdays') {
    return asList(value)
      .map((day) => {
        const number = asNumber(day);
        return isWeekday(number) ? t(`earningRules.weekdays.${number}`) : String(day);
      })
      .join(separator);
  }
  if (param.type === 'datetime' && typeof value === 'string') {
    return formatDateTime(value, ctx.timeZone);
  }
  if (Array.isArray(value)) return value.map(String).join(separator);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One line per rule in the rules table: each parameter, labelled and readable. */
export function summarizeParams(
  kind: string,
  definition: RuleKind | undefined,
  params: unknown,
  ctx: FormatContext,
): string {
  if (!params || typeof params !== 'object' || Array.isArray(params)) return '';
  const values = params as Record<string, unknown>;
  const known: RuleParam[] =
    definition?.params ??
    Object.keys(values).map((name) => ({
      __typename: 'EarningRuleParam' as const,
      name,
      type: 'strings',
      description: '',
      required: false,
      minimum: null,
      maximum: null,
    }));
  return known
    .filter((param) => values[param.name] !== undefined && values[param.name] !== null)
    .map((param) =>
      ctx.t('earningRules.summaryItem', {
        label: paramLabel(kind, param, ctx.t),
        value: formatParamValue(kind, param, values[param.name], ctx),
      }),
    )
    .join(' · ');
}

export interface AppliedRuleLike {
  ruleId: string | null;
  name: string;
  kind: string;
  detail: unknown;
}

/** Built-in rules come back under fixed English names; they are shown in the UI language. */
export function appliedRuleName(rule: AppliedRuleLike, t: TFunction): string {
  if (rule.ruleId === null && rule.kind === 'BASE_RATE' && rule.name === 'Base rate') {
    return t('earningRules.builtin.BASE_RATE');
  }
  if (rule.ruleId === null && rule.kind === 'TIER_MULTIPLIER' && rule.name === 'Tier multiplier') {
    return t('earningRules.builtin.TIER_MULTIPLIER');
  }
  return rule.name;
}

function genericDetail(detail: Record<string, unknown>, ctx: FormatContext): string {
  return Object.entries(detail)
    .map(([key, value]) => {
      const shown = Array.isArray(value)
        ? value.map(String).join(ctx.t('earningRules.listSeparator'))
        : typeof value === 'object' && value !== null
          ? JSON.stringify(value)
          : String(value);
      return `${key}: ${shown}`;
    })
    .join(' · ');
}

/** What an applied rule did to the order, as a sentence: "TEA-1 ×3", "¥5.00 is below ¥10.00". */
export function describeApplied(rule: AppliedRuleLike, ctx: FormatContext): string {
  const { t } = ctx;
  const detail =
    rule.detail && typeof rule.detail === 'object' && !Array.isArray(rule.detail)
      ? (rule.detail as Record<string, unknown>)
      : {};
  const text = (key: string) => (detail[key] === undefined || detail[key] === null ? null : String(detail[key]));
  const fen = (key: string) => asNumber(detail[key]);
  const list = (key: string) =>
    Array.isArray(detail[key]) ? (detail[key] as unknown[]).map(String).join(t('earningRules.listSeparator')) : null;
  // Decimals come as the API writes them ("1.500"): shown without trailing zeros.
  const decimal = (key: string) => {
    const value = text(key);
    return value === null ? null : trimDecimal(value);
  };
  const multiplier = decimal('multiplier');

  switch (rule.kind) {
    case 'BASE_RATE': {
      const rate = decimal('pointsPerYuan');
      const cash = fen('cashFen');
      if (rate !== null && cash !== null) return t('earningRules.detail.BASE_RATE', { rate, cash: ctx.money(cash) });
      break;
    }
    case 'TIER_MULTIPLIER':
      if (multiplier !== null) return t('earningRules.detail.TIER_MULTIPLIER', { tier: text('tier') ?? '', multiplier });
      break;
    case 'MEMBER_DAY':
      if (multiplier !== null) return t('earningRules.detail.MEMBER_DAY', { date: text('localDate') ?? '', multiplier });
      break;
    case 'SKU_MULTIPLIER':
      if (multiplier !== null) return t('earningRules.detail.LINES', { values: list('skus') ?? '', multiplier });
      break;
    case 'CATEGORY_MULTIPLIER':
      if (multiplier !== null) return t('earningRules.detail.LINES', { values: list('categories') ?? '', multiplier });
      break;
    case 'STORE_MULTIPLIER':
      if (multiplier !== null) return t('earningRules.detail.STORE_MULTIPLIER', { store: text('store') ?? '', multiplier });
      break;
    case 'CAMPAIGN':
      if (multiplier !== null) return t('earningRules.detail.CAMPAIGN', { multiplier });
      break;
    case 'MINIMUM_AMOUNT': {
      const minimum = fen('minimumFen');
      const cash = fen('cashFen');
      if (minimum !== null && cash !== null) {
        return t('earningRules.detail.MINIMUM_AMOUNT', { cash: ctx.money(cash), minimum: ctx.money(minimum) });
      }
      break;
    }
    case 'ORDER_CAP': {
      const cap = fen('cap');
      if (cap !== null) return t('earningRules.detail.ORDER_CAP', { cap: cap.toLocaleString() });
      break;
    }
    default:
      break;
  }
  return genericDetail(detail, ctx);
}

/** A decimal as the API writes it ("123.4500000"), without trailing zeros. */
export function trimDecimal(value: string): string {
  if (/e/i.test(value) && Number.isFinite(Number(value))) return String(Number(value));
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
