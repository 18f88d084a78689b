import { formatMoney } from '../../format/money';

/** Figures of the dashboard in the UI's language. */
export interface DashboardFormat {
  count: (value: number) => string;
  decimal: (value: number) => string;
  percent: (share: number) => string;
  money: (minorUnits: number) => string;
  /** A signed number: "+12.5%" / "−3%" (a real minus sign), from a relative change. */
  signedPercent: (change: number) => string;
  /** A signed number of percentage points, one decimal: "+1.2" / "−0.4". */
  signedPoints: (points: number) => string;
}

const MINUS = '\u2212';

function signed(text: string, value: number): string {
  if (value > 0) return `+${text}`;
  if (value < 0) return `${MINUS}${text}`;
  return text;
}

export function dashboardFormat(locale: string, currency: string): DashboardFormat {
  const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const points = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return {
    count: (value) => count.format(value),
    decimal: (value) => decimal.format(value),
    percent: (share) => percent.format(share),
    money: (minorUnits) => formatMoney(minorUnits, currency, locale),
    signedPercent: (change) => signed(percent.format(Math.abs(change)), change),
    signedPoints: (value) => signed(points.format(Math.abs(value)), Math.round(value * 10)),
  };
}
