import type { TFunction } from 'i18next';
import { codeText, describeCode, hasLabel, looseT, type CodeKind } from '../../i18n/codes';
import { formatDateTime } from '../../format/dateTime';
import { systemReasonText } from '../../format/systemReason';
import { disabledReasonText } from '../webhooks/webhookFormat';

/** What an audit entry's values need to read well: the UI's words, money and the tenant's clock. */
export interface AuditFormatContext {
  t: TFunction;
  money: (fen: number) => string;
  timeZone: string;
  /** Names the entries refer to by id or key, when the page knows them. */
  tierName?: (id: string) => string | undefined;
  customFieldLabel?: (key: string) => string | undefined;
}

/** Who did it, as the audit log keeps it. */
export interface AuditActor {
  actorType: string;
  actorId?: string | null;
  actorLabel?: string | null;
}

// Fields whose values are codes of a kind, wherever they appear…
const VALUE_KINDS: Record<string, CodeKind> = {
  gender: 'gender',
  role: 'role',
  sourceChannel: 'sourceChannel',
  metric: 'tierMetric',
  window: 'tierWindow',
  scopes: 'permission',
  eventTypes: 'eventType',
};

// …and those whose meaning depends on what was done, by action or by its target ("coupon_template").
const ACTION_VALUE_KINDS: Record<string, Record<string, CodeKind>> = {
  coupon: { status: 'couponStatus' },
  coupon_template: { kind: 'couponKind', period: 'couponPeriod' },
  custom_field: { type: 'customFieldType' },
  earning_rule: { kind: 'earningRuleKind' },
  api_key: { kind: 'apiKeyKind' },
  'points.expiry_policy': { policy: 'expiryPolicy' },
  'tiers.downgrade_policy': { policy: 'downgradePolicy' },
  'webhook_delivery.replay_since': { status: 'deliveryStatus' },
};

const MONEY_FIELDS = new Set(['amount', 'amountOff', 'maxDiscount', 'minSpend', 'budget']);
// Lists of member fields by key: the phone, or the tenant's custom fields.
const FIELD_LISTS = new Set(['fields', 'customFields', 'customFieldsChanged']);
const TIME_FIELDS = new Set(['since', 'expiresAt', 'validFrom', 'validUntil', 'startsAt', 'endsAt']);

/** Audit snapshots mostly use camelCase; a few settings keep the column's snake_case. */
function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function target(action: string): string {
  return action.split('.')[0] ?? action;
}

function valueKind(action: string, field: string): CodeKind | undefined {
  return ACTION_VALUE_KINDS[action]?.[field] ?? ACTION_VALUE_KINDS[target(action)]?.[field] ?? VALUE_KINDS[field];
}

/** "姓名", or "保留的会员 · 姓名" for a nested field; a field the catalogue lacks reads generically. */
export function auditFieldLabel(action: string, path: readonly string[], t: TFunction): string {
  return path
    .map((segment) => {
      const field = camel(segment);
      const specific = `audit.fieldsFor.${target(action)}.${field}`;
      return hasLabel(specific) ? looseT(t)(specific) : codeText(t, 'auditField', field);
    })
    .join(' · ');
}

/** One stored value, readable: labels for codes, money, the tenant's time, 是/否, lists joined. */
export function auditValueText(action: string, path: readonly string[], value: unknown, ctx: AuditFormatContext): string {
  const { t } = ctx;
  const field = camel(path[path.length - 1] ?? '');
  if (value === null || value === undefined || value === '') return t('audit.nothing');
  if (Array.isArray(value)) {
    return value.length === 0
      ? t('audit.nothing')
      : value.map((item) => auditValueText(action, path, item, ctx)).join(t('earningRules.listSeparator'));
  }
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'number') return MONEY_FIELDS.has(field) ? ctx.money(value) : value.toLocaleString();
  if (typeof value === 'string') {
    if (FIELD_LISTS.has(field)) {
      return value === 'phone' ? t('members.fields.phone') : (ctx.customFieldLabel?.(value) ?? value);
    }
    if (field === 'tierId') return ctx.tierName?.(value) ?? value;
    const kind = valueKind(action, field);
    if (kind) return codeText(t, kind, value);
    if (TIME_FIELDS.has(field)) return formatDateTime(value, ctx.timeZone);
    if (field === 'reason' && action === 'webhook_endpoint.disable') return disabledReasonText(value, t);
    if (field === 'reason') return systemReasonText(value, t);
    return value;
  }
  return JSON.stringify(value);
}

/** The action, in words. */
export function auditActionText(action: string, t: TFunction): string {
  return describeCode(t, 'auditAction', action).label;
}

/** Staff by their login, an API key by its name, the member themself, or the system. */
export function auditActorText(entry: AuditActor, t: TFunction): string {
  const label = entry.actorLabel ?? '';
  switch (entry.actorType) {
    case 'staff':
      return label || t('audit.actors.staff');
    case 'api_key':
      return label ? t('audit.apiKeyActor', { name: label }) : t('audit.actors.api_key');
    case 'member':
    case 'system':
      return t(`audit.actors.${entry.actorType}`);
    default:
      return codeText(t, 'actor', entry.actorType);
  }
}
