// Loads the best bid / ask for `--fill quotes`: bookTicker files (a file, or a ../shared/data-like directory), verified,
// trimmed to the range and converted once to ticks and lots, plus the strategy's bars built from the same quotes.
// Must never write anything or run on data that failed verification.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import type { BarColumns, BookTickerColumns } from '../data/columns.js';
import type { EngineQuotes } from '../engine/engine.js';
import type { TickQuoteColumns } from '../venues/simulated/quote-fill-model.js';
import { findFiles, loadFunding, ofThisMarket, parseVerified, sha256Of, toEngineBars, type DataFileInfo, type LoadedData, type LoadRequest, type VerifySummary } from './load-data.js';

export interface LoadedQuotes extends LoadedData {
  /** The quotes in the venue's units (prices in ticks, sizes in lots), in time order. */
  readonly tickQuotes: TickQuoteColumns & { readonly length: number };
  /** The same quotes as the data gives them (prices and base quantities as floats), row for row: the strategy's onQuote. */
  readonly quotes: EngineQuotes;
}

/** Loads, verifies and converts a run's quotes, its bars and funding. Throws InputError naming the input. */
export async function loadQuoteData(req: LoadRequest): Promise<LoadedQuotes> {
  const { intervalToMs } = await import('../data/verify.js');
  const spec = req.spec;
  const intervalMs = intervalToMs(req.interval)!;
  if (req.data === undefined) throw new InputError('MISSING_OPTION', '--data', 'is required with --fill quotes', 'pass a bookTicker file (or a directory of them) with --data');
  const path = resolve(req.data);
  if (!existsSync(path)) throw new InputError('NOT_FOUND', '--data', `${req.data} does not exist`, 'pass a bookTicker file or a directory of them');
  const candidates = statSync(path).isDirectory() ? await ofThisMarket(findFiles(path, spec.symbol, 'bookTicker', 'bookTicker'), path, spec) : [path];
  if (candidates.length === 0) throw new InputError('NOT_FOUND', '--data', `no ${spec.symbol}-bookTicker-* file under ${req.data}`, 'pass the bookTicker file itself');
  const files: DataFileInfo[] = [];
  const verify: VerifySummary[] = [];
  const parts: BookTickerColumns[] = [];
  for (const f of candidates) {
    const { cols, summary, rows } = await parseVerified(f, spec.symbol, 'bookTicker');
    parts.push(cols as BookTickerColumns);
    verify.push(summary);
    files.push({ path: f, sha256: await sha256Of(f), rows });
  }
  const { ticks: quotes, floats } = toTickQuotes(parts, req);
  if (quotes.length === 0) throw new InputError('NOT_FOUND', '--from/--to', 'no quotes fall in the range', 'pick a range inside the quotes, or drop --from/--to');
  const bars = toEngineBars(quoteBars(quotes, intervalMs, 10 ** spec.tick.scale / spec.tick.stepUnits), spec, undefined, undefined, req.data);
  const warnings: string[] = [];
  const funding = req.fundingOn ? await loadFunding(req, bars, dirname(candidates[0]!), intervalMs, files, verify, warnings) : undefined;
  return { bars, intervalMs, funding, files, verify, warnings, tickQuotes: quotes, quotes: floats };
}

/**
 * Concatenates the files in time order (a later file's rows at or before the last time taken are skipped), keeps
 * [fromMs, toMs) and converts prices to ticks (an off-grid price is an InputError) and sizes to lots.
 */
