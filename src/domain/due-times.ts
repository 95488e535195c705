/**
 * Due-time arithmetic, in epoch milliseconds. Pure and dependency-free, so the booking
 * workflow (Temporal's deterministic sandbox) can import it.
 *
 * Hours are absolute durations: "24 h before" is 86 400 000 ms before, whatever the clocks do
 * (across a DST change the local wall-clock time of the due moment differs by an hour from the
 * exam's). Time zones only matter when a moment is displayed, never here.
 */

export const HOUR_MS = 3_600_000;

export function hoursToMs(hours: number): number {
  return hours * HOUR_MS;
}

/**
 * When the cancellation notice goes: when the notice window opens (startsAt − noticeHours), or
 * at once for a cancellation made inside the window.
 */
export function cancellationNoticeDueAt(startsAtMs: number, noticeHours: number, cancelledAtMs: number): number {
  return Math.max(cancelledAtMs, startsAtMs - hoursToMs(noticeHours));
}

/** A last-minute cancellation is one made at or after the moment the notice window opened. */
export function isLastMinuteCancellation(startsAtMs: number, noticeHours: number, cancelledAtMs: number): boolean {
  return cancelledAtMs >= startsAtMs - hoursToMs(noticeHours);
}

/** The payment reminder's nominal moment; whether it is owed, and when it goes, is the schedule's (booking-schedule.ts). */
export function paymentReminderDueAt(deadlineMs: number, hoursBefore: number): number {
  return deadlineMs - hoursToMs(hoursBefore);
}

// ---- ISO-8601 instants -------------------------------------------------------------------

// The calendar as regular expressions, for the pattern below.
const YEAR = '(19[7-9][0-9]|[2-9][0-9]{3})';
/** 1972–1996, then every fourth year but the centuries not divisible by 400 (2100, 2200, 2300…). */
const LEAP_YEAR = '(19(7[26]|8[048]|9[26])|[2-9][0-9]([02468][48]|[13579][26]|[2468]0)|([2468][048]|[3579][26])00)';
const MONTH_DAY = '((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))';
const TIME = '([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?';
const OFFSET = '(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)';

/**
 * The same rule as a JSON Schema `pattern` for the OpenAPI document, so that a client generating
 * requests from the document sends only instants this accepts (format date-time allows years
 * before 1970, lower-case t/z, :60 and 30 February, which isoInstantError refuses).
 * due-times.test.ts sweeps the calendar to keep the two in agreement.
 */
export const ISO_INSTANT_PATTERN = `^(${YEAR}-${MONTH_DAY}|${LEAP_YEAR}-02-29)T${TIME}${OFFSET}$`;

/**
 * An RFC 3339 date-time: date, `T`, time with minutes and optional seconds and fraction
 * (up to 9 digits), and a mandatory offset (`Z` or ±hh:mm, at most ±14:00: no time zone is
 * further from UTC, and PostgreSQL refuses offsets past ±15:59). Upper-case `T`/`Z` only. No
 * leap seconds (:60), no 24:00.
 */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * What is wrong with `value` as an instant, or null. Checks the calendar itself, because
 * `Date.parse` silently rolls 2026-02-30 over to 2 March.
 */
export function isoInstantError(value: string): string | null {
  const m = ISO_INSTANT.exec(value);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value)) {
      return 'must include a time zone offset (e.g. 2026-12-01T09:30:00+02:00 or …Z)';
    }
    return 'must be an ISO-8601 date-time with an offset, e.g. 2026-12-01T09:30:00+02:00';
  }
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number, number, number, number, number, number,
  ];
  if (year < 1970 || year > 9999) return 'year must be between 1970 and 9999';
  if (month < 1 || month > 12) return 'month must be 01–12';
  if (day < 1 || day > daysInMonth(year, month)) return `day ${m[3]} does not exist in ${m[1]}-${m[2]}`;
  if (hour > 23 || minute > 59 || second > 59) return 'time of day out of range';
  if (m[8] !== 'Z' && (Number(m[11]) > 59 || Number(m[10]) * 60 + Number(m[11]) > 14 * 60)) return 'time zone offset must be within ±14:00';
  if (Number.isNaN(Date.parse(value))) return 'not a valid date-time';
  return null;
}

/** Epoch milliseconds of a valid ISO instant; throws on anything `isoInstantError` refuses. */
export function parseInstant(iso: string): number {
  const error = isoInstantError(iso);
  if (error !== null) throw new RangeError(`invalid instant ${JSON.stringify(iso)}: ${error}`);
  return Date.parse(iso);
}

/** The canonical UTC form of an epoch-ms instant, e.g. for `dueAt` fields. */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
