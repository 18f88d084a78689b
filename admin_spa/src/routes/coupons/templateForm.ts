import dayjs, { type Dayjs } from 'dayjs';
import type {
  CouponKind,
  CouponPeriod,
  CouponTemplateFieldsFragment,
  CreateCouponTemplateInput,
  UpdateCouponTemplateInput,
} from '../../gql/graphql';
import { fenToYuan, normalizeCode, yuanToFen } from './couponFormat';

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

/**
 * What issued coupons read from their template when they are redeemed: the server lets these
 * change only while none has been issued.
 */
export const VALUE_FIELDS = [
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
] as const satisfies readonly TemplateField[];

export function isValueField(field: TemplateField): boolean {
  return (VALUE_FIELDS as readonly TemplateField[]).includes(field);
}

/** Whether a template's value fields are fixed because coupons of it have been issued. */
export function isValueLocked(template: Pick<CouponTemplateFieldsFragment, 'issuedCount'>): boolean {
  return template.issuedCount > 0;
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

/** The editor's values for a stored template: money back in yuan, times as dayjs. */
export function templateToForm(template: CouponTemplateFieldsFragment): TemplateFormValues {
  const yuan = (fen: number | null | undefined) => (typeof fen === 'number' ? fenToYuan(fen) : null);
  const days = template.validDays !== null && template.validDays !== undefined;
  return {
    name: template.name,
    kind: template.kind,
    amountOff: yuan(template.amountOff),
    percentOff: template.percentOff ?? null,
    maxDiscount: yuan(template.maxDiscount),
    minSpend: yuan(template.minSpend),
    giftSku: template.giftSku ?? '',
    skus: [...template.skus],
    categories: [...template.categories],
    stores: [...template.stores],
    excludedSkus: [...template.excludedSkus],
    excludedCategories: [...template.excludedCategories],
    validityMode: days ? 'DAYS' : 'WINDOW',
    // Switching a fixed window to days starts from the same defaults as a new template.
    validDays: template.validDays ?? INITIAL_TEMPLATE.validDays,
    startDelayDays: days ? template.startDelayDays : INITIAL_TEMPLATE.startDelayDays,
    validFrom: template.validFrom ? dayjs(template.validFrom) : null,
    validUntil: template.validUntil ? dayjs(template.validUntil) : null,
    perMemberLimit: template.perMemberLimit ?? null,
    totalLimit: template.totalLimit ?? null,
    period: template.period ?? null,
    periodLimit: template.periodLimit ?? null,
    budget: yuan(template.budget),
    stackable: template.stackable,
    priority: template.priority,
    maxPerOrder: template.maxPerOrder,
    codePrefix: template.codePrefix,
    codeLength: template.codeLength,
    publicCode: template.publicCode ?? '',
  };
}

type UpdateField = keyof UpdateCouponTemplateInput;

const UPDATE_FIELDS = TEMPLATE_FIELDS.filter((field): field is UpdateField & TemplateField => field !== 'kind');

function copyField<K extends UpdateField>(to: UpdateCouponTemplateInput, from: CreateCouponTemplateInput, field: K) {
  to[field] = from[field];
}

/**
 * The update for what the form changed compared with the stored template: both sides go
 * through `toTemplateInput`, so a field counts as changed only if it would be saved differently.
 * The kind never changes, and value fields are left out once coupons have been issued.
 */
export function changedTemplateInput(
  template: CouponTemplateFieldsFragment,
  values: TemplateFormValues,
): UpdateCouponTemplateInput {
  const before = toTemplateInput(templateToForm(template));
  const after = toTemplateInput({ ...values, kind: template.kind });
  const locked = isValueLocked(template);
  const input: UpdateCouponTemplateInput = {};
  for (const field of UPDATE_FIELDS) {
    if (locked && isValueField(field)) continue;
    if (JSON.stringify(after[field]) !== JSON.stringify(before[field])) copyField(input, after, field);
  }
  return input;
}
