// Loads what a backtest reads: the instrument's bars (a file, a ../shared/data-like directory, or the cache), verified
// first, trimmed to the range and converted once to integer ticks, plus the funding-rate history found beside them and,
// when asked, the same symbol's spot bars aligned to them. Must never write anything or run on unverified data.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import type { BarColumns, BookTickerColumns, FundingColumns, TradeColumns } from '../data/columns.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { EngineBars } from '../engine/engine.js';
import type { MarkBarColumns } from '../venues/simulated/bar-fill-model.js';

/** One input file and its sha256, recorded in run.json. */
export interface DataFileInfo {
  readonly path: string;
  readonly sha256: string;
  readonly rows: number;
}

/** The result of verifying one input, for the run's report. */
export interface VerifySummary {
  readonly file: string;
  readonly rows: number;
  readonly gaps: number;
  readonly missingBars: number;
  readonly warnings: readonly string[];
}

export interface LoadedData {
  readonly bars: EngineBars;
  readonly intervalMs: number;
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
  /** The strategy's bar interval (e.g. "1m"). */
  readonly interval: string;
  readonly data?: string;
  readonly fundingFile?: string;
  readonly fundingOn: boolean;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly cacheDir: string;
  /** Spot bars of the same symbol and interval: a kline file, or a directory searched for spot klines. */
  readonly spot?: string;
}

/** The cache's venue and market folder names for an instrument's venue. */
export function cacheVenueMarket(spec: InstrumentSpec): { readonly venue: string; readonly market: string } {
  switch (spec.venue) {
    case 'BINANCE':
      return { venue: 'binance', market: 'um' };
    case 'BINANCECOINM':
      return { venue: 'binance', market: 'cm' };
    case 'BYBIT':
      return { venue: 'bybit', market: spec.contractType === 'inverse' ? 'inverse' : 'linear' };
    default:
      return { venue: spec.venue.toLowerCase(), market: spec.contractType };
  }
}

export async function sha256Of(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Files under `dir` (recursively, sorted) whose name is `<symbol>-<part>-...` in a folder named `kind`. */
export function findFiles(dir: string, symbol: string, part: string, kind: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (depth < 4) walk(p, depth + 1);
      } else if (name.startsWith(`${symbol}-${part}-`) && (basename(d) === kind || basename(dirname(p)) === kind || kind === '')) out.push(p);
    }
  };
  walk(dir, 0);
  return out;
}

/**
 * Keeps the files of the instrument's venue and market where the path says (../shared/data holds spot and futures
 * klines of the same symbol side by side); a path that names neither is kept.
 */
export async function ofThisMarket(files: readonly string[], root: string, spec: InstrumentSpec): Promise<string[]> {
  const { inferVenueMarket } = await import('../data/import.js');
  const want = cacheVenueMarket(spec);
  return files.filter((f) => {
    const { venue, market } = inferVenueMarket(relative(root, f));
    return (venue === undefined || venue === want.venue) && (market === undefined || market === want.market);
  });
}

export async function parseVerified(
  path: string,
  symbol: string,
  expect: 'bars' | 'funding' | 'trades' | 'bookTicker',
): Promise<{ cols: BarColumns | FundingColumns | TradeColumns | BookTickerColumns; summary: VerifySummary; rows: number }> {
  const { parseFile } = await import('../data/parse-file.js');
  const { verifyParsed } = await import('../data/verify.js');
  const data = await parseFile(path);
  if (data.series !== expect) {
    const wanted = { bars: 'klines', funding: 'funding rates', trades: 'trades or aggTrades', bookTicker: 'bookTicker quotes' }[expect];
    throw new InputError('INVALID_FILE', path, `holds ${data.kind}, not ${wanted}`, expect === 'funding' ? 'pass a funding-rate file with --funding-file' : `pass a file of ${wanted} with --data`);
  }
  const report = verifyParsed(data, { symbol });
  if (report.errorCount > 0) {
    const e = report.errors[0]!;
    throw new InputError(
      'INVALID_DATA',
      e.line !== undefined ? `${path}:${e.line}` : path,
      `${e.message}${report.errorCount > 1 ? ` (and ${report.errorCount - 1} more problems)` : ''}`,
      `run \`microfut data verify ${path}\` for the full report and fix or replace the file`,
    );
  }
  const summary: VerifySummary = {
    file: path,
    rows: report.rows,
    gaps: report.gaps.length,
    missingBars: report.gaps.reduce((n, g) => n + g.missing, 0),
    warnings: report.warnings,
  };
  const cols = data.series === 'bars' ? data.bars : data.series === 'trades' ? data.trades : data.series === 'bookTicker' ? data.quotes : (data as { funding: FundingColumns }).funding;
  return { cols, summary, rows: report.rows };
}

