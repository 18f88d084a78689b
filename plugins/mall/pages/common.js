// What the mall's admin pages share: days as the API writes them, money in yuan, errors in words.

// A moment's day as YYYY-MM-DD in the time zone `zone` (an IANA name: the tenant's, whose days
// the API counts in, whatever the browser's own zone is).
export function dayIn(date, zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

// The first day of this month and today in the tenant's time zone: the settlement's default range.
export function thisMonthSoFar(zone) {
  const today = dayIn(new Date(), zone);
  return [`${today.slice(0, 8)}01`, today];
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
