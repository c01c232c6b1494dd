// Imports market-data files into the columnar cache: parse -> verify -> stage -> commit. Every cached kind is read
// in parts (a file bigger than memory works); all months of one import are committed by one rename (a crash leaves
// the cache as it was or with the whole import). Must never cache unverified data or leave part of an import.
import { basename } from 'node:path';
import { InputError } from '../core/errors.js';
import { type CacheKey, type CacheSeries, columnsOf, type FlatColumns, monthOf, seriesDir, TIME_COLUMN, type WriteResult, writeSeries } from './cache.js';
import { SeriesTransaction } from './cache-generation.js';
import { columnBytes } from './columns.js';
import { type DataKind, type FileFormat, kindOfFormat, nameInfo, sniffFormat } from './formats.js';
import { DEFAULT_PART_ROWS } from './parse-context.js';
import { PARTED_FORMATS, parseFile, readFirstLine } from './parse-file.js';
import type { ParsedData } from './parsed.js';
import { PartitionWriter } from './partition-writer.js';
import { type Gap, type VerifyIssue, verifyParsed, type VerifyReport } from './verify.js';

export interface ImportOptions {
  readonly cacheDir: string;
  /** Override what the path says; the symbol is also checked against the file's name and rows. */
  readonly venue?: string;
  readonly market?: string;
  readonly symbol?: string;
  /** Overwrite cached months instead of merging. */
  readonly replace?: boolean;
  /** Rows a part holds at most (default DEFAULT_PART_ROWS); smaller bounds memory tighter, at some speed. */
  readonly partRows?: number;
}

/** How the file was read: parts handed over and the largest one (its rows include the carried overlap). */
export interface PartStats {
  readonly count: number;
  readonly maxRows: number;
  /** Bytes of the largest part's typed-array columns. */
  readonly maxBytes: number;
}

export interface ImportResult {
  readonly file: string;
  readonly key: CacheKey;
  readonly series: CacheSeries;
  readonly rows: number;
  readonly partitions: readonly WriteResult[];
  readonly report: VerifyReport;
  /** Set when the file was read in parts (every cached format but freqtrade JSON). */
  readonly parts?: PartStats;
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
    case 'bookDepth':
      return { series: 'bookDepth', columns: data.bookDepth as unknown as FlatColumns };
    case 'depth':
    case 'stream':
      throw new InputError(
        'INVALID_OPTION',
        data.file,
        `${data.kind} files are not cached (order-book events are read straight from the file)`,
        'pass klines, trades, aggTrades, bookTicker, bookDepth, fundingRate or markPrice files to import',
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
 * partition. Every format but freqtrade JSON is read in parts: see importInParts.
 */
export async function importFile(path: string, options: ImportOptions): Promise<ImportResult> {
  const format = sniffFormat(path, await readFirstLine(path)).format;
  const kind = kindOfFormat(format, nameInfo(path).klineKind);
  if (kind === 'depth' || kind === 'stream') {
    throw new InputError(
      'INVALID_OPTION',
      path,
      `${kind} files are not cached (order-book events are read straight from the file)`,
      'pass klines, trades, aggTrades, bookTicker, bookDepth, fundingRate or markPrice files to import',
    );
  }
  if (PARTED_FORMATS.includes(format)) return importInParts(path, format, options);
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

/** A report line number for a part, whose rows count from its first (carried) row: shifted to the file's line. */
function shiftLines(issues: readonly VerifyIssue[], rows: number): VerifyIssue[] {
  return issues.map((i) => (i.line === undefined ? i : { ...i, line: i.line + rows }));
}

/**
 * The import of a file read in parts (PartPolicy: at most one UTC month and `partRows` rows each, plus the rows
 * carried over from the previous part). Each part is verified as soon as it is read (the carried rows let order,
 * steps and gaps be checked across the cut) and appended to its month's PartitionWriter, which spills it to disk;
 * a month is assembled when the next one starts. All months are staged in one generation and committed together
 * (SeriesTransaction); any parse or verify error aborts it, so nothing is cached. Peak memory is about one part.
 * Each partition's meta records the gaps found in its own month (a gap across a month boundary goes to the later).
 */
async function importInParts(path: string, format: FileFormat, options: ImportOptions): Promise<ImportResult> {
  const symbolOption = options.symbol ? { symbol: options.symbol } : {};
  const gaps: Gap[] = [];
  const warnings = new Set<string>();
  const partitions: WriteResult[] = [];
  let tx: SeriesTransaction | undefined;
  let key: CacheKey | undefined;
  let series: CacheSeries | undefined;
  let writer: PartitionWriter | undefined;
  let monthGaps: Gap[] = [];
  let intervalMs: number | undefined;
  const stats = { count: 0, maxRows: 0, maxBytes: 0 };
  const meta = (): Record<string, unknown> => ({ source: basename(path), format, gaps: monthGaps.slice(0, 100), ...key });
  try {
    const data = await parseFile(path, {
      format,
      parts: {
        maxRows: options.partRows ?? DEFAULT_PART_ROWS,
        onPart: (part, firstRow, carried) => {
          const report = verifyParsed(part, { ...symbolOption, carriedRows: carried });
          refuseIfErrors(part.file, { ...report, errors: shiftLines(report.errors, firstRow - carried) });
          const { series: s, columns } = seriesOf(part);
          stats.count++;
          stats.maxRows = Math.max(stats.maxRows, columns.length);
          stats.maxBytes = Math.max(stats.maxBytes, columnBytes(columns));
          if (tx === undefined) {
            key = keyOf(path, part, report, options);
            series = s;
            tx = SeriesTransaction.begin(seriesDir(options.cacheDir, key));
          }
          intervalMs = report.intervalMs ?? intervalMs;
          for (const w of report.warnings) if (warnings.size < 20) warnings.add(w);
          const cols = columnsOf(columns);
          const month = monthOf((cols[TIME_COLUMN[s]] as Float64Array)[carried] as number);
          if (writer?.month !== month) {
            if (writer !== undefined) partitions.push(writer.finish(meta(), options.replace === true));
            writer = new PartitionWriter(month, tx, s);
            monthGaps = [];
          }
          gaps.push(...report.gaps);
          monthGaps.push(...report.gaps);
          writer.append(cols, carried, columns.length, s === 'trades' ? (columns.priceScale as number) : undefined);
        },
      },
    });
    if (writer !== undefined) partitions.push(writer.finish(meta(), options.replace === true));
    writer = undefined;
    if (tx === undefined || key === undefined || series === undefined) {
      // An empty file: nothing to cache, but the key is still told (or refused) as for any other file.
      const report = verifyParsed(data, symbolOption);
      return { file: data.file, key: keyOf(path, data, report, options), series: seriesOf(data).series, rows: 0, partitions: [], report, parts: stats };
    }
    tx.commit();
    const report = streamedReport(data, gaps, [...warnings], intervalMs);
    return { file: data.file, key, series, rows: data.rows, partitions, report, parts: stats };
  } catch (e) {
    writer?.discard();
    tx?.abort();
    throw e;
  }
}
/** The whole file's report, assembled from the parts (each of which had no error). */
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
