import { describe, expect, it } from 'vitest';
import { dayRange, dayStartInZone, formatInZone } from './assets/time.js';

describe('times in the institution time zone', () => {
  it('shows an instant in the zone, not the machine one, with the zone named', () => {
    expect(formatInZone('2026-12-01T12:30:00Z', 'Europe/Bucharest', 'ro')).toBe('1 dec. 2026, 14:30 (Europe/Bucharest)');
    expect(formatInZone('2026-12-01T12:30:00Z', 'Europe/Bucharest', 'en')).toBe('1 Dec 2026, 14:30 (Europe/Bucharest)');
    expect(formatInZone('2026-07-01T12:30:00Z', 'Europe/Bucharest', 'en')).toBe('1 Jul 2026, 15:30 (Europe/Bucharest)');
    expect(formatInZone('2026-12-01T23:30:00Z', 'Asia/Tokyo', 'en')).toBe('2 Dec 2026, 08:30 (Asia/Tokyo)');
    expect(formatInZone(null, 'Europe/Bucharest', 'ro')).toBeNull();
    expect(formatInZone('not a date', 'Europe/Bucharest', 'ro')).toBe('not a date');
  });

  it('finds when a day starts in the zone, also on the days the clocks change', () => {
    expect(dayStartInZone('2026-12-01', 'Europe/Bucharest')).toBe('2026-11-30T22:00:00.000Z');
    expect(dayStartInZone('2026-07-01', 'Europe/Bucharest')).toBe('2026-06-30T21:00:00.000Z');
    expect(dayStartInZone('2026-03-29', 'Europe/Bucharest')).toBe('2026-03-28T22:00:00.000Z'); // clocks go forward at 03:00
    expect(dayStartInZone('2026-03-30', 'Europe/Bucharest')).toBe('2026-03-29T21:00:00.000Z');
    expect(dayStartInZone('2026-10-25', 'Europe/Bucharest')).toBe('2026-10-24T21:00:00.000Z'); // back at 04:00
    expect(dayStartInZone('2026-10-26', 'Europe/Bucharest')).toBe('2026-10-25T22:00:00.000Z');
    expect(dayStartInZone('2026-12-01', 'America/New_York')).toBe('2026-12-01T05:00:00.000Z');
    expect(dayStartInZone('2026-12-01', 'UTC')).toBe('2026-12-01T00:00:00.000Z');
    expect(dayStartInZone('2026-02-30', 'UTC')).toBeNull();
    expect(dayStartInZone('1.12.2026', 'UTC')).toBeNull();
  });

  it('turns the picked days into the API range, both days included', () => {
    expect(dayRange('2026-12-01', '2026-12-01', 'Europe/Bucharest')).toEqual({
      from: '2026-11-30T22:00:00.000Z',
      to: '2026-12-01T22:00:00.000Z',
    });
    expect(dayRange('', '2026-12-31', 'Europe/Bucharest')).toEqual({ to: '2026-12-31T22:00:00.000Z' });
    expect(dayRange('2026-12-01', '', 'Europe/Bucharest')).toEqual({ from: '2026-11-30T22:00:00.000Z' });
    expect(dayRange('', '', 'Europe/Bucharest')).toEqual({});
    expect(dayRange('2026-12-02', '2026-12-01', 'Europe/Bucharest')).toEqual({ error: 'errDateOrder' });
    expect(dayRange('2026-13-01', '', 'Europe/Bucharest')).toEqual({ error: 'errDateFrom' });
    expect(dayRange('', '2026-02-29', 'Europe/Bucharest')).toEqual({ error: 'errDateTo' });
  });
});
