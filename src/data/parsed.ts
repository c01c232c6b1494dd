// The result of parsing one market-data file: its columns plus what was learned about it (format, rows, time
// unit, symbol). Pure types and small helpers; must never hold parsing logic.
import type {
  BarColumns,
  BookDepthColumns,
  BookTickerColumns,
  DepthColumns,
  FundingColumns,
  MarkPriceColumns,
  TradeColumns,
} from './columns.js';
import type { DataKind, FileFormat, NameInfo } from './formats.js';

/** The unit a file writes its timestamps in (columns always hold ms, plus µs where noted). */
export type TimeUnit = 's' | 'ms' | 'us' | 'ns';

/** Tells the unit from the digit count of an epoch integer between 2001 and 2286. */
export function timeUnitOfDigits(digits: number): TimeUnit {
  return digits <= 11 ? 's' : digits <= 14 ? 'ms' : digits <= 17 ? 'us' : 'ns';
}

/** A raw websocket capture split by stream; every part keeps the collector's receive time (µs). */
export interface CaptureColumns {
  /** Lines in the file (one message each). */
  readonly messages: number;
  /** Messages per stream name (`depth@0ms`, `bookTicker`, `trade`, `markPrice@1s`, `restDepthSnapshot`, ...). */
  readonly streams: Readonly<Record<string, number>>;
  readonly trades: TradeColumns;
  readonly bookTicker: BookTickerColumns;
  /** REST snapshots (eventKind snapshot) and diff events in file order. */
  readonly depth: DepthColumns;
  readonly markPrice: MarkPriceColumns;
}

interface ParsedCommon {
  /** The file as named in messages. */
  readonly file: string;
  readonly format: FileFormat;
  readonly kind: DataKind;
  readonly name: NameInfo;
  /** Data records read: lines without the header (a depth-row file counts level rows, a capture its messages). */
  readonly rows: number;
  readonly headerRow: boolean;
  /** The unit of the primary timestamp as written in the file (the first row's). */
  readonly timeUnit: TimeUnit;
  /** True when a later row wrote its timestamp in another unit than the first row. */
  readonly mixedTimeUnits: boolean;
  /** The symbol the content names, for formats that carry one. */
  readonly contentSymbol?: string;
  /** First and last primary timestamps in ms (undefined for an empty file). */
  readonly firstMs?: number;
  readonly lastMs?: number;
}

export type ParsedData =
  | (ParsedCommon & { readonly series: 'bars'; readonly bars: BarColumns })
  | (ParsedCommon & { readonly series: 'trades'; readonly trades: TradeColumns })
  | (ParsedCommon & { readonly series: 'bookTicker'; readonly quotes: BookTickerColumns })
  | (ParsedCommon & { readonly series: 'depth'; readonly depth: DepthColumns })
  | (ParsedCommon & { readonly series: 'bookDepth'; readonly bookDepth: BookDepthColumns })
  | (ParsedCommon & { readonly series: 'funding'; readonly funding: FundingColumns })
  | (ParsedCommon & { readonly series: 'markPrice'; readonly markPrice: MarkPriceColumns })
  | (ParsedCommon & { readonly series: 'stream'; readonly capture: CaptureColumns });

/** Tracks the timestamp unit across rows. */
export class UnitTracker {
  firstDigits = 0;
  mixed = false;
  see(digits: number): void {
    if (this.firstDigits === 0) this.firstDigits = digits;
    else if (digits !== this.firstDigits && timeUnitOfDigits(digits) !== timeUnitOfDigits(this.firstDigits)) this.mixed = true;
  }
  get unit(): TimeUnit {
    return timeUnitOfDigits(this.firstDigits || 13);
  }
}

/** First and last value of a time column, or nothing when empty. */
export function timeRange(times: Float64Array): { firstMs?: number; lastMs?: number } {
  const n = times.length;
  return n === 0 ? {} : { firstMs: times[0] as number, lastMs: times[n - 1] as number };
}
