import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatMoney } from './format.js';

describe('formatDateTime', () => {
  const instant = '2026-12-01T07:30:00Z';

  it('shows the instant in the institution time zone, 24 h clock, with the offset', () => {
    expect(formatDateTime(instant, 'Europe/Bucharest', 'ro')).toBe('marți, 1 decembrie 2026, 09:30 (UTC+2)');
    expect(formatDateTime(instant, 'Europe/Bucharest', 'en')).toBe('Tuesday, 1 December 2026, 09:30 (UTC+2)');
    expect(formatDateTime(instant, 'America/New_York', 'en')).toBe('Tuesday, 1 December 2026, 02:30 (UTC-5)');
    expect(formatDateTime(instant, 'America/New_York', 'ro')).toContain('02:30 (UTC-5)');
  });

  it('is the same for any spelling of the same instant', () => {
    expect(formatDateTime('2026-12-01T09:30:00+02:00', 'Europe/Bucharest', 'ro')).toBe(
      formatDateTime(instant, 'Europe/Bucharest', 'ro'),
    );
  });

  it('follows daylight saving time and odd offsets', () => {
    expect(formatDateTime('2026-07-01T06:30:00Z', 'Europe/Bucharest', 'ro')).toBe('miercuri, 1 iulie 2026, 09:30 (UTC+3)');
    expect(formatDateTime('2026-07-01T07:30:00Z', 'Asia/Kolkata', 'en')).toContain('13:00 (UTC+5:30)');
    expect(formatDateTime('2026-07-01T07:30:00Z', 'UTC', 'en')).toContain('07:30 (UTC)');
  });

  it('uses a 24 h clock around midnight and the afternoon', () => {
    expect(formatDateTime('2026-12-01T22:05:00Z', 'Europe/Bucharest', 'en')).toBe('Wednesday, 2 December 2026, 00:05 (UTC+2)');
    expect(formatDateTime('2026-12-01T13:00:00Z', 'Europe/Bucharest', 'ro')).toContain(', 15:00 (UTC+2)');
  });

  it('uses comma-below diacritics in Romanian names', () => {
    const s = formatDateTime(instant, 'Europe/Bucharest', 'ro');
    expect(s).toContain('\u021b'); // ț in "marți"
    expect(s).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
  });
});

describe('formatMoney', () => {
  it('formats the decimal string per locale', () => {
    expect(formatMoney('450.00', 'RON', 'ro')).toBe('450,00 RON');
    expect(formatMoney('450.00', 'RON', 'en')).toBe('450.00 RON');
    expect(formatMoney('1234.50', 'RON', 'ro')).toBe('1.234,50 RON');
    expect(formatMoney('1234.50', 'EUR', 'en')).toBe('1,234.50 EUR');
  });

  it('never goes through a float', () => {
    expect(formatMoney('99999999.99', 'RON', 'ro')).toBe('99.999.999,99 RON');
    // 0.1 + 0.2 style values stay exactly as given.
    expect(formatMoney('0.30', 'RON', 'ro')).toBe('0,30 RON');
    expect(formatMoney('0.10', 'RON', 'en')).toBe('0.10 RON');
    // Beyond a double's 15–17 significant digits: a float would change the digits.
    expect(formatMoney('12345678901234567.89', 'RON', 'en')).toBe('12,345,678,901,234,567.89 RON');
    // More precision than the currency's minor unit is kept, not rounded.
    expect(formatMoney('1.005', 'RON', 'en')).toBe('1.005 RON');
  });

  it('pads to the currency minor unit', () => {
    expect(formatMoney('7', 'RON', 'ro')).toBe('7,00 RON');
    expect(formatMoney('7.5', 'RON', 'ro')).toBe('7,50 RON');
    expect(formatMoney('1500', 'JPY', 'en')).toBe('1,500 JPY');
  });
});

describe('formatDuration', () => {
  it('speaks Romanian plurals, "de" from 20 on', () => {
    expect(formatDuration(1, 'ro')).toBe('1 minut');
    expect(formatDuration(15, 'ro')).toBe('15 minute');
    expect(formatDuration(30, 'ro')).toBe('30 de minute');
    expect(formatDuration(60, 'ro')).toBe('1 oră');
    expect(formatDuration(90, 'ro')).toBe('1 oră și 30 de minute');
    expect(formatDuration(120, 'ro')).toBe('2 ore');
  });

  it('speaks English', () => {
    expect(formatDuration(1, 'en')).toBe('1 minute');
    expect(formatDuration(30, 'en')).toBe('30 minutes');
    expect(formatDuration(90, 'en')).toBe('1 hour 30 minutes');
    expect(formatDuration(120, 'en')).toBe('2 hours');
  });
});