function toTickQuotes(parts: readonly BookTickerColumns[], req: LoadRequest): { readonly ticks: TickQuoteColumns & { readonly length: number }; readonly floats: EngineQuotes } {
  const spec = req.spec;
  const sorted = [...parts].sort((a, b) => (a.timeMs[0] ?? 0) - (b.timeMs[0] ?? 0));
  const total = sorted.reduce((n, p) => n + p.length, 0);
  const out = { timeMs: new Float64Array(total), bidTicks: new Float64Array(total), askTicks: new Float64Array(total), bidLots: new Float64Array(total), askLots: new Float64Array(total) };
  const raw = { bid: new Float64Array(total), bidQty: new Float64Array(total), ask: new Float64Array(total), askQty: new Float64Array(total) };
  const scale = 10 ** spec.tick.scale / spec.tick.stepUnits;
  // Linear contracts quote base quantity; a lot is lot step x contract size of it (as in load-trades.ts).
  const perLot = spec.contractType === 'linear' ? spec.lot.stepFloat * (Number(spec.contractSize.units) / 10 ** spec.contractSize.scale) : spec.lot.stepFloat;
  const ticks = (x: number, t: number): number => {
    const y = x * scale;
    const r = Math.round(y);
    if (Math.abs(y - r) > 1e-6 * Math.max(1, y)) {
      throw new InputError('INVALID_DATA', `${req.data}: quote at ${new Date(t).toISOString()}`, `price ${x} is not on ${spec.id}'s tick grid of ${spec.tick.step}`, 'pass quotes of this instrument');
    }
    return r;
  };
  let n = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (const p of sorted) {
    const start = n;
    for (let i = 0; i < p.length; i++) {
      const t = p.timeMs[i]!;
      if ((n === start && t <= last) || (req.fromMs !== undefined && t < req.fromMs) || (req.toMs !== undefined && t >= req.toMs)) continue;
      out.timeMs[n] = t;
      out.bidTicks[n] = ticks(p.bidPrice[i]!, t);
      out.askTicks[n] = ticks(p.askPrice[i]!, t);
      out.bidLots[n] = p.bidQty[i]! / perLot;
      out.askLots[n] = p.askQty[i]! / perLot;
      raw.bid[n] = p.bidPrice[i]!;
      raw.bidQty[n] = p.bidQty[i]!;
      raw.ask[n] = p.askPrice[i]!;
      raw.askQty[n] = p.askQty[i]!;
      n++;
    }
    last = n > 0 ? out.timeMs[n - 1]! : last;
  }
  const timeMs = out.timeMs.subarray(0, n);
  return {
    ticks: { length: n, timeMs, bidTicks: out.bidTicks.subarray(0, n), askTicks: out.askTicks.subarray(0, n), bidLots: out.bidLots.subarray(0, n), askLots: out.askLots.subarray(0, n) },
    floats: { timeMs, bid: raw.bid.subarray(0, n), bidQty: raw.bidQty.subarray(0, n), ask: raw.ask.subarray(0, n), askQty: raw.askQty.subarray(0, n) },
  };
}

/**
 * Time bars of the mid price, rounded down to a whole tick (with a spread of an odd number of ticks the mid falls
 * between two ticks: the bar takes the lower). Volume is 0 (quotes carry none); an interval without quotes carries
 * the last close. Prices as floats (ticks / ticks per price unit, correctly rounded) so toEngineBars converts them back exactly.
 */
export function quoteBars(q: TickQuoteColumns & { readonly length: number }, intervalMs: number, ticksPerUnit: number): BarColumns {
  const first = Math.floor(q.timeMs[0]! / intervalMs) * intervalMs;
  const count = Math.floor(q.timeMs[q.length - 1]! / intervalMs) - first / intervalMs + 1;
  const cols = { openTimeMs: new Float64Array(count), open: new Float64Array(count), high: new Float64Array(count), low: new Float64Array(count), close: new Float64Array(count), volume: new Float64Array(count) };
  let j = 0;
  let close = Math.floor((q.bidTicks[0]! + q.askTicks[0]!) / 2);
  for (let b = 0; b < count; b++) {
    const start = first + b * intervalMs;
    const end = start + intervalMs;
    let open = close;
    let high = close;
    let low = close;
    let seen = false;
    for (; j < q.length && q.timeMs[j]! < end; j++) {
      const mid = Math.floor((q.bidTicks[j]! + q.askTicks[j]!) / 2);
      if (!seen) {
        open = mid;
        high = mid;
        low = mid;
        seen = true;
      }
      if (mid > high) high = mid;
      if (mid < low) low = mid;
      close = mid;
    }
    cols.openTimeMs[b] = start;
    cols.open[b] = open / ticksPerUnit;
    cols.high[b] = high / ticksPerUnit;
    cols.low[b] = low / ticksPerUnit;
    cols.close[b] = close / ticksPerUnit;
  }
  return { length: count, ...cols };
}
