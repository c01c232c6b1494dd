// Loads what a backtest reads: the instrument's bars (a file, a ../shared/data-like directory, or the cache), verified
// first, trimmed to the range and converted once to integer ticks, plus the funding-rate history found beside them and,
// when asked, the same symbol's spot bars aligned to them. Must never write anything or run on unverified data.
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import type { BarColumns, FundingColumns } from '../data/columns.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { EngineBars } from '../engine/engine.js';
import type { MarkBarColumns } from '../venues/simulated/bar-fill-model.js';
import { BAR_INTERVALS, type BarInterval } from '../engine/strategy.js';
import { loadKlines, type BarOrigin } from './bar-source.js';
import { cacheVenueMarket, findFiles, ofThisMarket, parseVerified, sha256Of, type DataFileInfo, type VerifySummary } from './kline-files.js';

export { cacheVenueMarket, findFiles, ofThisMarket, parseVerified, sha256Of, type DataFileInfo, type VerifySummary } from './kline-files.js';

export interface LoadedData {
  readonly bars: EngineBars;
  readonly intervalMs: number;
  /** The bars' interval and, when they were resampled from finer klines, from which (bar fills; absent for trades and quotes). */
  readonly barOrigin?: BarOrigin;
  /** Funding settlements in the run's range, or undefined when none were found (a warning says so). */
  readonly funding: FundingColumns | undefined;
  readonly files: readonly DataFileInfo[];
  readonly verify: readonly VerifySummary[];
  readonly warnings: readonly string[];
  /** The spot series aligned to `bars`, when the request asked for one. */
  readonly spot?: AlignedSpot;
  /** Set when `funding` carries settlement marks from mark-price klines (funding-marks.ts): how many, from which files. */
  readonly fundingMarks?: { readonly known: number; readonly source: string };
  /** Mark klines of the bars' interval (mark-bars.ts): each bar's mark for liquidation, bars matched, file names. */
  readonly markBars?: { readonly columns: MarkBarColumns; readonly matched: number; readonly source: string };
}

/**
 * Spot closes aligned to the run's bars: `close[i]` is the close of the latest spot bar that opened at or before
 * bar i's open (so it closed no later than bar i: no lookahead), forward-filled over missing spot bars; 0 before the
 * first spot bar (read as absent by `feedFromColumns`).
 */
export interface AlignedSpot {
  readonly source: string;
  readonly openTimeMs: Float64Array;
  readonly close: Float64Array;
  /** Run bars with no spot bar of the same open time (forward-filled, or 0 before the first). */
  readonly missing: number;
}

export interface LoadRequest {
  readonly spec: InstrumentSpec;
  /** The run's bar interval (e.g. "1m"): the strategy's, or the --interval it accepts. */
  readonly interval: string;
  /** What set the interval, for messages (default: "the strategy's data.bars"). */
  readonly intervalInput?: string;
  readonly data?: string;
  readonly fundingFile?: string;
  readonly fundingOn: boolean;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly cacheDir: string;
  /** Spot bars of the same symbol and interval: a kline file, or a directory searched for spot klines. */
  readonly spot?: string;
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

/**
 * Bars in [fromMs, toMs) with every price converted to integer ticks of the instrument. A price that is not on the
 * tick grid (beyond float noise) means the data is for another instrument or tick size: an InputError.
 */
export function toEngineBars(bars: BarColumns, spec: InstrumentSpec, fromMs: number | undefined, toMs: number | undefined, label: string): EngineBars {
  const from = fromMs === undefined ? 0 : firstAtOrAfter(bars.openTimeMs, fromMs);
  const to = toMs === undefined ? bars.length : firstAtOrAfter(bars.openTimeMs, toMs);
  const n = Math.max(0, to - from);
  const slice = (c: Float64Array): Float64Array => c.slice(from, from + n);
  const scale = 10 ** spec.tick.scale / spec.tick.stepUnits;
  const ticks = (c: Float64Array, name: string): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = c[from + i]! * scale;
      const t = Math.round(x);
      if (Math.abs(x - t) > 1e-6 * Math.max(1, Math.abs(x))) {
        throw new InputError(
          'INVALID_DATA',
          `${label}: bar ${new Date(bars.openTimeMs[from + i]!).toISOString()} ${name}`,
          `${c[from + i]} is not on ${spec.id}'s tick grid of ${spec.tick.step}`,
          'pass data of this instrument, or the instrument these prices belong to',
        );
      }
      out[i] = t;
    }
    return out;
  };
  return {
    length: n,
    openTimeMs: slice(bars.openTimeMs),
    open: slice(bars.open),
    high: slice(bars.high),
    low: slice(bars.low),
    close: slice(bars.close),
    volume: slice(bars.volume),
    openTicks: ticks(bars.open, 'open'),
    highTicks: ticks(bars.high, 'high'),
    lowTicks: ticks(bars.low, 'low'),
    closeTicks: ticks(bars.close, 'close'),
  };
}

