import dayjs, { type Dayjs } from 'dayjs';
import type { EarningRuleDraftInput, EarningRuleFieldsFragment } from '../../gql/graphql';
import { isMoneyParam, type RuleKind, type RuleParam } from './ruleFormat';

/** What the rule form holds; `params` by parameter name, in the form's own units (yuan, Dayjs). */
export interface RuleFormValues {
  kind?: string;
  name?: string;
  priority?: number | null;
  enabled?: boolean;
  params?: Record<string, unknown>;
}

function asNumber(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : null;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** A stored parameter (decimals as strings, money in fen, ISO times) as the form edits it. */
function paramToForm(kind: string, param: RuleParam, value: unknown): unknown {
  if (isEmpty(value)) return undefined;
  switch (param.type) {
    case 'decimal':
    case 'integer': {
      const number = asNumber(value);
      if (number === null) return undefined;
      return isMoneyParam(kind, param) ? number / 100 : number;
    }
    case 'strings':
      return Array.isArray(value) ? value.map(String) : [String(value)];
    case 'integers':
      return (Array.isArray(value) ? value : [value]).map((n) => asNumber(n) ?? n);
    case 'datetime': {
      const moment = typeof value === 'string' ? dayjs(value) : null;
      return moment?.isValid() ? moment : undefined;
    }
    default:
      return value;
  }
}

export function paramsToForm(kind: RuleKind | undefined, params: unknown): Record<string, unknown> {
  if (!kind || !params || typeof params !== 'object' || Array.isArray(params)) return {};
  const stored = params as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  for (const param of kind.params) {
    const value = paramToForm(kind.name, param, stored[param.name]);
    if (value !== undefined) values[param.name] = value;
  }
  return values;
}

/** One form value as the API takes it; unparseable input is passed on so the server names it. */
function paramFromForm(kind: string, param: RuleParam, value: unknown): unknown {
  switch (param.type) {
    case 'decimal':
    case 'integer': {
      const number = asNumber(value);
      if (number === null) return value;
      return isMoneyParam(kind, param) ? Math.round(number * 100) : number;
    }
    case 'strings':
      return (Array.isArray(value) ? value : [value]).map((s) => String(s).trim()).filter((s) => s !== '');
    case 'integers':
      return (Array.isArray(value) ? value : [value]).map((n) => asNumber(n) ?? n);
    case 'datetime':
      return dayjs.isDayjs(value) ? (value as Dayjs).format() : value;
    default:
      return value;
  }
}

/** The form's parameters as the API takes them; empty optional ones are left out. */
export function formToParams(kind: RuleKind, values: Record<string, unknown> | undefined): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const param of kind.params) {
    const raw = values?.[param.name];
    if (isEmpty(raw)) continue;
    const value = paramFromForm(kind.name, param, raw);
    if (!isEmpty(value)) params[param.name] = value;
  }
  return params;
}

/** Required parameters the form has no value for yet. */
export function missingRequired(kind: RuleKind, values: Record<string, unknown> | undefined): RuleParam[] {
  return kind.params.filter((param) => param.required && isEmpty(values?.[param.name]));
}

export function storedRuleDraft(rule: EarningRuleFieldsFragment): EarningRuleDraftInput {
  return { name: rule.name, kind: rule.kind, params: rule.params, priority: rule.priority, enabled: rule.enabled };
}
