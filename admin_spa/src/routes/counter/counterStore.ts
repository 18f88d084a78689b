/** The store a counter device last recorded a sale for: a tablet stays in one store. */
const STORE_KEY = 'membership.counter.store';

function rememberedStore(): string | null {
  try {
    return window.localStorage.getItem(STORE_KEY);
  } catch {
    return null;
  }
}

export function rememberStore(storeCode: string | null | undefined): void {
  try {
    if (storeCode) window.localStorage.setItem(STORE_KEY, storeCode);
  } catch {
    // A private window may refuse storage; the default store is then the first again.
  }
}

/**
 * The store a new sale starts with: the one this device used last when the clerk may still record
 * for it, else the clerk's first. `stores` empty: every store, so the last one typed (or none).
 */
export function defaultStore(stores: readonly string[] | null): string {
  if (stores === null) return '';
  const remembered = rememberedStore();
  if (stores.length === 0) return remembered ?? '';
  return remembered && stores.includes(remembered) ? remembered : (stores[0] ?? '');
}

/** The store a sale goes to: the clerk's choice while it is one of theirs, else the default. */
export function saleStore(choice: string | null, stores: readonly string[] | null, fallback: string): string {
  if (choice === null) return fallback;
  return stores === null || stores.length === 0 || stores.includes(choice) ? choice : fallback;
}
