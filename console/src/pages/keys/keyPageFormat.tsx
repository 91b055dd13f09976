// Times and durations on the key's page: "in 3 days" for reading at a glance, the exact time
// (with its zone) next to it, and the ISO form in <time dateTime> for machines.

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "in 3 days", "2 hours ago", "now". */
export function relativeTime(when: Date, now: Date = new Date()): string {
  const diff = when.getTime() - now.getTime();
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'always' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(diff) >= size) return format.format(Math.trunc(diff / size), unit);
  }
  return 'now';
}

export function exactTime(when: Date): string {
  return when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });
}

/** A moment: "in 3 days (4 Dec 2026, 21:30:00 UTC)". */
export function When({ at, none = 'never' }: { at: Date | null | undefined; none?: string }) {
  if (!at) return <span className="muted">{none}</span>;
  return (
    <span>
      {relativeTime(at)} <time dateTime={at.toISOString()}>({exactTime(at)})</time>
    </span>
  );
}

/** 90 → "90 seconds", 86400 → "1 day", 5400 → "1 hour 30 minutes". */
export function duration(seconds: number): string {
  if (seconds <= 0) return '0 seconds';
  const parts: string[] = [];
  let left = seconds;
  for (const [name, size] of [['day', 86_400], ['hour', 3_600], ['minute', 60], ['second', 1]] as const) {
    const count = Math.floor(left / size);
    if (count > 0) parts.push(`${count} ${name}${count === 1 ? '' : 's'}`);
    left -= count * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** A whole number with the reader's digit grouping. */
export function count(n: number): string {
  return n.toLocaleString();
}
