import type { TFunction } from 'i18next';
import { looseT } from '../i18n/codes';

type ReasonKey = 'order' | 'refund' | 'reward' | 'rewardCancelled' | 'merged' | 'below' | 'matured' | 'debt' | 'expired';

// The reasons the server writes itself on points entries and tier changes, in English. A reason
// staff typed matches none of them and is shown as typed.
const PATTERNS: readonly [RegExp, ReasonKey, (match: RegExpMatchArray) => Record<string, string>][] = [
  [/^refund of order (.+)$/, 'refund', (m) => ({ order: m[1] ?? '' })],
  [/^order (.+)$/, 'order', (m) => ({ order: m[1] ?? '' })],
  [/^cancelled reward (.+)$/, 'rewardCancelled', (m) => ({ reward: m[1] ?? '' })],
  [/^reward (.+)$/, 'reward', (m) => ({ reward: m[1] ?? '' })],
  [/^merged from [0-9a-f-]{36}$/i, 'merged', () => ({})],
  [/^below (.+) for (\d+) days$/, 'below', (m) => ({ tier: m[1] ?? '', days: m[2] ?? '' })],
  [/^points matured after the return window$/, 'matured', () => ({})],
  [/^repays points debt$/, 'debt', () => ({})],
  [/^points expired$/, 'expired', () => ({})],
];

/** A points entry's or tier change's reason in the UI's language. */
export function systemReasonText(reason: string, t: TFunction): string {
  for (const [pattern, key, values] of PATTERNS) {
    const match = reason.match(pattern);
    if (match) return looseT(t)(`enums.systemReasons.${key}`, values(match));
  }
  return reason;
}
