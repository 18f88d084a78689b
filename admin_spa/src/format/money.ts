/** How many minor units make one major unit of a currency, as a power of ten (2 for CNY: fen). */
export function minorUnitDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Money arrives in integer minor units (fen); the currency decides how many digits that is. */
export function formatMoney(minorUnits: number, currency: string, locale: string): string {
  try {
    const formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
    return formatter.format(minorUnits / 10 ** digits);
  } catch {
    return `${(minorUnits / 100).toFixed(2)} ${currency}`;
  }
}

/** Forms edit yuan with two decimals; the API takes fen. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}
