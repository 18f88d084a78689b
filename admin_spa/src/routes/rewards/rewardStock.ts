/** At or below this many left, the catalogue flags a reward as running low. */
export const LOW_STOCK = 10;

export type StockLevel = 'unlimited' | 'out' | 'low' | 'ok';

/** How the catalogue shows a reward's stock (null: unlimited). */
export function stockLevel(stock: number | null | undefined): StockLevel {
  if (stock === null || stock === undefined) return 'unlimited';
  if (stock <= 0) return 'out';
  if (stock <= LOW_STOCK) return 'low';
  return 'ok';
}
