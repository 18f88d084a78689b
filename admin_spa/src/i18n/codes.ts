import type { TFunction } from 'i18next';
import i18n, { noteMissingKey } from './index';

/**
 * Codes the server sends (audit actions, statuses, event types, scopes…) and the catalogue branch
 * that names each kind. A code the catalogue does not know yet is shown under the kind's generic
 * label, with the code beside it, and recorded as a missing key.
 */
const KINDS = {
  auditAction: { branch: 'audit.actions', generic: 'codes.generic.auditAction' },
  auditField: { branch: 'audit.fields', generic: 'codes.generic.auditField' },
  actor: { branch: 'audit.actors', generic: 'codes.generic.actor' },
  eventType: { branch: 'enums.eventTypes', generic: 'codes.generic.eventType' },
  permission: { branch: 'enums.permissions', generic: 'codes.generic.permission' },
  sourceChannel: { branch: 'enums.sourceChannels', generic: 'codes.generic.sourceChannel' },
  handler: { branch: 'enums.handlers', generic: 'codes.generic.handler' },
  errorCode: { branch: 'errors.codes', generic: 'codes.generic.errorCode' },
  orderStatus: { branch: 'orders.statuses', generic: 'codes.generic.status' },
  couponStatus: { branch: 'coupons.statuses', generic: 'codes.generic.status' },
  couponKind: { branch: 'coupons.kinds', generic: 'codes.generic.kind' },
  couponPeriod: { branch: 'coupons.periods', generic: 'codes.generic.kind' },
  batchStatus: { branch: 'coupons.batchStatuses', generic: 'codes.generic.status' },
  deliveryStatus: { branch: 'webhooks.deliveryStatuses', generic: 'codes.generic.status' },
  deadLetterStatus: { branch: 'deadLetters.statuses', generic: 'codes.generic.status' },
  earningRuleKind: { branch: 'earningRules.kinds', generic: 'codes.generic.kind' },
  tierMetric: { branch: 'tiers.metrics', generic: 'codes.generic.kind' },
  tierWindow: { branch: 'tiers.windows', generic: 'codes.generic.kind' },
  pointsKind: { branch: 'points.kinds', generic: 'codes.generic.kind' },
  expiryPolicy: { branch: 'pointsSettings.policies', generic: 'codes.generic.kind' },
  downgradePolicy: { branch: 'enums.downgradePolicies', generic: 'codes.generic.kind' },
  customFieldType: { branch: 'customFields.types', generic: 'codes.generic.kind' },
  role: { branch: 'staff.roles', generic: 'codes.generic.role' },
  gender: { branch: 'members.gender', generic: 'codes.generic.kind' },
  apiKeyKind: { branch: 'apiKeys.kinds', generic: 'codes.generic.kind' },
} as const;

export type CodeKind = keyof typeof KINDS;

/** What to show for a code: its label, and whether the catalogue knew it. */
export interface CodeText {
  code: string;
  label: string;
  known: boolean;
}

type LooseT = (key: string, options?: Record<string, unknown>) => string;

/** Catalogue keys built from server codes are not literal types; misses are caught at run time. */
export function looseT(t: TFunction): LooseT {
  return t as unknown as LooseT;
}

const SEGMENT = /^[A-Za-z0-9_*-]+$/;

/** The key path below the kind's branch, or null for a code that cannot name one. */
function keyPath(kind: CodeKind, code: string): string | null {
  let normalized = code.trim();
  if (kind === 'sourceChannel') normalized = normalized.toLowerCase().replace(/-/g, '_');
  if (kind === 'apiKeyKind') normalized = normalized.toUpperCase();
  // "members:read" lives at permissions.members.read: ':' separates namespaces in i18next.
  const segments = normalized.split(kind === 'permission' ? /[:.]/ : '.');
  return segments.length > 0 && segments.every((segment) => SEGMENT.test(segment)) ? segments.join('.') : null;
}

/** Whether the catalogue has a string (not a branch) at `key`, in the current language or the fallback. */
export function hasLabel(key: string): boolean {
  const languages = [i18n.language, ...[i18n.options.fallbackLng].flat().filter((l): l is string => typeof l === 'string')];
  return languages.some((language) => typeof i18n.getResource(language, 'translation', key) === 'string');
}

function behaviourName(kind: CodeKind, code: string): string | null {
  if (kind !== 'eventType' || !code.startsWith('event.') || code === 'event.*') return null;
  return code.slice('event.'.length);
}

export function describeCode(t: TFunction, kind: CodeKind, code: string): CodeText {
  const { branch, generic } = KINDS[kind];
  const lookup = looseT(t);
  // A behaviour event is named by the tenant ("event.product.viewed"): its name is data.
  const behaviour = behaviourName(kind, code);
  if (behaviour) return { code, label: lookup('enums.behaviourEvent', { name: behaviour }), known: true };
  // A channel is free text: one written in words ("抖音直播间") is already readable.
  if (kind === 'sourceChannel' && /[^\x20-\x7e]/.test(code)) return { code, label: code, known: true };
  const path = keyPath(kind, code);
  const key = path === null ? null : `${branch}.${path}`;
  if (key !== null && hasLabel(key)) return { code, label: lookup(key), known: true };
  noteMissingKey(key ?? `${branch}.${code}`);
  return { code, label: lookup(generic), known: false };
}

/** The label as plain text: a code the catalogue lacks is named generically, with the code after it. */
export function codeText(t: TFunction, kind: CodeKind, code: string): string {
  const { label, known } = describeCode(t, kind, code);
  return known ? label : looseT(t)('codes.withCode', { label, code });
}
