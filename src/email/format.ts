/**
 * Locale-aware formatting of the values an e-mail shows. Pure functions: the same input gives
 * the same text on every machine, so tests and retried sends agree.
 */
import type { Locale } from '../domain/types.js';

/** BCP 47 tags behind our two locales: en-GB gives day-month order and a 24 h clock. */
const INTL_LOCALE: Record<Locale, string> = { ro: 'ro-RO', en: 'en-GB' };

function zonedParts(date: Date, timezone: string, locale: Locale): Record<string, string> {
  const fmt = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    timeZone: timezone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(date)) out[p.type] = p.value;
  return out;
}

/**
 * The zone's offset at that instant as "UTC+2", "UTC-5", "UTC+5:30" or "UTC". Computed from the
 * wall-clock time rather than taken from ICU's zone names, which differ between zones
 * ("EET" but "GMT-5") and between ICU versions.
 */
export function utcOffsetLabel(date: Date, timezone: string): string {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  });
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(date)) p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  const instant = Math.floor(date.getTime() / 1000) * 1000;
  const offset = Math.round((wall - instant) / 60_000);
  if (offset === 0) return 'UTC';
  const abs = Math.abs(offset);
  const hh = Math.floor(abs / 60);
  const mm = abs % 60;
  return `UTC${offset < 0 ? '-' : '+'}${hh}${mm ? `:${String(mm).padStart(2, '0')}` : ''}`;
}

/**
 * "marți, 1 decembrie 2026, 09:30 (UTC+2)" / "Tuesday, 1 December 2026, 09:30 (UTC+2)":
 * the instant in the institution's zone, 24 h clock, offset always shown so a reader in
 * another zone is not misled.
 */
export function formatDateTime(iso: string, timezone: string, locale: Locale): string {
  const date = new Date(iso);
  // Input is validated upstream; an unparsable value is shown as given rather than crash a send.
  if (Number.isNaN(date.getTime())) return iso;
  let zone = timezone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    // An unknown zone (should not pass validation) falls back to UTC, and the label says so.
    zone = 'UTC';
  }
  const p = zonedParts(date, zone, locale);
  return `${p.weekday}, ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} (${utcOffsetLabel(date, zone)})`;
}

const SEPARATORS: Record<Locale, { group: string; decimal: string }> = {
  ro: { group: '.', decimal: ',' },
  en: { group: ',', decimal: '.' },
};

/** The currency's usual number of minor digits (2 for RON/EUR, 0 for JPY); 2 when unknown. */
function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * "450.00" RON → "450,00 RON" (ro) / "450.00 RON" (en), "1234.5" → "1.234,50 RON".
 * Works on the decimal string's digits only — never through a float — so "99999999.99" and
 * "0.10" come out exactly as given. Fraction digits are padded to the currency's minor unit,
 * never cut (cutting would be rounding).
 */
export function formatMoney(amount: string, currency: string, locale: Locale): string {
  const m = /^([+-])?(\d+)(?:\.(\d*))?$/.exec(amount.trim());
  if (!m) return `${amount} ${currency}`.trim();
  const sign = m[1] === '-' ? '-' : '';
  const intDigits = (m[2] ?? '0').replace(/^0+(?=\d)/, '');
  let frac = m[3] ?? '';
  const minor = minorDigits(currency);
  if (frac.length < minor) frac = frac.padEnd(minor, '0');
  const { group, decimal } = SEPARATORS[locale];
  const grouped = intDigits.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${sign}${grouped}${frac ? decimal + frac : ''} ${currency}`.trim();
}

const UNITS: Record<Locale, { hour: [string, string]; minute: [string, string]; and: string }> = {
  ro: { hour: ['oră', 'ore'], minute: ['minut', 'minute'], and: ' și ' },
  en: { hour: ['hour', 'hours'], minute: ['minute', 'minutes'], and: ' ' },
};

/** Romanian puts "de" between a number and its noun from 20 on (CLDR plural category "other"). */
const roPlural = new Intl.PluralRules('ro');

function countOf(n: number, [one, many]: [string, string], locale: Locale): string {
  if (n === 1) return `1 ${one}`;
  if (locale === 'ro' && roPlural.select(n) === 'other') return `${n} de ${many}`;
  return `${n} ${many}`;
}

/** 30 → "30 de minute" / "30 minutes"; 90 → "1 oră și 30 de minute" / "1 hour 30 minutes". */
export function formatDuration(minutes: number, locale: Locale): string {
  if (!Number.isInteger(minutes) || minutes < 0) return String(minutes);
  const u = UNITS[locale];
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return countOf(m, u.minute, locale);
  const hours = countOf(h, u.hour, locale);
  return m === 0 ? hours : `${hours}${u.and}${countOf(m, u.minute, locale)}`;
}
