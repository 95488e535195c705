/**
 * A dependency-free SVG chart of latency distributions for `npm run bench`: one empirical CDF
 * line per series (x: milliseconds on a log scale, y: fraction of samples at or below).
 */
import { cdfPoints } from './stats.js';

export interface ChartSeries {
  label: string;
  values: readonly number[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function cdfChartSvg(title: string, series: readonly ChartSeries[], opts: { width?: number; height?: number } = {}): string {
  const width = opts.width ?? 760;
  const height = opts.height ?? 420;
  const m = { left: 60, right: 20, top: 36, bottom: 48 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v));
  const lo = Math.max(1, Math.min(...all, 10));
  const hi = Math.max(lo * 10, ...all);
  const minExp = Math.floor(Math.log10(lo));
  const maxExp = Math.ceil(Math.log10(hi));
  const x = (v: number) => m.left + ((Math.log10(Math.max(v, 10 ** minExp)) - minExp) / (maxExp - minExp)) * plotW;
  const y = (f: number) => m.top + (1 - f) * plotH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`);
  for (let e = minExp; e <= maxExp; e++) {
    for (const k of e < maxExp ? [1, 2, 5] : [1]) {
      const v = k * 10 ** e;
      const px = x(v).toFixed(1);
      parts.push(`<line x1="${px}" x2="${px}" y1="${m.top}" y2="${m.top + plotH}" stroke="${k === 1 ? '#ccc' : '#eee'}"/>`);
      if (k === 1 || k === 5) {
        const text = v >= 1000 ? `${v / 1000} s` : `${v} ms`;
        parts.push(`<text x="${px}" y="${m.top + plotH + 16}" text-anchor="middle">${text}</text>`);
      }
    }
  }
  for (const f of [0, 0.25, 0.5, 0.75, 0.9, 0.99, 1]) {
    const py = y(f).toFixed(1);
    parts.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${py}" y2="${py}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${f === 0.99 ? 'p99' : f === 0.9 ? 'p90' : `${f * 100}%`}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${m.left + plotW / 2}" y="${height - 10}" text-anchor="middle">latency (log scale)</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = cdfPoints(s.values.filter((v) => Number.isFinite(v)));
    if (pts.length > 0) {
      const d = pts.map(([v, f], j) => `${j === 0 ? 'M' : 'L'}${x(v).toFixed(1)},${y(f).toFixed(1)}`).join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
    const ly = m.top + 14 + i * 16;
    parts.push(`<line x1="${m.left + 10}" x2="${m.left + 30}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${m.left + 36}" y="${ly}" dominant-baseline="middle">${escapeXml(`${s.label} (n=${s.values.length})`)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
