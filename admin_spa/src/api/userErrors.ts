import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import type { CombinedError } from 'urql';
import i18n from '../i18n';
import { codeText } from '../i18n/codes';
import { isUnauthenticated } from './client';

/** The `UserError` shape every mutation payload carries in `errors`. */
export interface UserErrorLike {
  code: string;
  field?: readonly string[] | null;
  message: string;
}

function formPath(field: readonly string[] | null | undefined): string[] | null {
  if (!field || field.length === 0) return null;
  // Server paths start at the argument ("input", "phone"); form field names start below it.
  return field[0] === 'input' ? field.slice(1) : [...field];
}

/**
 * Puts each error next to the form item its `field` path names and returns the messages that
 * belong to no item (to show above the form).
 */
export function applyUserErrors(form: FormInstance, errors: readonly UserErrorLike[]): string[] {
  const registered = new Set(
    form.getFieldsError().map(({ name }) => JSON.stringify(name.map(String))),
  );
  const byField = new Map<string, { name: string[]; errors: string[] }>();
  const unplaced: string[] = [];
  for (const error of errors) {
    const path = formPath(error.field);
    const key = path && JSON.stringify(path);
    if (path && key && registered.has(key)) {
      const entry = byField.get(key) ?? { name: path, errors: [] };
      entry.errors.push(userErrorMessage(error));
      byField.set(key, entry);
    } else {
      unplaced.push(userErrorMessage(error));
    }
  }
  form.setFields([...byField.values()]);
  return unplaced;
}

const HAN = /[\u3400-\u9fff]/;

/**
 * What a `UserError` says, for people: the server's message, which comes in the UI's language,
 * or, when one is left in English (a plugin's, say) in the Chinese UI, what its code means.
 */
export function userErrorMessage(error: Pick<UserErrorLike, 'code' | 'message'>): string {
  const message = error.message.trim();
  const readable = message !== '' && (!i18n.language.startsWith('zh') || HAN.test(message));
  return readable ? message : codeText(i18n.t, 'errorCode', error.code);
}

/** Each error's words (see `userErrorMessage`). */
export function userErrorMessages(errors: readonly Pick<UserErrorLike, 'code' | 'message'>[]): string[] {
  return errors.map(userErrorMessage);
}

function responseOf(error: CombinedError): { status?: number; headers?: Headers } | undefined {
  return error.response as { status?: number; headers?: Headers } | undefined;
}

/** The id the server gave the request (the `X-Request-Id` header), to quote to support. */
export function requestIdOf(error: CombinedError): string | null {
  const headers = responseOf(error)?.headers;
  return (typeof headers?.get === 'function' && headers.get('x-request-id')) || null;
}

/**
 * A transport or GraphQL execution error in words for people: the session ended, the network is
 * down, or the server failed (with the request id to quote, when the answer carried one).
 */
export function describeError(error: CombinedError, t: TFunction): string {
  const status = responseOf(error)?.status;
  const requestId = requestIdOf(error);
  const quoted = (message: string) => (requestId ? t('errors.withRequestId', { message, id: requestId }) : message);
  if (isUnauthenticated(error)) return t('errors.sessionEnded');
  if (error.networkError) {
    // No answer at all: the connection, not the server.
    if (!status) return t('common.network');
    return quoted(status >= 500 ? t('errors.server') : t('errors.refused', { status }));
  }
  const first = error.graphQLErrors[0];
  const code = first?.extensions?.code;
  // A domain rule refused it: the server's message, in the caller's language.
  if (first && typeof code === 'string') return userErrorMessage({ code, message: first.message });
  // Rejected before running (the document or its variables): nothing the person typed is wrong.
  if (first && !first.path && (status === undefined || status < 500)) return quoted(t('errors.badRequest'));
  // Anything else was masked by the server ("Unexpected error.").
  return quoted(t('errors.server'));
}

// The fixed reasons the server gives when it refuses a credential (HTTP 401).
const AUTH_REASONS: Record<string, 'disabled' | 'passwordChanged' | 'expired' | 'revoked' | 'invalid'> = {
  'This staff account is disabled.': 'disabled',
  'The password changed: log in again.': 'passwordChanged',
  'The token has expired; log in again.': 'expired',
  'The token was revoked (logged out).': 'revoked',
  'Invalid token.': 'invalid',
};

/** Why the server ended the session, in the UI's language; null when it gave no reason. */
export function sessionEndedReason(reason: string | null, t: TFunction): string | null {
  if (!reason) return null;
  const known = AUTH_REASONS[reason.trim()];
  if (known) return t(`errors.auth.${known}`);
  return !i18n.language.startsWith('zh') || HAN.test(reason) ? reason : null;
}
