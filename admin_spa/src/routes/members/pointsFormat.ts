import type { PointsTransactionKind } from '../../gql/graphql';

export const POINTS_KINDS: readonly PointsTransactionKind[] = ['EARN', 'SPEND', 'EXPIRE', 'REVERSE', 'ADJUST'];

export const KIND_COLORS: Record<PointsTransactionKind, string> = {
  EARN: 'green',
  SPEND: 'blue',
  EXPIRE: 'orange',
  REVERSE: 'red',
  ADJUST: 'purple',
};

/** Points with an explicit sign: +120, −30 (a real minus sign), 0. */
export function signedPoints(points: number): string {
  if (points > 0) return `+${points.toLocaleString()}`;
  if (points < 0) return `\u2212${Math.abs(points).toLocaleString()}`;
  return '0';
}
