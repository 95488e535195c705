/**
 * Percentile math for `npm run bench` (bench/run.ts). Pure, so it is unit-tested here.
 * Percentiles use the nearest-rank method: p99 of 100 samples is the 99th smallest, a value
 * that was really observed (no interpolation between two samples).
 */

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of already sorted values (ascending); NaN for no values. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is not in 0..100`);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function percentile(values: readonly number[], p: number): number {
  return percentileSorted([...values].sort((a, b) => a - b), p);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: n,
    min: n ? sorted[0]! : Number.NaN,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
    max: n ? sorted[n - 1]! : Number.NaN,
    mean: n ? sum / n : Number.NaN,
  };
}

/** Events per second over the span from `start` to the last of `times` (ms); 0 without events. */
export function ratePerSecond(start: number, times: readonly number[]): number {
  if (times.length === 0) return 0;
  const end = Math.max(...times);
  const span = (end - start) / 1000;
  return span > 0 ? times.length / span : Number.POSITIVE_INFINITY;
}

/** Points of the empirical CDF: [value, fraction ≤ value], at most `maxPoints` of them. */
export function cdfPoints(values: readonly number[], maxPoints = 200): Array<[number, number]> {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [];
  const step = Math.max(1, Math.floor(n / maxPoints));
  const points: Array<[number, number]> = [];
  for (let i = step - 1; i < n; i += step) points.push([sorted[i]!, (i + 1) / n]);
  if (points[points.length - 1]![1] !== 1) points.push([sorted[n - 1]!, 1]);
  return points;
}

/** A number for a table: fixed decimals, `–` for NaN. */
export function fmt(value: number | undefined, decimals = 0): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return '∞';
  return value.toFixed(decimals);
}

/** A Markdown table from a header row and body rows. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
