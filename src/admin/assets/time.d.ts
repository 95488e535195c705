/** Types of time.js (plain browser JavaScript, also imported by the unit tests). */
export declare function formatInZone(iso: string | null | undefined, timeZone: string, lang: string): string | null;
export declare function dayStartInZone(day: string, timeZone: string): string | null;
export declare function dayRange(
  fromDay: string,
  toDay: string,
  timeZone: string,
): { from?: string; to?: string; error?: 'errDateFrom' | 'errDateTo' | 'errDateOrder' };