/** Concatenates bar files in time order; rows of a later file at or before the last time already taken are skipped. */
function concatBars(parts: readonly BarColumns[]): BarColumns {
  if (parts.length === 1) return parts[0]!;
  const sorted = [...parts].sort((a, b) => (a.openTimeMs[0] ?? 0) - (b.openTimeMs[0] ?? 0));
  const total = sorted.reduce((n, p) => n + p.length, 0);
  const cols = { openTimeMs: new Float64Array(total), open: new Float64Array(total), high: new Float64Array(total), low: new Float64Array(total), close: new Float64Array(total), volume: new Float64Array(total) };
  let n = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (const p of sorted) {
    for (let i = 0; i < p.length; i++) {
      const t = p.openTimeMs[i]!;
      if (t <= last) continue;
      last = t;
      cols.openTimeMs[n] = t;
      cols.open[n] = p.open[i]!;
      cols.high[n] = p.high[i]!;
      cols.low[n] = p.low[i]!;
      cols.close[n] = p.close[i]!;
      cols.volume[n] = p.volume[i]!;
      n++;
    }
  }
  return {
    length: n,
    openTimeMs: cols.openTimeMs.subarray(0, n),
    open: cols.open.subarray(0, n),
    high: cols.high.subarray(0, n),
    low: cols.low.subarray(0, n),
    close: cols.close.subarray(0, n),
    volume: cols.volume.subarray(0, n),
  };
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
  let barCols: BarColumns;
  let klineDir: string | undefined;
  if (req.data !== undefined) {
    const path = resolve(req.data);
    if (!existsSync(path)) throw new InputError('NOT_FOUND', '--data', `${req.data} does not exist`, 'pass a kline file or a directory of them');
    const barFiles = statSync(path).isDirectory() ? await ofThisMarket(findFiles(path, spec.symbol, req.interval, 'klines'), path, spec) : [path];
    if (barFiles.length === 0) {
      throw new InputError('NOT_FOUND', '--data', `no ${spec.symbol}-${req.interval}-* kline file under ${req.data}`, `pass the file itself, or a directory with ${spec.symbol}-${req.interval}-*.csv[.gz] files`);
    }
    const parts: BarColumns[] = [];
    for (const f of barFiles) {
      const { cols, summary, rows } = await parseVerified(f, spec.symbol, 'bars');
      parts.push(cols as BarColumns);
      verify.push(summary);
      files.push({ path: f, sha256: await sha256Of(f), rows });
    }
    barCols = concatBars(parts);
    klineDir = dirname(barFiles[0]!);
  } else {
    const { readBars } = await import('../data/cache.js');
    const { venue, market } = cacheVenueMarket(spec);
    barCols = readBars(req.cacheDir, { venue, market, symbol: spec.symbol, kind: 'klines', interval: req.interval }, {
      ...(req.fromMs !== undefined ? { fromMs: req.fromMs } : {}),
      ...(req.toMs !== undefined ? { toMs: req.toMs } : {}),
    });
    files.push({ path: `cache:${venue}/${market}/${spec.symbol}/klines-${req.interval}`, sha256: 'verified at import', rows: barCols.length });
  }
  const bars = toEngineBars(barCols, spec, req.fromMs, req.toMs, req.data ?? 'cache');
  if (bars.length === 0) {
    throw new InputError('NOT_FOUND', '--from/--to', 'no bars fall in the range', 'pick a range inside the data, or drop --from/--to to run all of it');
  }
  const funding = req.fundingOn ? await loadFunding(req, bars, klineDir, intervalMs, files, verify, warnings) : undefined;
  const spot = req.spot === undefined ? undefined : await loadSpot(req.spot, spec.symbol, req.interval, bars, files, verify, warnings);
  return { bars, intervalMs, funding, files, verify, warnings, ...(spot !== undefined ? { spot } : {}) };
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
): Promise<AlignedSpot> {
  const root = resolve(path);
  if (!existsSync(root)) throw new InputError('NOT_FOUND', '--spot-data', `${path} does not exist`, 'pass a spot kline file or a directory holding spot klines');
  const { inferVenueMarket } = await import('../data/import.js');
  const spotFiles = statSync(root).isDirectory() ? findFiles(root, symbol, interval, 'klines').filter((f) => inferVenueMarket(relative(root, f)).market === 'spot') : [root];
  if (spotFiles.length === 0) {
    throw new InputError('NOT_FOUND', '--spot-data', `no spot ${symbol}-${interval}-* kline file under ${path}`, `pass the file itself, or a directory with spot/klines/${symbol}-${interval}-*.csv[.gz]`);
  }
  const parts: BarColumns[] = [];
  for (const f of spotFiles) {
    const { cols, summary, rows } = await parseVerified(f, symbol, 'bars');
    parts.push(cols as BarColumns);
    verify.push(summary);
    files.push({ path: f, sha256: await sha256Of(f), rows });
  }
  const aligned = alignSpot(bars.openTimeMs, concatBars(parts), spotFiles.map((f) => basename(f)).join(', '));
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
