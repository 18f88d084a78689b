import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { userErrorMessage, type UserErrorLike } from '../../api/userErrors';
import { pathLabels, type ConfigField, type FormPath } from './configSchema';

/**
 * Puts each of the server's errors at the form field its path names (`["config", "columns",
 * "1", "label"]`) and returns the rest, to show above the form: errors about the plugin itself,
 * and those about a part of the configuration that has no field of its own (a whole list, one of
 * its items), worded with the labels along the way ("Columns › 2: …"); and the first field it
 * placed one at, to scroll to.
 */
export function placeConfigErrors(
  form: FormInstance,
  fields: readonly ConfigField[],
  errors: readonly UserErrorLike[],
  t: TFunction,
): { unplaced: string[]; first: FormPath | null } {
  const registered = new Map<string, FormPath>(
    form.getFieldsError().map(({ name }) => [JSON.stringify(name.map(String)), name]),
  );
  const placed = new Map<string, { name: FormPath; errors: string[] }>();
  const unplaced: string[] = [];
  for (const error of errors) {
    const message = userErrorMessage(error);
    const field = error.field ?? [];
    if (field[0] !== 'config' || field.length < 2) {
      unplaced.push(message);
      continue;
    }
    const rest = field.slice(1);
    const key = JSON.stringify(rest);
    const name = registered.get(key);
    if (name) {
      const entry = placed.get(key) ?? { name, errors: [] };
      entry.errors.push(message);
      placed.set(key, entry);
      continue;
    }
    const where = pathLabels(fields, rest)
      .map((label) => (typeof label === 'number' ? t('plugins.form.itemNumber', { number: label }) : label))
      .join(' › ');
    unplaced.push(t('plugins.form.errorAt', { where, message }));
  }
  const fieldsWithErrors = [...placed.values()];
  form.setFields(fieldsWithErrors);
  return { unplaced, first: fieldsWithErrors[0]?.name ?? null };
}
