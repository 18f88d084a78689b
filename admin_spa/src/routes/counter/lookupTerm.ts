import type { CounterLookupQuery, CounterLookupQueryVariables } from '../../gql/graphql';
import { normalizeCode } from '../coupons/couponFormat';

/** A member as a lookup finds it: enough to choose between several. */
export type MemberSummary = NonNullable<CounterLookupQuery['byExternalId']>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A phone number as typed: digits, with an optional leading + and separators. */
export function phoneOf(term: string): string | null {
  const compact = term.replace(/[\s()-]/g, '');
  return /^\+?\d{7,15}$/.test(compact) ? compact : null;
}

/** A member code (会员码) as the member's app shows it: 18 digits starting with 66. */
export function memberCodeOf(term: string): string | null {
  const compact = term.replace(/\s/g, '');
  return /^66\d{16}$/.test(compact) ? compact : null;
}

/** The lookup's variables: every kind of identifier the term could be, asked together. */
export function lookupVariables(term: string): CounterLookupQueryVariables {
  const phone = phoneOf(term);
  const code = normalizeCode(term);
  const withId = UUID.test(term);
  const memberCode = memberCodeOf(term);
  return {
    term,
    id: withId ? term : null,
    phone,
    code,
    withId,
    withPhone: phone !== null,
    withCode: /^[A-Z0-9]{4,64}$/.test(code),
    memberCode,
    withMemberCode: memberCode !== null,
  };
}

/** A coupon the scanned code named, and whose it is (nobody's for codes not yet issued). */
export interface ScannedCoupon {
  code: string;
  status: string;
  member: MemberSummary | null;
}

export interface LookupAnswer {
  /** Members an identifier names exactly (member code, id, phone, card number, coupon), each once. */
  exact: MemberSummary[];
  /** Members whose name, phone or card number contains the term, when nothing matched exactly. */
  similar: MemberSummary[];
  coupon: ScannedCoupon | null;
}

export function lookupAnswer(data: CounterLookupQuery): LookupAnswer {
  const exact: MemberSummary[] = [];
  const add = (member: MemberSummary | null | undefined) => {
    if (member && !exact.some((m) => m.id === member.id)) exact.push(member);
  };
  // A scanned coupon first: its member is who the clerk is serving.
  add(data.byCoupon?.member);
  add(data.byMemberCode);
  add(data.byId);
  add(data.byPhone);
  add(data.byExternalId);
  const similar = exact.length > 0 ? [] : data.members.edges.map((edge) => edge.node);
  const coupon = data.byCoupon
    ? { code: data.byCoupon.code, status: data.byCoupon.status, member: data.byCoupon.member ?? null }
    : null;
  return { exact, similar, coupon };
}

/** The one member the answer names, when it names exactly one: Enter opens it at once. */
export function singleMatch(answer: LookupAnswer): MemberSummary | null {
  if (answer.exact.length === 1) return answer.exact[0] ?? null;
  if (answer.exact.length === 0 && answer.similar.length === 1) return answer.similar[0] ?? null;
  return null;
}
