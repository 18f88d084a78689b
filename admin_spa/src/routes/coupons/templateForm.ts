import type { Dayjs } from 'dayjs';
import type { CouponKind, CouponPeriod, CreateCouponTemplateInput } from '../../gql/graphql';
import { normalizeCode, yuanToFen } from './couponFormat';

export type ValidityMode = 'DAYS' | 'WINDOW';

/** The fields of CreateCouponTemplateInput the editor has an input for. */
export const TEMPLATE_FIELDS = [
  'name',
  'kind',
  'amountOff',
  'percentOff',
  'maxDiscount',
  'minSpend',
  'giftSku',
  'skus',
  'categories',
  'stores',
  'excludedSkus',
  'excludedCategories',
  'validDays',
  'startDelayDays',
  'validFrom',
  'validUntil',
  'perMemberLimit',
  'totalLimit',
  'period',
  'periodLimit',
  'budget',
  'stackable',
  'priority',
  'maxPerOrder',
  'codePrefix',
  'codeLength',
  'publicCode',
] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

export function isTemplateField(value: string): value is TemplateField {
  return (TEMPLATE_FIELDS as readonly string[]).includes(value);
}

/** The editor's values: money in yuan, times as dayjs; `toTemplateInput` turns them into the API's. */
export interface TemplateFormValues {
  name?: string;
  kind?: CouponKind;
  amountOff?: number | null;
  percentOff?: number | null;
  maxDiscount?: number | null;
  minSpend?: number | null;
  giftSku?: string;
  skus?: string[];
  categories?: string[];
  stores?: string[];
  excludedSkus?: string[];
  excludedCategories?: string[];
  validityMode?: ValidityMode;
  validDays?: number | null;
  startDelayDays?: number | null;
  validFrom?: Dayjs | null;
  validUntil?: Dayjs | null;
  perMemberLimit?: number | null;
  totalLimit?: number | null;
  period?: CouponPeriod | null;
  periodLimit?: number | null;
  budget?: number | null;
  stackable?: boolean;
  priority?: number | null;
  maxPerOrder?: number | null;
  codePrefix?: string;
  codeLength?: number | null;
  /** As typed; sent normalized, or null when empty. */
  publicCode?: string;
}

export const INITIAL_TEMPLATE: TemplateFormValues = {
  name: '',
  kind: 'AMOUNT_OFF',
  validityMode: 'DAYS',
  validDays: 30,
  startDelayDays: 0,
  skus: [],
  categories: [],
  stores: [],
  excludedSkus: [],
  excludedCategories: [],
  stackable: false,
  priority: 0,
  maxPerOrder: 1,
  codePrefix: '',
  codeLength: 12,
  publicCode: '',
};

function num(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function fen(value: number | null | undefined): number | null {
  const yuan = num(value);
  return yuan === null ? null : yuanToFen(yuan);
}

function list(values: string[] | undefined): string[] | null {
  const cleaned = (values ?? []).map((v) => v.trim()).filter((v) => v.length > 0);
  return cleaned.length > 0 ? cleaned : null;
}

/**
 * The API's input for what the form holds, as it is (the server validates it and says what is
 * wrong); `fallbackName` stands in for an empty name so that a preview can run before one is typed.
 */
export function toTemplateInput(values: TemplateFormValues, fallbackName = ''): CreateCouponTemplateInput {
  // Only the chosen kind's own fields are sent: the API refuses the others'.
  const kind = values.kind ?? 'AMOUNT_OFF';
  const days = (values.validityMode ?? 'DAYS') === 'DAYS';
  const period = values.period ?? null;
  return {
    name: values.name?.trim() || fallbackName,
    kind,
    amountOff: kind === 'AMOUNT_OFF' ? fen(values.amountOff) : null,
    percentOff: kind === 'PERCENT_OFF' ? num(values.percentOff) : null,
    maxDiscount: kind === 'PERCENT_OFF' ? fen(values.maxDiscount) : null,
    giftSku: kind === 'GIFT' ? values.giftSku?.trim() || null : null,
    minSpend: fen(values.minSpend),
    validDays: days ? num(values.validDays) : null,
    startDelayDays: days && num(values.startDelayDays) ? num(values.startDelayDays) : null,
    validFrom: !days && values.validFrom ? values.validFrom.format() : null,
    validUntil: !days && values.validUntil ? values.validUntil.format() : null,
    skus: list(values.skus),
    categories: list(values.categories),
    stores: list(values.stores),
    excludedSkus: list(values.excludedSkus),
    excludedCategories: list(values.excludedCategories),
    perMemberLimit: num(values.perMemberLimit),
    totalLimit: num(values.totalLimit),
    period,
    periodLimit: num(values.periodLimit),
    budget: fen(values.budget),
    stackable: values.stackable ?? false,
    priority: num(values.priority) ?? 0,
    maxPerOrder: num(values.maxPerOrder) ?? 1,
    codePrefix: (values.codePrefix ?? '').trim().toUpperCase(),
    codeLength: num(values.codeLength) ?? 12,
    publicCode: normalizeCode(values.publicCode ?? '') || null,
  };
}
