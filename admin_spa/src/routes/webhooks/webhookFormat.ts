import type { TFunction } from 'i18next';
import type { WebhookDeliveryStatus } from '../../gql/graphql';
import type { UserErrorLike } from '../../api/userErrors';

export const DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['PENDING', 'SUCCEEDED', 'FAILED'];

export const DELIVERY_STATUS_COLORS: Record<WebhookDeliveryStatus, string> = {
  PENDING: 'processing',
  SUCCEEDED: 'success',
  FAILED: 'error',
};

/**
 * What an endpoint may subscribe to: a type (`order.recorded`), a behaviour event
 * (`event.product.viewed`) or a family (`order.*`). The server decides which ones exist.
 */
const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?$/;

export function isEventTypePattern(value: string): boolean {
  return EVENT_TYPE_PATTERN.test(value);
}

/** `order.*` for every family of the catalogue, and `event.*` for every behaviour event. */
export function eventTypeFamilies(types: readonly string[]): string[] {
  const families = new Set<string>();
  for (const type of types) {
    const dot = type.indexOf('.');
    if (dot > 0) families.add(`${type.slice(0, dot)}.*`);
  }
  return [...families].sort();
}

// The server's reasons are fixed sentences; anything else is shown as it came.
const DISABLED_REASONS: Record<string, 'staff' | 'gone'> = {
  'disabled by staff': 'staff',
  'the receiver answered 410 Gone': 'gone',
};

export function disabledReasonText(reason: string | null | undefined, t: TFunction): string {
  if (!reason) return t('webhooks.disabledReasons.unknown');
  const known = DISABLED_REASONS[reason];
  return known ? t(`webhooks.disabledReasons.${known}`) : reason;
}

/**
 * An unknown type comes back on `["input", "eventTypes", "<index>"]`; the form has one item for
 * the whole list, so the error goes there.
 */
export function endpointFormErrors(errors: readonly UserErrorLike[]): UserErrorLike[] {
  return errors.map((error) =>
    error.field && error.field[0] === 'input' && error.field[1] === 'eventTypes' && error.field.length > 2
      ? { ...error, field: ['input', 'eventTypes'] }
      : error,
  );
}

/** The JSON a delivery carried, indented for reading. */
export function prettyJson(value: unknown): string {
  if (value === null || value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

const secondFormatters = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:mm:ss` in the tenant's zone: attempts of one delivery are seconds apart. */
export function formatDateTimeSeconds(value: string | null | undefined, timeZone: string): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  let formatter = secondFormatters.get(timeZone);
  if (!formatter) {
    const options: Intl.DateTimeFormatOptions = {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    };
    try {
      formatter = new Intl.DateTimeFormat('en-CA', { ...options, timeZone });
    } catch {
      formatter = new Intl.DateTimeFormat('en-CA', options);
    }
    secondFormatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(date).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Green for 2xx, orange for other answers, red for none. */
export function responseStatusColor(status: number | null | undefined): string {
  if (status === null || status === undefined) return 'red';
  return status >= 200 && status < 300 ? 'green' : 'orange';
}
