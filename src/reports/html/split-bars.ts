// A split as an inline SVG column chart: one column per bucket, its total net P&L above or below zero, the trade
// count and win rate under it, flagged buckets marked. Static markup; must never need a script to be read.
import type { SplitBucket } from '../splits.js';
import { escapeHtml } from './html-text.js';

const WIDTH = 560;
const HEIGHT = 240;
const PAD_TOP = 18;
const PAD_BOTTOM = 46;
const PAD_X = 8;

function bucketTitle(b: SplitBucket, settle: string): string {
  const win = b.winRatePct === undefined ? '-' : `${b.winRatePct.toFixed(1)}%`;
  const p = b.test.kind === 'tested' ? `p=${b.test.pValue.toFixed(3)}${b.test.significantlyWorse ? ', significantly worse' : ''}` : `not tested (${b.test.kind})`;
  return `${b.key}: ${b.count} trades, win ${win}, avg ${b.averageNet ?? '-'} ${settle}, total ${b.totalNet} ${settle}; ${p}`;
}

/**
 * Columns of total net P&L per bucket on a shared zero line (green above, red below), "!" over a bucket that tested
 * significantly worse than the rest, and "n / win%" under each. Hovering a column shows its numbers (<title>).
 */
export function splitBarsSvg(buckets: readonly SplitBucket[], settle: string): string {
  if (buckets.length === 0) return '<p class="muted">no trades</p>';
  const totals = buckets.map((b) => Number(b.totalNet));
  const max = Math.max(0, ...totals);
  const min = Math.min(0, ...totals);
  const span = max - min || 1;
  const plotH = HEIGHT - PAD_TOP - PAD_BOTTOM;
  const zeroY = PAD_TOP + (max / span) * plotH;
  const slot = (WIDTH - 2 * PAD_X) / buckets.length;
  const barW = Math.max(2, Math.min(48, slot * 0.7));
  const small = buckets.length > 12;
  const parts: string[] = [];
  buckets.forEach((b, i) => {
    const x = PAD_X + i * slot + (slot - barW) / 2;
    const cx = PAD_X + i * slot + slot / 2;
    const h = (Math.abs(totals[i]!) / span) * plotH;
    const y = totals[i]! >= 0 ? zeroY - h : zeroY;
    const worse = b.test.kind === 'tested' && b.test.significantlyWorse;
    const cls = totals[i]! >= 0 ? 'bar-pos' : 'bar-neg';
    parts.push(
      `<g><title>${escapeHtml(bucketTitle(b, settle))}</title>` +
        `<rect class="${cls}${worse ? ' bar-worse' : ''}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(1, h).toFixed(1)}" rx="2"/>` +
        (worse ? `<text class="flag" x="${cx.toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle">!</text>` : '') +
        `<text class="axis" x="${cx.toFixed(1)}" y="${HEIGHT - PAD_BOTTOM + 14}" text-anchor="middle">${escapeHtml(b.key)}</text>` +
        `<text class="sub" x="${cx.toFixed(1)}" y="${HEIGHT - PAD_BOTTOM + 30}" text-anchor="middle">${small ? b.count : `${b.count} · ${b.winRatePct === undefined ? '-' : `${b.winRatePct.toFixed(0)}%`}`}</text></g>`,
    );
  });
  const label = (v: number, y: number): string => `<text class="sub" x="${WIDTH - PAD_X}" y="${y.toFixed(1)}" text-anchor="end">${v.toFixed(2)}</text>`;
  return (
    `<svg class="split-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" preserveAspectRatio="xMidYMid meet">` +
    `<line class="zero" x1="${PAD_X}" x2="${WIDTH - PAD_X}" y1="${zeroY.toFixed(1)}" y2="${zeroY.toFixed(1)}"/>` +
    (max > 0 ? label(max, PAD_TOP - 6) : '') +
    (min < 0 ? label(min, HEIGHT - PAD_BOTTOM + 2) : '') +
    parts.join('') +
    '</svg>'
  );
}