/** Funding settlements in [fromMs, toMs]. */
function trimFunding(f: FundingColumns, fromMs: number, toMs: number): FundingColumns {
  const a = firstAtOrAfter(f.timeMs, fromMs);
  const b = firstAtOrAfter(f.timeMs, toMs + 1);
  return { length: b - a, timeMs: f.timeMs.slice(a, b), rate: f.rate.slice(a, b) };
}

/** Loads, verifies and converts the bars and funding of a run. Throws InputError naming the input on any problem. */
export async function loadBacktestData(req: LoadRequest): Promise<LoadedData> {
  const { intervalToMs } = await import('../data/verify.js');
  const spec = req.spec;
  const intervalMs = intervalToMs(req.interval)!;
  const warnings: string[] = [];
  const files: DataFileInfo[] = [];
  const verify: VerifySummary[] = [];
  let klineDir: string | undefined;
  const path = req.data === undefined ? undefined : resolve(req.data);
  if (path !== undefined && !existsSync(path)) throw new InputError('NOT_FOUND', '--data', `${req.data} does not exist`, 'pass a kline file or a directory of them');
  const { venue, market } = cacheVenueMarket(spec);
  const klines = await loadKlines(
    {
      symbol: spec.symbol,
      interval: barIntervalOf(req.interval),
      intervalInput: req.intervalInput ?? "the strategy's data.bars",
      inputName: '--data',
      ...(path !== undefined ? { path } : {}),
      pick: async (dir, interval) => ofThisMarket(findFiles(dir, spec.symbol, interval, 'klines'), dir, spec),
      ...(req.fromMs !== undefined ? { fromMs: req.fromMs } : {}),
      ...(req.toMs !== undefined ? { toMs: req.toMs } : {}),
      cache: { dir: req.cacheDir, key: { venue, market, symbol: spec.symbol, kind: 'klines' } },
    },
    files,
    verify,
  );
  if (klines.paths.length > 0) klineDir = dirname(klines.paths[0]!);
  const barCols = klines.cols;
  const bars = toEngineBars(barCols, spec, req.fromMs, req.toMs, req.data ?? 'cache');
  if (bars.length === 0) {
    throw new InputError('NOT_FOUND', '--from/--to', 'no bars fall in the range', 'pick a range inside the data, or drop --from/--to to run all of it');
  }
  const origin = inRange(klines.origin, req.fromMs, req.toMs);
  const leftOut = resampleWarning(origin);
  if (leftOut !== undefined) warnings.push(leftOut);
  const funding = req.fundingOn ? await loadFunding(req, bars, klineDir, intervalMs, files, verify, warnings) : undefined;
  const spot = req.spot === undefined ? undefined : await loadSpot(req.spot, spec.symbol, req.interval, bars, files, verify, warnings, venue);
  return { bars, intervalMs, barOrigin: origin, funding, files, verify, warnings, ...(spot !== undefined ? { spot } : {}) };
}

/** A run interval as a BarInterval; anything else is refused naming --interval. */
export function barIntervalOf(interval: string): BarInterval {
  if ((BAR_INTERVALS as readonly string[]).includes(interval)) return interval as BarInterval;
  throw new InputError('INVALID_OPTION', '--interval', `"${interval}" is not a bar interval`, `use one of ${BAR_INTERVALS.join(', ')}`);
}

/** The origin with only the left-out buckets inside the run's range (--from/--to; all of them without). */
function inRange(origin: BarOrigin, fromMs: number | undefined, toMs: number | undefined): BarOrigin {
  const r = origin.resampledFrom;
  if (r === undefined) return origin;
  const kept = r.incompleteBuckets.filter((t) => (fromMs === undefined || t >= fromMs) && (toMs === undefined || t < toMs));
  return { ...origin, resampledFrom: { ...r, incompleteBuckets: kept } };
}

/** The warning for resampled buckets left out because a source bar in them is missing, or undefined when none was. */
export function resampleWarning(origin: BarOrigin): string | undefined {
  const r = origin.resampledFrom;
  if (r === undefined || r.incompleteBuckets.length === 0) return undefined;
  const n = r.incompleteBuckets.length;
  const shown = r.incompleteBuckets.slice(0, 3).map((t) => new Date(t).toISOString()).join(', ');
  return `${n} ${origin.interval} bar${n === 1 ? '' : 's'} left out (${shown}${n > 3 ? ', ...' : ''}): some of ${n === 1 ? 'its' : 'their'} ${r.interval} source bars are missing (a partial bucket at the data's start or end, or a gap), so the exchange's bar is unknown; the rest are exact resamples of ${r.interval} klines`;
}

/** Aligns spot bars to the run's bars by open time (see AlignedSpot); both series sorted by open time. */
export function alignSpot(runOpenTimeMs: Float64Array, spot: Pick<BarColumns, 'length' | 'openTimeMs' | 'close'>, source: string): AlignedSpot {
  const n = runOpenTimeMs.length;
  const close = new Float64Array(n);
  let j = 0;
  let missing = 0;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const t = runOpenTimeMs[i]!;
    while (j < spot.length && spot.openTimeMs[j]! <= t) last = spot.close[j++]!;
    if (j === 0 || spot.openTimeMs[j - 1] !== t) missing++;
    close[i] = last;
  }
  return { source, openTimeMs: runOpenTimeMs, close, missing };
}

