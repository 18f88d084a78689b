import type { Gender } from '../../gql/graphql';

export const GENDERS: readonly Gender[] = ['MALE', 'FEMALE', 'OTHER', 'UNKNOWN'];

/** Values of the create and edit forms; dates stay `YYYY-MM-DD` strings. */
export interface MemberFormValues {
  phone?: string;
  name?: string | null;
  gender?: Gender | null;
  birthday?: string | null;
  tags?: string[];
  customFields?: Record<string, unknown>;
}

export function trimmedOrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Custom field values the user actually filled in (empty inputs are left out). */
export function filledCustomFields(values: Record<string, unknown> | undefined): Record<string, unknown> {
  const filled: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    filled[key] = typeof value === 'string' ? value.trim() : value;
  }
  return filled;
}
