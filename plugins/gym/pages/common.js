// What the gym's admin pages share: idempotency keys, days as the API writes them, money in
// yuan, and an error in words.

export function newKey() {
  if (globalThis.crypto && globalThis.crypto.randomUUID) return globalThis.crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

// A moment's day as YYYY-MM-DD in the time zone `zone` (an IANA name: the gym's, whose days the
// API counts in, whatever the browser's own zone is).
export function dayIn(date, zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

// The day `days` after today in the time zone `zone`, as YYYY-MM-DD.
export function daysFromToday(days, zone) {
  const [year, month, day] = dayIn(new Date(), zone).split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
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
