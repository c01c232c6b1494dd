// The shape of a verify report (gaps, issues, counters) shared by the whole-file and the part-by-part verifier.
// Types only: must never hold a check.
import type { TimeUnit } from './parsed.js';

/**
 * A run of missing records. For bars: `from`/`to` are the open times (ms) of the first and last missing bar and
 * `missing` their count. For funding: the first and last missing settlement times (ms, rounded to the minute).
 * For trades and book updates: the first and last missing id.
 */
export interface Gap {
  readonly of: 'bars' | 'funding' | 'trade ids';
  readonly from: number;
  readonly to: number;
  readonly missing: number;
}

/** One problem, with the file line (1-based, header counted) when it is about one row. */
export interface VerifyIssue {
  readonly line?: number;
  readonly message: string;
}

export interface VerifyReport {
  readonly file: string;
  readonly kind: string;
  readonly format: string;
  readonly rows: number;
  readonly firstMs?: number;
  readonly lastMs?: number;
  readonly timeUnit: TimeUnit;
  /** The bar or funding interval found in the data (the most common step among the first 10,000 rows), in ms. */
  readonly intervalMs?: number;
  /** Every missing range, in file order. */
  readonly gaps: readonly Gap[];
  readonly duplicates: number;
  readonly outOfOrder: number;
  readonly ohlcViolations: number;
  /**
   * Problems that make the data wrong: those about the whole file (symbol, time units, interval) first, then those
   * about rows in file order; at most 50 are listed, `errorCount` has the total.
   */
  readonly errors: readonly VerifyIssue[];
  readonly errorCount: number;
  readonly warnings: readonly string[];
  /** True when there are no errors and no gaps. */
  readonly clean: boolean;
}

export interface VerifyOptions {
  /** The symbol the caller expects; a file naming another one (in its name or content) is an error. */
  readonly symbol?: string;
  /**
   * The first rows repeat the end of the previous part of a file read in parts (see PartPolicy): checks of one row
   * skip them, checks between neighbours start at them, so nothing is reported twice and nothing across a cut is
   * missed. Row numbers in issues still count from the part's first row (carried rows included).
   */
  readonly carriedRows?: number;
}
