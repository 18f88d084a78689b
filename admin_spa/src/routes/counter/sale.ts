import type { UserErrorLike } from '../../api/userErrors';
import { yuanToFen } from '../../format/money';
import type { OrderItemInput, PreviewOrderInput, RecordOrderInput } from '../../gql/graphql';

/** One item line as the clerk enters it. */
export interface SaleLine {
  key: number;
  sku: string;
  quantity: number | null;
  /** Yuan. */
  unitPrice: number | null;
}

/** The sale being entered, before it is recorded. */
export interface SaleDraft {
  /** Yuan, as typed. */
  amount: number | null;
  storeCode: string;
  lines: SaleLine[];
  /** Selected coupon codes, in the order they were tapped. */
  couponCodes: string[];
  points: number | null;
}

/** Lines with a SKU and a price; the others are still being typed and are left out. */
function sentLines(lines: readonly SaleLine[]): SaleLine[] {
  return lines.filter((line) => line.sku.trim() !== '' && typeof line.unitPrice === 'number');
}

function saleItems(lines: readonly SaleLine[]): OrderItemInput[] {
  return sentLines(lines).map((line) => ({
    sku: line.sku.trim(),
    quantity: typeof line.quantity === 'number' && line.quantity > 0 ? line.quantity : 1,
    unitPrice: yuanToFen(line.unitPrice ?? 0),
  }));
}

/** What the entered lines add up to, in fen. */
export function linesTotal(lines: readonly SaleLine[]): number {
  return saleItems(lines).reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
}

/** The sale as previewOrder takes it; null until it has a member and a positive amount. */
export function previewInput(memberId: string | null, sale: SaleDraft): PreviewOrderInput | null {
  if (!memberId || typeof sale.amount !== 'number' || sale.amount <= 0) return null;
  const items = saleItems(sale.lines);
  return {
    amount: yuanToFen(sale.amount),
    memberId,
    items: items.length > 0 ? items : null,
    storeCode: sale.storeCode.trim() || null,
    pointsToSpend: sale.points && sale.points > 0 ? sale.points : null,
    couponCodes: sale.couponCodes.length > 0 ? sale.couponCodes : null,
  };
}

/** The same sale as recordOrder takes it, under its order number. */
export function recordInput(externalId: string, preview: PreviewOrderInput): RecordOrderInput {
  return {
    externalId,
    memberId: preview.memberId ?? '',
    amount: preview.amount,
    items: preview.items,
    storeCode: preview.storeCode,
    couponCodes: preview.couponCodes,
    pointsToSpend: preview.pointsToSpend,
  };
}

const NUMBER_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A fresh order number for one sale, `POS-20260314-7KQ2XM`: the day in the tenant's time zone and
 * six random characters. Made once per sale, so that a retry after a lost answer records it once.
 */
export function newSaleNumber(timeZone: string, now: Date = new Date()): string {
  let day: string;
  try {
    day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .format(now)
      .replace(/-/g, '');
  } catch {
    day = now.toISOString().slice(0, 10).replace(/-/g, '');
  }
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  const suffix = Array.from(bytes, (b) => NUMBER_ALPHABET[b % NUMBER_ALPHABET.length]).join('');
  return `POS-${day}-${suffix}`;
}

/** Errors of a sale sorted by the part of the screen they belong to. */
export interface SaleErrors {
  amount: string[];
  storeCode: string[];
  points: string[];
  /** By coupon code. */
  coupons: Map<string, string[]>;
  /** By line position. */
  lines: Map<number, string[]>;
  /** Everything else (the member, the order number, a coupon code that is not in the selection). */
  other: string[];
}

function push<K>(map: Map<K, string[]>, key: K, message: string): void {
  map.set(key, [...(map.get(key) ?? []), message]);
}

/**
 * Puts each error by the input its `field` names (`["input", "couponCodes", "1"]` → the second
 * selected coupon). `codes` and `itemLines` are the codes and the lines as they were sent.
 */
export function saleErrors(
  errors: readonly UserErrorLike[],
  codes: readonly string[],
  itemLines: readonly number[],
): SaleErrors {
  const sorted: SaleErrors = {
    amount: [],
    storeCode: [],
    points: [],
    coupons: new Map(),
    lines: new Map(),
    other: [],
  };
  for (const error of errors) {
    const field = error.field ?? [];
    const path = field[0] === 'input' ? field.slice(1) : field;
    const index = path[1] === undefined ? NaN : Number(path[1]);
    if (path[0] === 'amount') sorted.amount.push(error.message);
    else if (path[0] === 'storeCode') sorted.storeCode.push(error.message);
    else if (path[0] === 'pointsToSpend') sorted.points.push(error.message);
    else if (path[0] === 'couponCodes' && codes[index] !== undefined) push(sorted.coupons, codes[index], error.message);
    else if (path[0] === 'items' && itemLines[index] !== undefined) push(sorted.lines, itemLines[index], error.message);
    else sorted.other.push(error.message);
  }
  return sorted;
}

/** The keys of the lines `saleItems` sends, in the order it sends them. */
export function sentLineKeys(lines: readonly SaleLine[]): number[] {
  return sentLines(lines).map((line) => line.key);
}

/**
 * A phone as the counter shows it: without the +86 of mainland numbers and with the middle four
 * digits hidden, whatever the viewer may see elsewhere (the screen may face the customer).
 */
export function counterPhone(phone: string): string {
  const local = phone.startsWith('+86') ? phone.slice(3) : phone;
  if (/^\d{11}$/.test(local)) return `${local.slice(0, 3)}****${local.slice(7)}`;
  return local;
}
