// Finds, parses, verifies and concatenates kline and other input files of a backtest, and names the cache folder of
// an instrument: the file-level primitives the loaders share. Must never write anything nor return unverified data.
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { InputError } from '../core/errors.js';
import type { BarColumns, BookTickerColumns, FundingColumns, TradeColumns } from '../data/columns.js';
import type { InstrumentSpec } from '../domain/instrument.js';

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
): Promise<{ cols: BarColumns | FundingColumns | TradeColumns | BookTickerColumns; summary: VerifySummary; rows: number; intervalMs: number | undefined }> {
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
  // The bar interval the verifier used: the file name's (`BTCUSDT-1m-...`), else the most common step in its rows.
  return { cols, summary, rows: report.rows, intervalMs: report.intervalMs };
}

/** Concatenates bar files in time order; rows of a later file at or before the last time already taken are skipped. */
export function concatBars(parts: readonly BarColumns[]): BarColumns {
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
