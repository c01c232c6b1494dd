// Imports market-data files into the columnar cache: parse -> verify -> stage each month's partition -> commit
// all months together. Candle files stream month by month (bigger than memory works). A file with any verify
// error is refused and leaves nothing. Must never cache unverified data or leave part of an import.
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { type CacheKey, type CacheSeries, columnsOf, type FlatColumns, monthOf, planMonth, seriesDir, type WriteResult, writeSeries } from './cache.js';
import { commitStaged, discardStaged, type StagedPartition, stagePlan } from './cache-staging.js';
import { type DataKind, type FileFormat, sniffFormat } from './formats.js';
import { MONTH_STREAMED_FORMATS, parseFile, readFirstLine } from './parse-file.js';
import type { ParsedData } from './parsed.js';
import { type Gap, type VerifyIssue, verifyParsed, type VerifyReport } from './verify.js';

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

/** Refuses a file whose verify report has errors: the message names the file and line of the first one. */
function refuseIfErrors(file: string, report: VerifyReport): void {
  if (report.errorCount === 0) return;
  const firstError = report.errors[0];
  throw new InputError(
    'INVALID_DATA',
    firstError?.line !== undefined ? `${file}:${firstError.line}` : file,
    `${firstError?.message ?? 'verify failed'}${report.errorCount > 1 ? ` (and ${report.errorCount - 1} more problems)` : ''}`,
    'nothing was cached; run `microfut data verify` on the file for the full list, fix or re-download it',
  );
}

function keyOf(path: string, data: ParsedData, report: VerifyReport, options: ImportOptions): CacheKey {
  const inferred = inferVenueMarket(path);
  const venue = options.venue ?? inferred.venue;
  const market = options.market ?? inferred.market;
  const symbol = options.symbol ?? data.contentSymbol ?? data.name.symbol;
  const missing = [!venue && '--venue', !market && '--market', !symbol && '--symbol'].filter(Boolean);
  if (missing.length > 0) {
    throw new InputError('MISSING_OPTION', path, `cannot tell ${missing.join(', ')} from the path or the rows`, `pass ${missing.join(' ')}`);
  }
  const interval = CANDLE_KINDS.includes(data.kind)
    ? (data.name.interval ?? (report.intervalMs !== undefined ? intervalName(report.intervalMs) : undefined))
    : undefined;
  if (CANDLE_KINDS.includes(data.kind) && !interval) {
    throw new InputError('INVALID_DATA', path, 'cannot tell the candle interval (fewer than two bars and no interval in the name)', 'name the file <SYMBOL>-<interval>-<period>');
  }
  return { venue: venue as string, market: market as string, symbol: symbol as string, kind: data.kind, ...(interval ? { interval } : {}) };
}

/**
 * Parses, verifies and caches one file. Throws InputError (naming file and line) when the file does not parse,
 * fails a verify check, names another symbol than asked, or when venue/market/symbol cannot be told; then
 * nothing is cached. Gaps are allowed (they are facts of the data, e.g. an exchange outage) and recorded in the
 * partition. Candle files in the data.binance.vision layout are streamed: see importStreamed.
 */
export async function importFile(path: string, options: ImportOptions): Promise<ImportResult> {
  const format = sniffFormat(path, await readFirstLine(path)).format;
  if (MONTH_STREAMED_FORMATS.includes(format)) return importStreamed(path, format, options);
  const data = await parseFile(path, { format });
  const report = verifyParsed(data, options.symbol ? { symbol: options.symbol } : {});
  refuseIfErrors(data.file, report);
  const key = keyOf(path, data, report, options);
  const { series, columns } = seriesOf(data);
  const partitions = data.rows === 0 ? [] : writeSeries(options.cacheDir, key, series, columns, {
    source: basename(path),
    format: data.format,
    gaps: report.gaps.slice(0, 100),
  }, options.replace ? { replace: true } : {});
  return { file: data.file, key, series, rows: data.rows, partitions, report };
}

/** A report line number for a month part, whose lines count from its first row: shifted to the file's line. */
function shiftLines(issues: readonly VerifyIssue[], rows: number): VerifyIssue[] {
  return issues.map((i) => (i.line === undefined ? i : { ...i, line: i.line + rows }));
}

