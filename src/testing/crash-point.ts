/**
 * Test-only crash hooks. With `TEST_CRASH_AT=<point>` (or `<point>:<n>`, the n-th pass) the
 * process kills itself with SIGKILL when it reaches that point, as a power cut would: no
 * handler, no clean-up. Unset in every deployment, so the call is a lookup and nothing else.
 * Points: `settings-saved` (API: after the commit, before the propagation start),
 * `propagation-signalled` (worker: after a booking was told about new hours).
 */
const passes = new Map<string, number>();

/** Parses TEST_CRASH_AT; undefined when unset or malformed. */
export function parseCrashAt(value: string | undefined): { point: string; pass: number } | undefined {
  const m = value ? /^([a-z-]+)(?::(\d+))?$/.exec(value.trim()) : null;
  return m ? { point: m[1]!, pass: m[2] ? Number(m[2]) : 1 } : undefined;
}

export function crashPoint(point: string): void {
  const target = parseCrashAt(process.env.TEST_CRASH_AT);
  if (target?.point !== point) return;
  const n = (passes.get(point) ?? 0) + 1;
  passes.set(point, n);
  if (n === target.pass) process.kill(process.pid, 'SIGKILL');
}
