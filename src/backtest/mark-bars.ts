// The mark price of each bar for liquidation: mark-price klines of the run's own interval (--mark-file, or the
// markPriceKlines folder beside the data), aligned to the bars by open time. Must never write anything, never take
// a kline of another interval (a coarser kline's range would look ahead) nor one that opened at another time.
import { basename } from 'node:path';
import type { BarColumns } from '../data/columns.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { EngineBars } from '../engine/engine.js';
import type { MarkBarColumns } from '../venues/simulated/bar-fill-model.js';
import { markFiles } from './funding-marks.js';
import { parseVerified, sha256Of, type DataFileInfo, type VerifySummary } from './load-data.js';

export interface MarkBars {
  /** Row for row with the run's bars; 0 ticks where no mark kline opened with the bar. */
  readonly columns: MarkBarColumns;
  /** Bars with a mark kline, out of all bars. */
  readonly matched: number;
  /** The files that gave marks (names only), for the run metadata. */
  readonly source: string;
}

export interface MarkBarsRequest {
  readonly spec: InstrumentSpec;
  readonly bars: EngineBars;
  readonly intervalMs: number;
  readonly markFile?: string;
  readonly data?: string;
}

/**
 * The mark kline of each bar, or undefined when no mark klines of the bars' interval are found (liquidation keeps
 * the bar proxy). A kline's interval is the smallest step between its open times. Prices go to ticks
 * conservatively for liquidation: the low rounded down and the high up (a mark that touched the liquidation price
 * between two ticks still liquidates), the open and close to the nearest tick. Files used are added to `files`
 * (checksums in run.json) and `verify`; bars without a kline are counted in a warning.
 */
export async function loadMarkBars(req: MarkBarsRequest, files: DataFileInfo[], verify: VerifySummary[], warnings: string[]): Promise<MarkBars | undefined> {
  const candidates = await markFiles(req);
  const n = req.bars.length;
  if (candidates.length === 0 || n === 0) return undefined;
  const col = (): Float64Array => new Float64Array(n);
  const columns = { openTicks: col(), highTicks: col(), lowTicks: col(), closeTicks: col() };
  const scale = 10 ** req.spec.tick.scale / req.spec.tick.stepUnits;
  const used: string[] = [];
  let matched = 0;
  for (const file of candidates) {
    const { cols, summary, rows } = await parseVerified(file, req.spec.symbol, 'bars');
    const k = cols as BarColumns;
    if (stepOf(k) !== req.intervalMs) continue;
    let hits = 0;
    let j = 0;
    for (let i = 0; i < n; i++) {
      if (columns.lowTicks[i]! > 0) continue;
      const t = req.bars.openTimeMs[i]!;
      while (j < k.length && k.openTimeMs[j]! < t) j++;
      if (j === k.length) break;
      if (k.openTimeMs[j] !== t) continue;
      columns.openTicks[i] = Math.round(k.open[j]! * scale);
      columns.highTicks[i] = Math.ceil(k.high[j]! * scale - 1e-9);
      columns.lowTicks[i] = Math.floor(k.low[j]! * scale + 1e-9);
      columns.closeTicks[i] = Math.round(k.close[j]! * scale);
      hits++;
    }
    if (hits === 0) continue;
    matched += hits;
    used.push(basename(file));
    if (!files.some((f) => f.path === file)) {
      verify.push(summary);
      files.push({ path: file, sha256: await sha256Of(file), rows });
    }
  }
  if (matched === 0) return undefined;
  const source = used.join(', ');
  if (matched < n) warnings.push(`mark price: ${n - matched} of ${n} bars have no mark kline (${source}); those bars use the bar's adverse extreme as the mark proxy for liquidation`);
  return { columns, matched, source };
}

/** The smallest step between consecutive open times (ms); undefined for fewer than two klines. */
function stepOf(k: BarColumns): number | undefined {
  let step: number | undefined;
  for (let i = 1; i < k.length; i++) {
    const d = k.openTimeMs[i]! - k.openTimeMs[i - 1]!;
    if (d > 0 && (step === undefined || d < step)) step = d;
  }
  return step;
}