/**
 * The streaming import of a candle file: each UTC month is verified as soon as the parser hands it over (with
 * the previous month's last bar, so order and gaps are checked across months too), staged as a temp partition
 * and freed; only when the whole file parsed and verified are all months renamed into place. Any error removes
 * every staged file and the series folders this import created. Peak memory is about one month of bars.
 * Partition meta records the gaps of its own month (a gap across a month boundary goes to the later month).
 */
async function importStreamed(path: string, format: FileFormat, options: ImportOptions): Promise<ImportResult> {
  const staged: StagedPartition[] = [];
  const gaps: Gap[] = [];
  const warnings = new Set<string>();
  let key: CacheKey | undefined;
  let dir: string | undefined;
  let createdFrom: string | undefined;
  let stepMs: number | undefined;
  let lastMs: number | undefined;
  try {
    const data = await parseFile(path, {
      format,
      onMonth: (part, firstRow) => {
        if (part.series !== 'bars') return;
        const report = verifyParsed(part, options.symbol ? { symbol: options.symbol } : {});
        const monthGaps: Gap[] = [];
        const t0 = part.bars.openTimeMs[0] as number;
        const errors = shiftLines(report.errors, firstRow);
        let errorCount = report.errorCount;
        stepMs = report.intervalMs ?? stepMs;
        if (lastMs !== undefined && stepMs !== undefined && t0 - lastMs !== stepMs) {
          const d = t0 - lastMs;
          if (d % stepMs === 0) monthGaps.push({ of: 'bars', from: lastMs + stepMs, to: t0 - stepMs, missing: d / stepMs - 1 });
          else {
            errorCount++;
            errors.unshift({ line: firstRow + 1 + (part.headerRow ? 1 : 0), message: `bar at ${new Date(t0).toISOString()} is ${d} ms after the previous one, not a multiple of ${stepMs} ms` });
          }
        }
        refuseIfErrors(part.file, { ...report, errors, errorCount });
        monthGaps.push(...report.gaps);
        gaps.push(...monthGaps);
        for (const w of report.warnings) warnings.add(w);
        lastMs = part.lastMs;
        if (key === undefined || dir === undefined) {
          key = keyOf(path, part, report, options);
          dir = seriesDir(options.cacheDir, key);
          createdFrom = existingAncestor(dir);
          mkdirSync(dir, { recursive: true });
        }
        const plan = planMonth(dir, 'bars', monthOf(t0), columnsOf(part.bars), part.bars.length, undefined, options.replace ? { replace: true } : {});
        staged.push(stagePlan('bars', plan, { source: basename(path), format: part.format, gaps: monthGaps.slice(0, 100), ...key }));
      },
    });
    if (key === undefined) key = keyOf(path, data, verifyParsed(data, options.symbol ? { symbol: options.symbol } : {}), options);
    const report = streamedReport(data, gaps, [...warnings], stepMs);
    commitStaged(staged);
    const partitions: WriteResult[] = staged.map((s) => ({ month: s.month, path: s.path, rows: s.rows, alreadyCached: s.alreadyCached }));
    return { file: data.file, key, series: 'bars', rows: data.rows, partitions, report };
  } catch (e) {
    discardStaged(staged);
    if (dir !== undefined && createdFrom !== undefined) removeEmptyDirs(dir, createdFrom);
    throw e;
  }
}

/** The whole file's report, assembled from the months (each of which had no error). */
function streamedReport(data: ParsedData, gaps: readonly Gap[], warnings: readonly string[], intervalMs: number | undefined): VerifyReport {
  return {
    file: data.file,
    kind: data.kind,
    format: data.format,
    rows: data.rows,
    ...(data.firstMs === undefined ? {} : { firstMs: data.firstMs }),
    ...(data.lastMs === undefined ? {} : { lastMs: data.lastMs }),
    timeUnit: data.timeUnit,
    ...(intervalMs === undefined ? {} : { intervalMs }),
    gaps,
    duplicates: 0,
    outOfOrder: 0,
    ohlcViolations: 0,
    errors: [],
    errorCount: 0,
    warnings,
    clean: gaps.length === 0,
  };
}

/** The deepest ancestor of `dir` (or `dir` itself) that exists now. */
function existingAncestor(dir: string): string {
  let d = resolve(dir);
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

/** Removes `dir` and its parents up to (not including) `stop` while they are empty: folders this import made. */
function removeEmptyDirs(dir: string, stop: string): void {
  for (let d = resolve(dir); d !== stop && d.length > stop.length; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
  }
}
