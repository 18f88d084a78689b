import type { MemberActivity, RfmClass } from '../../gql/graphql';
import type { Period } from './period';

/**
 * Links from a figure to the members behind it: the members list reads these search params
 * (activity with from/until, joinedFrom/joinedUntil, sourceChannel, tierId, withoutTier,
 * rfmClass, minPoints) as its filter.
 */
function membersPath(params: Record<string, string>): string {
  return `/members?${new URLSearchParams(params).toString()}`;
}

/** Members who joined in the period. */
export function joinedLink(period: Period): string {
  return membersPath({ joinedFrom: period.from, joinedUntil: period.until });
}

/** Members who did `kind` (ordered, ordered again, stopped ordering, redeemed a coupon) in the period. */
export function activityLink(kind: MemberActivity, period: Period): string {
  return membersPath({ activity: kind, from: period.from, until: period.until });
}

export function rfmLink(rfmClass: RfmClass): string {
  return membersPath({ rfmClass });
}

/** Members in a tier, or in none (`null`). */
export function tierLink(tierId: string | null): string {
  return membersPath(tierId === null ? { withoutTier: '1' } : { tierId });
}

/** Members from a channel (`null`: none recorded) who had joined by the period's end. */
export function channelLink(sourceChannel: string | null, until: string): string {
  return membersPath({ sourceChannel: sourceChannel ?? '', joinedUntil: until });
}

/** Members holding points: what the liability is owed to. */
export function pointsHoldersLink(): string {
  return membersPath({ minPoints: '1' });
}
