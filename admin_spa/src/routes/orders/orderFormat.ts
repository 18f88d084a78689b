export const ORDER_STATUSES = ['COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const STATUS_COLORS: Record<OrderStatus, string> = {
  COMPLETED: 'green',
  PARTIALLY_REFUNDED: 'orange',
  REFUNDED: 'red',
};

/** The API answers status as a string; anything unknown is shown as it came. */
export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}

/** Money is stored in fen; forms edit yuan with two decimals. */
export function fenToYuan(fen: number): number {
  return fen / 100;
}

export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}

export function orderPath(externalId: string): string {
  return `/orders/${encodeURIComponent(externalId)}`;
}
