// RFC 3339 date-times, as the API accepts them: a real calendar date and time with an offset,
// years 1970-9999. `new Date()` alone accepts `2030-02-30` (as March 2) and much else.

const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

export const MIN_YEAR = 1970;
export const MAX_YEAR = 9999;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The instant a text names, or why it is not an RFC 3339 date-time we accept. */
export function parseDateTime(text: string): { ok: true; date: Date } | { ok: false; message: string } {
  const match = RFC_3339.exec(text);
  if (!match) return { ok: false, message: 'must be an RFC 3339 date-time, e.g. 2026-11-23T10:00:00Z' };
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < MIN_YEAR || year > MAX_YEAR) return { ok: false, message: `must be in the years ${MIN_YEAR}-${MAX_YEAR}` };
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { ok: false, message: 'must be a real calendar date' };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: 'must be a real time of day' };
  if (match[9] !== undefined && (Number(match[9]) > 23 || Number(match[10]) > 59)) return { ok: false, message: 'must have a valid offset' };
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return { ok: false, message: 'must be a valid date-time' };
  return { ok: true, date };
}