/**
 * Loads the spot klines of `symbol` (a file, or the spot klines found under a directory such as ../shared/data),
 * verifies them like the run's own bars and aligns them to `bars`. Throws InputError naming `--spot-data` when none is
 * found or none overlaps the run.
 */
export async function loadSpot(
  path: string,
  symbol: string,
  interval: string,
  bars: EngineBars,
  files: DataFileInfo[],
  verify: VerifySummary[],
  warnings: string[],
  venue?: string,
): Promise<AlignedSpot> {
  const root = resolve(path);
  if (!existsSync(root)) throw new InputError('NOT_FOUND', '--spot-data', `${path} does not exist`, 'pass a spot kline file or a directory holding spot klines');
  const { inferVenueMarket } = await import('../data/import.js');
  const klines = await loadKlines(
    {
      symbol,
      interval: barIntervalOf(interval),
      intervalInput: '--interval',
      inputName: '--spot-data',
      path: root,
      fromMs: bars.openTimeMs[0]!,
      toMs: bars.openTimeMs[bars.length - 1]! + 1,
      // The perpetual's own venue when the path names one: ../shared/data holds Binance and Bybit spot side by side.
      pick: (dir, i) =>
        Promise.resolve(
          findFiles(dir, symbol, i, 'klines').filter((f) => {
            const where = inferVenueMarket(relative(dir, f));
            return where.market === 'spot' && (venue === undefined || where.venue === undefined || where.venue === venue);
          }),
        ),
    },
    files,
    verify,
  );
  const from = klines.origin.resampledFrom;
  const source = klines.paths.map((f) => basename(f)).join(', ') + (from === undefined ? '' : ` (resampled from ${from.interval} to ${interval})`);
  const aligned = alignSpot(bars.openTimeMs, klines.cols, source);
  if (aligned.missing === bars.length) {
    throw new InputError('NOT_FOUND', '--spot-data', `the spot data (${aligned.source}) does not overlap the run's bars`, 'pick --from/--to inside both series, or pass spot klines for the run\'s period');
  }
  if (aligned.missing > 0) warnings.push(`spot: ${aligned.missing} of ${bars.length} run bars have no spot bar of the same time (the last spot close is carried; none before the first)`);
  return aligned;
}

export async function loadFunding(
  req: LoadRequest,
  bars: EngineBars,
  klineDir: string | undefined,
  intervalMs: number,
  files: DataFileInfo[],
  verify: VerifySummary[],
  warnings: string[],
): Promise<FundingColumns | undefined> {
  const spec = req.spec;
  if (spec.funding.kind === 'none') return undefined;
  const fromMs = bars.openTimeMs[0]!;
  const toMs = bars.openTimeMs[bars.length - 1]! + intervalMs;
  let candidates: string[] = [];
  if (req.fundingFile !== undefined) {
    if (!existsSync(req.fundingFile)) throw new InputError('NOT_FOUND', '--funding-file', `${req.fundingFile} does not exist`, 'pass a funding-rate file, or --funding off');
    candidates = [resolve(req.fundingFile)];
  } else if (klineDir !== undefined) {
    const beside = join(dirname(klineDir), 'fundingRate');
    if (existsSync(beside)) candidates = findFiles(beside, spec.symbol, 'fundingRate', '');
  } else {
    try {
      const { readFunding } = await import('../data/cache.js');
      const { venue, market } = cacheVenueMarket(spec);
      const f = readFunding(req.cacheDir, { venue, market, symbol: spec.symbol, kind: 'fundingRate' }, { fromMs, toMs: toMs + 1 });
      return trimFunding(f, fromMs, toMs);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  const parts: FundingColumns[] = [];
  for (const f of candidates) {
    const { cols, summary, rows } = await parseVerified(f, spec.symbol, 'funding');
    const trimmed = trimFunding(cols as FundingColumns, fromMs, toMs);
    if (trimmed.length === 0 && req.fundingFile === undefined) continue;
    parts.push(trimmed);
    verify.push(summary);
    files.push({ path: f, sha256: await sha256Of(f), rows });
  }
  if (parts.length === 0) {
    warnings.push(`no funding-rate history found for ${spec.symbol} in the run's range: funding is NOT charged (pass --funding-file FILE, or --funding off to silence this)`);
    return undefined;
  }
  parts.sort((a, b) => (a.timeMs[0] ?? 0) - (b.timeMs[0] ?? 0));
  const times: number[] = [];
  const rates: number[] = [];
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      if (times.length > 0 && p.timeMs[i]! <= times[times.length - 1]!) continue;
      times.push(p.timeMs[i]!);
      rates.push(p.rate[i]!);
    }
  }
  const last = times[times.length - 1];
  if (last !== undefined && last + 8 * 3_600_000 < toMs) warnings.push(`funding history ends ${new Date(last).toISOString()}, before the run does: later settlements are not charged`);
  return { length: times.length, timeMs: Float64Array.from(times), rate: Float64Array.from(rates) };
}
