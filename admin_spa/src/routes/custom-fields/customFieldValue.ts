import type { TFunction } from 'i18next';
import type { CustomFieldDefinitionFieldsFragment, CustomFieldType } from '../../gql/graphql';

export type CustomFieldDefinition = CustomFieldDefinitionFieldsFragment;

export const CUSTOM_FIELD_TYPES: readonly CustomFieldType[] = ['TEXT', 'NUMBER', 'DATE', 'ENUM', 'BOOL'];

/** A member's `customFields` JSON as a key → value record (anything else reads as empty). */
export function customFieldRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function sortDefinitions(definitions: readonly CustomFieldDefinition[]): CustomFieldDefinition[] {
  return [...definitions].sort((a, b) => a.position - b.position || a.key.localeCompare(b.key));
}

/** How a stored value reads on screen; masked PII values arrive as strings and show as they are. */
export function formatCustomFieldValue(definition: CustomFieldDefinition, value: unknown, t: TFunction): string {
  if (value === null || value === undefined || value === '') return t('common.empty');
  if (definition.type === 'BOOL' && typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** Whether two custom field values are the same (values are JSON scalars, arrays or objects). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
