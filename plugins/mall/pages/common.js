// What the mall's admin pages share: days as the API writes them, money in yuan, errors in words.

// A day as YYYY-MM-DD in the browser's time zone (the mall office's, as a rule the tenant's).
export function isoDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

// The first day of this month and today: the settlement's default range.
export function thisMonthSoFar() {
  const today = new Date();
  return [isoDay(new Date(today.getFullYear(), today.getMonth(), 1)), isoDay(today)];
}

// Fen as yuan with two decimals: 12800 -> "¥128.00", -500 -> "-¥5.00".
export function yuan(fen) {
  const value = Number(fen) / 100;
  const text = `¥${Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return value < 0 ? `-${text}` : text;
}

export function errorText(error) {
  return String((error && error.message) || error);
}

// The messages of a payload's errors, one line.
export function userErrorText(errors) {
  return errors.map((e) => e.message).join('；');
}

// A payload error's field as the form knows it: the last part of its path (["input", "name"] -> "name").
export function fieldOf(error) {
  return error.field && error.field.length ? error.field[error.field.length - 1] : null;
}
