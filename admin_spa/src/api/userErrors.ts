import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import type { CombinedError } from 'urql';

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
      entry.errors.push(error.message);
      byField.set(key, entry);
    } else {
      unplaced.push(error.message);
    }
  }
  form.setFields([...byField.values()]);
  return unplaced;
}

/** A readable message for a transport or GraphQL execution error. */
export function describeError(error: CombinedError, t: TFunction): string {
  if (error.networkError) return t('common.network');
  return error.graphQLErrors[0]?.message ?? t('common.unexpected');
}
