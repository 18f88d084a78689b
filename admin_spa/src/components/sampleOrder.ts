import { yuanToFen } from '../format/money';
import type { OrderItemInput } from '../gql/graphql';

/** A line of the sample order as the form holds it. */
export interface SampleOrderLine {
  sku?: string;
  category?: string;
  quantity?: number | null;
  /** Yuan. */
  unitPrice?: number | null;
}

/** The sample order fields every live preview has, as the form holds them. */
export interface SampleOrderValues {
  /** Yuan. */
  amount?: number | null;
  storeCode?: string;
  items?: (SampleOrderLine | undefined)[];
}

/** The sample order as the preview mutations take it, in fen. */
export interface SampleOrderInput {
  amount: number;
  storeCode: string | null;
  items: OrderItemInput[] | null;
}

/** The sample order in fen; null until it has a positive amount. Lines without a SKU or price are left out. */
export function sampleOrderInput(values: SampleOrderValues): SampleOrderInput | null {
  if (typeof values.amount !== 'number' || values.amount <= 0) return null;
  const items = (values.items ?? [])
    .filter((line): line is SampleOrderLine => !!line && !!line.sku?.trim() && typeof line.unitPrice === 'number')
    .map((line) => ({
      sku: (line.sku ?? '').trim(),
      category: line.category?.trim() || null,
      quantity: typeof line.quantity === 'number' ? line.quantity : 1,
      unitPrice: yuanToFen(line.unitPrice ?? 0),
    }));
  return {
    amount: yuanToFen(values.amount),
    storeCode: values.storeCode?.trim() || null,
    items: items.length > 0 ? items : null,
  };
}
