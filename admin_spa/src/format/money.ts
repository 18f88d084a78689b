/** How many minor units make one major unit of a currency, as a power of ten (2 for CNY: fen). */
export function minorUnitDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * A currency formatter showing the symbol people read (¥1,280.00), in every language: English
 * would otherwise write "CN¥" and some locales the ISO code.
 */
export function moneyFormatter(
  currency: string,
  locale: string,
  options: Omit<Intl.NumberFormatOptions, 'style' | 'currency' | 'currencyDisplay'> = {},
): Intl.NumberFormat {
  return new Intl.NumberFormat(locale, { ...options, style: 'currency', currency, currencyDisplay: 'narrowSymbol' });
}

/** Money arrives in integer minor units (fen); the currency decides how many digits that is. */
export function formatMoney(minorUnits: number, currency: string, locale: string): string {
  try {
    const formatter = moneyFormatter(currency, locale);
    const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
    return formatter.format(minorUnits / 10 ** digits);
  } catch {
    // An unknown currency code: the amount, then the code (never the case for CNY).
    return `${(minorUnits / 100).toFixed(2)} ${currency}`;
  }
}

/** Forms edit yuan with two decimals; the API takes fen. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}
