import { describe, expect, it } from 'vitest';
import { cdfPoints, fmt, markdownTable, percentile, percentileSorted, ratePerSecond, summarize } from './stats.js';
import { cdfChartSvg } from './svg-chart.js';

describe('benchmark statistics', () => {
  it('nearest-rank percentiles are observed values', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentileSorted([1, 2, 3, 4], 50)).toBe(2);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('a summary has count, min, percentiles, max and mean', () => {
    expect(summarize([3, 1, 2, 10])).toEqual({ count: 4, min: 1, p50: 2, p90: 10, p99: 10, max: 10, mean: 4 });
    expect(summarize([]).count).toBe(0);
  });

  it('a rate is events over the span from the start to the last event', () => {
    expect(ratePerSecond(0, [500, 1000, 2000])).toBe(1.5);
    expect(ratePerSecond(0, [])).toBe(0);
  });

  it('CDF points end at 1 and are bounded in number', () => {
    const pts = cdfPoints(Array.from({ length: 1000 }, (_, i) => i), 100);
    expect(pts.length).toBeLessThanOrEqual(101);
    expect(pts[pts.length - 1]).toEqual([999, 1]);
    expect(cdfPoints([])).toEqual([]);
  });

  it('formats numbers and tables', () => {
    expect(fmt(1.234, 1)).toBe('1.2');
    expect(fmt(Number.NaN)).toBe('–');
    expect(markdownTable(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });

  it('draws an SVG with one line per series and escaped labels', () => {
    const svg = cdfChartSvg('t <x>', [
      { label: 'a & b', values: [5, 50, 500] },
      { label: 'empty', values: [] },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('a &#38; b (n=3)');
    expect(svg).toContain('t &#60;x&#62;');
    expect(svg.match(/<path /g)).toHaveLength(1);
  });
});
