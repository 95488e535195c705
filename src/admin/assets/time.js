// @ts-check
/**
 * Times on the admin page, in the institution's time zone (not the browser's), with the zone
 * named: "2 dec. 2026, 14:30 (Europe/Bucharest)". Pure functions: src/admin/time.test.ts.
 */

/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/**
 * @param {string} lang 'ro' | 'en'
 * @param {string} timeZone
 */
function formatFor(lang, timeZone) {
  const key = `${lang}|${timeZone}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'ro' ? 'ro-RO' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone });
    formats.set(key, format);
  }
  return format;
}

/**
 * An instant in the zone, with the zone's name; `null` for a missing value; the input as is
 * when it is not a date.
 * @param {string | null | undefined} iso
 * @param {string} timeZone an IANA zone
 * @param {string} lang
 * @returns {string | null}
 */
export function formatInZone(iso, timeZone, lang) {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${formatFor(lang, timeZone).format(d)} (${timeZone})`;
}

/**
 * The zone's offset from UTC at an instant, in minutes (Bucharest in winter: 120).
 * @param {number} ms
 * @param {string} timeZone
 */
function offsetMinutes(ms, timeZone) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  /** @param {string} type */
  const n = (type) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The instant a calendar day (YYYY-MM-DD, as a date input gives it) starts in the zone, as an
 * ISO string in UTC; `null` when the text is not a real day.
 * @param {string} day
 * @param {string} timeZone
 */
export function dayStartInZone(day, timeZone) {
  const m = DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utcMidnight = Date.UTC(y, mo - 1, d);
  const check = new Date(utcMidnight);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  // Local midnight = UTC midnight minus the offset; the offset at that moment may differ on a
  // day the clocks change, so correct once with the offset at the first guess.
  let ms = utcMidnight - offsetMinutes(utcMidnight, timeZone) * 60000;
  ms = utcMidnight - offsetMinutes(ms, timeZone) * 60000;
  return new Date(ms).toISOString();
}

/**
 * The log API's `from`/`to` for the days picked on the page, both days included: `from` is
 * the first day's start, `to` the start of the day after the last. An error key when the
 * range is backwards or a day is not valid.
 * @param {string} fromDay '' or YYYY-MM-DD
 * @param {string} toDay '' or YYYY-MM-DD
 * @param {string} timeZone
 * @returns {{ from?: string, to?: string, error?: 'errDateFrom' | 'errDateTo' | 'errDateOrder' }}
 */
export function dayRange(fromDay, toDay, timeZone) {
  /** @type {{ from?: string, to?: string }} */
  const range = {};
  if (fromDay) {
    const from = dayStartInZone(fromDay, timeZone);
    if (!from) return { error: 'errDateFrom' };
    range.from = from;
  }
  if (toDay) {
    if (!dayStartInZone(toDay, timeZone)) return { error: 'errDateTo' };
    const next = new Date(`${toDay}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    range.to = /** @type {string} */ (dayStartInZone(next.toISOString().slice(0, 10), timeZone));
  }
  if (fromDay && toDay && toDay < fromDay) return { error: 'errDateOrder' };
  return range;
}
