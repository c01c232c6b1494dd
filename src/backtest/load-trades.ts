// Loads the trade tape for `--fill trades`: trades or aggTrades files (a file, or a ../shared/data-like directory),
// verified, trimmed to the range and converted once to ticks and lots, plus the strategy's bars built from the same
// tape. Must never write anything or run on data that failed verification.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { tradeIsSell, tradePrice, tradeQty, tradesFromFloats, type TradeColumns } from '../data/columns.js';
import type { EngineTrades } from '../engine/engine.js';
import { findFiles, loadFunding, ofThisMarket, parseVerified, sha256Of, toEngineBars, type DataFileInfo, type LoadedData, type LoadRequest, type VerifySummary } from './load-data.js';

/** Trades in the venue's units: price in ticks, quantity in lots (may be fractional: aggregated prints). */
export interface TickTrades {
  readonly timeMs: Float64Array;
  readonly priceTicks: Float64Array;
  readonly qtyLots: Float64Array;
}

export interface LoadedTrades extends LoadedData {
  /** The tape as floats (for the strategy's onTrade) and in ticks and lots (for the venue), same rows. */
  readonly trades: EngineTrades & { readonly length: number };
  readonly tickTrades: TickTrades;
}

function firstAtOrAfter(times: Float64Array, ms: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Tape = EngineTrades & { readonly length: number };

/**
 * Concatenates trade files in time order into the engine's float layout (prices exactly as the files write them);
 * a later file's rows at or before the last time taken are skipped.
 */
function concatTrades(parts: readonly TradeColumns[]): Tape {
  const sorted = [...parts].sort((a, b) => (a.timeMs[0] ?? 0) - (b.timeMs[0] ?? 0));
  const total = sorted.reduce((n, p) => n + p.length, 0);
  const timeMs = new Float64Array(total);
  const price = new Float64Array(total);
  const qty = new Float64Array(total);
  const isBuyerMaker = new Uint8Array(total);
  let n = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (const p of sorted) {
    const start = n;
    for (let i = 0; i < p.length; i++) {
      const t = p.timeMs[i]!;
      if (n === start && t <= last) continue;
      timeMs[n] = t;
      price[n] = tradePrice(p, i);
      qty[n] = tradeQty(p, i);
      isBuyerMaker[n] = tradeIsSell(p, i) ? 1 : 0;
      n++;
    }
    last = n > 0 ? timeMs[n - 1]! : last;
  }
  return { length: n, timeMs: timeMs.subarray(0, n), price: price.subarray(0, n), qty: qty.subarray(0, n), isBuyerMaker: isBuyerMaker.subarray(0, n) };
}

/** Loads, verifies and converts a run's trade tape, its bars and funding. Throws InputError naming the input. */
export async function loadTradeData(req: LoadRequest): Promise<LoadedTrades> {
  const { intervalToMs } = await import('../data/verify.js');
  const { tradesToTimeBars } = await import('../data/resample.js');
  const spec = req.spec;
  const intervalMs = intervalToMs(req.interval)!;
  if (req.data === undefined) throw new InputError('MISSING_OPTION', '--data', 'is required with --fill trades', 'pass a trades or aggTrades file (or a directory of them) with --data');
  const path = resolve(req.data);
  if (!existsSync(path)) throw new InputError('NOT_FOUND', '--data', `${req.data} does not exist`, 'pass a trades or aggTrades file or a directory of them');
  const candidates = statSync(path).isDirectory()
    ? await ofThisMarket([...findFiles(path, spec.symbol, 'trades', 'trades'), ...findFiles(path, spec.symbol, 'aggTrades', 'aggTrades')], path, spec)
    : [path];
  if (candidates.length === 0) throw new InputError('NOT_FOUND', '--data', `no ${spec.symbol}-trades-* or -aggTrades-* file under ${req.data}`, 'pass the trade file itself');
  const files: DataFileInfo[] = [];
  const verify: VerifySummary[] = [];
  const parts: TradeColumns[] = [];
  for (const f of candidates) {
    const { cols, summary, rows } = await parseVerified(f, spec.symbol, 'trades');
    parts.push(cols as TradeColumns);
    verify.push(summary);
    files.push({ path: f, sha256: await sha256Of(f), rows });
  }
  const all = concatTrades(parts);
  const a = req.fromMs === undefined ? 0 : firstAtOrAfter(all.timeMs, req.fromMs);
  const b = req.toMs === undefined ? all.length : firstAtOrAfter(all.timeMs, req.toMs);
  const tape: Tape = { length: b - a, timeMs: all.timeMs.slice(a, b), price: all.price.slice(a, b), qty: all.qty.slice(a, b), isBuyerMaker: all.isBuyerMaker.slice(a, b) };
  if (tape.length === 0) throw new InputError('NOT_FOUND', '--from/--to', 'no trades fall in the range', 'pick a range inside the tape, or drop --from/--to');
  const bars = toEngineBars(tradesToTimeBars(tradesFromFloats(tape), intervalMs, { emptyIntervals: 'carry-close', label: req.data }), spec, undefined, undefined, req.data);
  const scale = 10 ** spec.tick.scale / spec.tick.stepUnits;
  const perLot = spec.lot.stepFloat * (Number(spec.contractSize.units) / 10 ** spec.contractSize.scale);
  const n = tape.length;
  const tickTrades: TickTrades = { timeMs: tape.timeMs, priceTicks: new Float64Array(n), qtyLots: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const x = tape.price[i]! * scale;
    const t = Math.round(x);
    if (Math.abs(x - t) > 1e-6 * Math.max(1, x)) {
      throw new InputError('INVALID_DATA', `${req.data}: trade at ${new Date(tape.timeMs[i]!).toISOString()}`, `price ${tape.price[i]} is not on ${spec.id}'s tick grid of ${spec.tick.step}`, 'pass trades of this instrument');
    }
    tickTrades.priceTicks[i] = t;
    // Linear contracts print base quantity; a lot is lot step x contract size of it.
    tickTrades.qtyLots[i] = spec.contractType === 'linear' ? tape.qty[i]! / perLot : tape.qty[i]! / spec.lot.stepFloat;
  }
  const warnings: string[] = [];
  const funding = req.fundingOn ? await loadFunding(req, bars, dirname(candidates[0]!), intervalMs, files, verify, warnings) : undefined;
  return { bars, intervalMs, funding, files, verify, warnings, trades: tape, tickTrades };
}
