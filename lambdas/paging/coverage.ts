/**
 * On-call coverage in a team's IANA time zone: is an instant inside a coverage window, and when
 * does the next window open. Pure (the instant is a parameter); daylight-saving changes come from
 * the runtime's ICU data through `Intl.DateTimeFormat`, so no offsets are hard-coded.
 */
import type { CoverageWindow, Weekday } from '../../lib/config/schema';

const WEEKDAY_BY_SHORT: Readonly<Record<string, Weekday>> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};
const ORDER: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Wall-clock fields of an instant in a time zone. */
export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly weekday: Weekday;
  /** Minutes since local midnight, 0-1439. */
  readonly minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time of `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const weekday = WEEKDAY_BY_SHORT[parts.weekday ?? ''];
  if (!weekday) throw new Error(`cannot read the weekday of ${at.toISOString()} in ${timeZone}`);
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** `"09:30"` -> 570; `"24:00"` -> 1440. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function previousDay(day: Weekday): Weekday {
  return ORDER[(ORDER.indexOf(day) + 6) % 7] as Weekday;
}

/**
 * True when the local time falls in a window. A window whose end is before its start runs
 * overnight: `fri 22:00-06:00` covers Friday from 22:00 and Saturday until 06:00.
 */
export function inWindows(local: LocalTime, windows: readonly CoverageWindow[]): boolean {
  return windows.some((w) => {
    const start = minutesOf(w.start);
    const end = minutesOf(w.end);
    if (start < end)
      return w.days.includes(local.weekday) && local.minutes >= start && local.minutes < end;
    return (
      (w.days.includes(local.weekday) && local.minutes >= start) ||
      (w.days.includes(previousDay(local.weekday)) && local.minutes < end)
    );
  });
}

/** Offset of `timeZone` from UTC at `at`, in minutes (Berlin in summer: +120). */
function offsetMinutes(at: number, timeZone: string): number {
  const l = localTime(new Date(at), timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, 0, l.minutes);
  return Math.round((asUtc - Math.floor(at / 60_000) * 60_000) / 60_000);
}

/**
 * The instant at which a local wall-clock time occurs. A time skipped by a spring-forward change
 * (02:30 on the switch day) maps to the same distance after the jump (03:30); a time that occurs
 * twice on a fall-back day maps to its later occurrence.
 */
export function zonedInstant(
  year: number,
  month: number,
  day: number,
  minutes: number,
  timeZone: string,
): Date {
  const guess = Date.UTC(year, month - 1, day, 0, minutes);
  const first = guess - offsetMinutes(guess, timeZone) * 60_000;
  const second = guess - offsetMinutes(first, timeZone) * 60_000;
  // In a gap the two estimates disagree; the later one lies after the jump.
  return new Date(Math.max(first, second));
}

/** The next instant after `at` at which a coverage window opens, or undefined if none in 8 days. */
export function nextWindowOpening(
  at: Date,
  timeZone: string,
  windows: readonly CoverageWindow[],
): Date | undefined {
  const today = localTime(at, timeZone);
  let best: number | undefined;
  for (let offset = 0; offset <= 8; offset++) {
    // Calendar arithmetic on the local date; Date.UTC normalises month and year overflow.
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const weekday = ORDER[d.getUTCDay()] as Weekday;
    for (const w of windows) {
      if (!w.days.includes(weekday)) continue;
      const opens = zonedInstant(
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        minutesOf(w.start),
        timeZone,
      ).getTime();
      if (opens > at.getTime() && (best === undefined || opens < best)) best = opens;
    }
    // Later days cannot open earlier than a window found today.
    if (best !== undefined) break;
  }
  return best === undefined ? undefined : new Date(best);
}
