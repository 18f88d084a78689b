// What the gym's admin pages share: idempotency keys, days as the API writes them, money in
// yuan, and an error in words.

export function newKey() {
  if (globalThis.crypto && globalThis.crypto.randomUUID) return globalThis.crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

// A day as YYYY-MM-DD in the browser's time zone (the front desk's, as a rule the tenant's).
export function isoDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function daysFromToday(days) {
  const date = new Date();
  date.setDate(date.getDate() + days);
  return isoDay(date);
}

// Fen as yuan with two decimals: 30000 -> "¥300.00".
export function yuan(fen) {
  return `¥${(Number(fen) / 100).toFixed(2)}`;
}

export function errorText(error) {
  return String((error && error.message) || error);
}

// The messages of a payload's errors, one line.
export function userErrorText(errors) {
  return errors.map((e) => e.message).join('；');
}
