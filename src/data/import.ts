// Imports market-data files into the columnar cache: parse -> verify -> write each month's partition. A file
// with any verify error is refused before anything is written. Must never cache unverified data.
import { basename } from 'node:path';
import { InputError } from '../core/errors.js';
import { type CacheKey, type CacheSeries, type FlatColumns, type WriteResult, writeSeries } from './cache.js';
import type { DataKind } from './formats.js';
import { parseFile } from './parse-file.js';
import type { ParsedData } from './parsed.js';
import { verifyParsed, type VerifyReport } from './verify.js';

export interface ImportOptions {
  readonly cacheDir: string;
  /** Override what the path says; the symbol is also checked against the file's name and rows. */
  readonly venue?: string;
  readonly market?: string;
  readonly symbol?: string;
  /** Overwrite cached months instead of merging. */
  readonly replace?: boolean;
}

export interface ImportResult {
  readonly file: string;
  readonly key: CacheKey;
  readonly series: CacheSeries;
  readonly rows: number;
  readonly partitions: readonly WriteResult[];
  readonly report: VerifyReport;
}

const MARKETS: Record<string, string> = { 'futures-um': 'um', um: 'um', 'futures-cm': 'cm', cm: 'cm', spot: 'spot', linear: 'linear', inverse: 'inverse' };
const VENUES = ['binance', 'bybit'];

/** Venue and market from a path such as `.../binance/futures-um/klines/...` or data.binance.vision's `.../futures/um/...`. */
export function inferVenueMarket(path: string): { venue?: string; market?: string } {
  const parts = path.replace(/\\/g, '/').toLowerCase().split('/');
  const venue = parts.find((p) => VENUES.includes(p));
  let market: string | undefined;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    if (p === 'futures' && (parts[i + 1] === 'um' || parts[i + 1] === 'cm')) market = parts[i + 1];
    else if (MARKETS[p] && p !== 'um' && p !== 'cm') market = MARKETS[p];
  }
  const visionLayout = parts.includes('futures') || parts.includes('spot');
  return { ...(venue ? { venue } : visionLayout ? { venue: 'binance' } : {}), ...(market ? { market } : {}) };
}

function seriesOf(data: ParsedData): { series: CacheSeries; columns: FlatColumns } {
  switch (data.series) {
    case 'bars':
      return { series: 'bars', columns: data.bars as unknown as FlatColumns };
    case 'trades':
      return { series: 'trades', columns: data.trades as unknown as FlatColumns };
    case 'funding':
      return { series: 'funding', columns: data.funding as unknown as FlatColumns };
    case 'bookTicker':
      return { series: 'bookTicker', columns: data.quotes as unknown as FlatColumns };
    case 'markPrice':
      return { series: 'markPrice', columns: data.markPrice as unknown as FlatColumns };
    case 'depth':
    case 'stream':
      throw new InputError(
        'INVALID_OPTION',
        data.file,
        `${data.kind} files are not cached (order-book events are read straight from the file)`,
        'pass klines, trades, aggTrades, bookTicker, fundingRate or markPrice files to import',
      );
  }
}

const CANDLE_KINDS: readonly DataKind[] = ['klines', 'markPriceKlines', 'indexPriceKlines', 'premiumIndexKlines'];

function intervalName(ms: number): string {
  const units: readonly [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/**
 * Parses, verifies and caches one file. Throws InputError (naming file and line) when the file does not parse,
 * fails a verify check, names another symbol than asked, or when venue/market/symbol cannot be told.
 * Gaps are allowed (they are facts of the data, e.g. an exchange outage) and recorded in the partition.
 */
export async function importFile(path: string, options: ImportOptions): Promise<ImportResult> {
  const data = await parseFile(path);
  const inferred = inferVenueMarket(path);
  const venue = options.venue ?? inferred.venue;
  const market = options.market ?? inferred.market;
  const symbol = options.symbol ?? data.contentSymbol ?? data.name.symbol;
  const report = verifyParsed(data, options.symbol ? { symbol: options.symbol } : {});
  if (report.errorCount > 0) {
    const firstError = report.errors[0];
    throw new InputError(
      'INVALID_DATA',
      firstError?.line !== undefined ? `${data.file}:${firstError.line}` : data.file,
      `${firstError?.message ?? 'verify failed'}${report.errorCount > 1 ? ` (and ${report.errorCount - 1} more problems)` : ''}`,
      'nothing was cached; run `microfut data verify` on the file for the full list, fix or re-download it',
    );
  }
  const missing = [!venue && '--venue', !market && '--market', !symbol && '--symbol'].filter(Boolean);
  if (missing.length > 0) {
    throw new InputError('MISSING_OPTION', path, `cannot tell ${missing.join(', ')} from the path or the rows`, `pass ${missing.join(' ')}`);
  }
  const { series, columns } = seriesOf(data);
  const interval = CANDLE_KINDS.includes(data.kind)
    ? (data.name.interval ?? (report.intervalMs !== undefined ? intervalName(report.intervalMs) : undefined))
    : undefined;
  if (CANDLE_KINDS.includes(data.kind) && !interval) {
    throw new InputError('INVALID_DATA', path, 'cannot tell the candle interval (fewer than two bars and no interval in the name)', 'name the file <SYMBOL>-<interval>-<period>');
  }
  const key: CacheKey = { venue: venue as string, market: market as string, symbol: symbol as string, kind: data.kind, ...(interval ? { interval } : {}) };
  const partitions = data.rows === 0 ? [] : writeSeries(options.cacheDir, key, series, columns, {
    source: basename(path),
    format: data.format,
    gaps: report.gaps.slice(0, 100),
  }, options.replace ? { replace: true } : {});
  return { file: data.file, key, series, rows: data.rows, partitions, report };
}
