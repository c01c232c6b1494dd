// Verifies a file fed part by part (as parseFile hands parts over) with every check's state carried across the
// cuts, so the report equals the whole-file one while memory stays one part. Must never keep a part's rows.
import { InvariantError } from '../core/errors.js';
import type { ParsedData } from './parsed.js';
import { BarChecker } from './verify-bars.js';
import { Findings } from './verify-findings.js';
import type { VerifyReport } from './verify-report.js';
import { BookDepthChecker, DepthChainChecker, FundingChecker, IncreasingChecker, QuoteChecker, TradeChecker } from './verify-series.js';

/** The checks of one series, fed a part's rows: `prime` the repeated rows [0, end), `check` the part's own rows. */
interface PartChecker {
  prime(part: ParsedData, end: number): void;
  check(part: ParsedData, start: number, firstRow: number): void;
  finish(): void;
}

function wrongSeries(expected: string, part: ParsedData): never {
  throw new InvariantError(`every part of ${part.file} to hold ${expected}`, `a ${part.series} part`);
}

function checkerFor(first: ParsedData, f: Findings): PartChecker {
  switch (first.series) {
    case 'bars': {
      const c = new BarChecker(f, first.name.interval, first.kind === 'premiumIndexKlines');
      const cols = (p: ParsedData) => (p.series === 'bars' ? p.bars : wrongSeries('bars', p));
      return { prime: (p, end) => c.prime(cols(p), end), check: (p, s, r) => c.check(cols(p), s, r), finish: () => c.finish() };
    }
    case 'trades': {
      const c = new TradeChecker(f);
      const cols = (p: ParsedData) => (p.series === 'trades' ? p.trades : wrongSeries('trades', p));
      return { prime: (p, end) => c.prime(cols(p), end), check: (p, s, r) => c.check(cols(p), s, r), finish: () => c.finish() };
    }
    case 'bookTicker': {
      const c = new QuoteChecker(f);
      const cols = (p: ParsedData) => (p.series === 'bookTicker' ? p.quotes : wrongSeries('bookTicker', p));
      return { prime: (p, end) => c.prime(cols(p), end), check: (p, s, r) => c.check(cols(p), s, r), finish: () => c.finish() };
    }
    case 'bookDepth': {
      const c = new BookDepthChecker(f);
      const cols = (p: ParsedData) => (p.series === 'bookDepth' ? p.bookDepth : wrongSeries('bookDepth', p));
      return { prime: (p, end) => c.prime(cols(p), end), check: (p, s, r) => c.check(cols(p), s, r), finish: () => c.finish() };
    }
    case 'funding': {
      const c = new FundingChecker(f);
      const cols = (p: ParsedData) => (p.series === 'funding' ? p.funding.timeMs : wrongSeries('funding', p));
      return { prime: (p, end) => c.prime(cols(p), end), check: (p, s, r) => c.check(cols(p), s, r), finish: () => c.finish() };
    }
    case 'markPrice': {
      const c = new IncreasingChecker(f, 'event time');
      const cols = (p: ParsedData) => (p.series === 'markPrice' ? p.markPrice.timeMs : wrongSeries('markPrice', p));
      return { prime: (p, end) => c.prime(cols(p), end), check: (p, s, r) => c.check(cols(p), s, r), finish: () => undefined };
    }
    case 'depth': {
      const c = new DepthChainChecker(f);
      const cols = (p: ParsedData) => (p.series === 'depth' ? p.depth : wrongSeries('depth', p));
      return { prime: () => undefined, check: (p) => c.check(cols(p)), finish: () => c.finish() };
    }
    case 'stream': {
      // Row numbers inside a capture's streams are not file lines, so these issues carry no line.
      const trades = new TradeChecker(f, 'trade stream: ', false);
      const quotes = new QuoteChecker(f, 'bookTicker stream: ', false);
      const depth = new DepthChainChecker(f, 'depth stream: ');
      const cols = (p: ParsedData) => (p.series === 'stream' ? p.capture : wrongSeries('stream', p));
      return {
        prime: () => undefined,
        check: (p) => {
          const capture = cols(p);
          trades.check(capture.trades, 0, 0);
          quotes.check(capture.bookTicker, 0, 0);
          depth.check(capture.depth);
        },
        finish: () => {
          quotes.finish();
          depth.finish();
        },
      };
    }
  }
}

/**
 * Feed with `push` every part in file order (a whole file is one part), then call `finish` once with what the
 * parser returned. The report is the same whatever the cuts: checks between neighbours carry the previous row,
 * gaps are found across cuts, the interval comes from the first 10,000 rows, counts and warnings add up.
 */
export class VerifyStream {
  private readonly f = new Findings();
  private checker: PartChecker | undefined;
  private fed = false;

  constructor(private readonly symbol?: string) {}

  /**
   * One part: rows [0, carried) repeat the end of the previous part (see PartPolicy) and rows from `carried` on are
   * the part's own, the first of them the file's data row `firstRow`. The first part a stream sees may carry rows
   * it never saw (a part verified alone): they set the state and are not checked.
   */
  push(part: ParsedData, firstRow: number, carried: number): void {
    this.f.headerLines = part.headerRow ? 1 : 0;
    const c = (this.checker ??= checkerFor(part, this.f));
    if (!this.fed && carried > 0) c.prime(part, carried);
    this.fed = true;
    c.check(part, carried, firstRow);
  }

  /** The report, given the parser's result (its rows, range, unit and symbol cover the whole file). */
  finish(whole: ParsedData): VerifyReport {
    const f = this.f;
    checkSymbol(whole, this.symbol, f);
    if (whole.mixedTimeUnits) f.fileError(`timestamps mix units: the first row is in ${whole.timeUnit}, later rows are not`);
    (this.checker ?? checkerFor(whole, f)).finish();
    return {
      file: whole.file,
      kind: whole.kind,
      format: whole.format,
      rows: whole.rows,
      ...(whole.firstMs !== undefined ? { firstMs: whole.firstMs } : {}),
      ...(whole.lastMs !== undefined ? { lastMs: whole.lastMs } : {}),
      timeUnit: whole.timeUnit,
      ...(f.intervalMs !== undefined ? { intervalMs: f.intervalMs } : {}),
      gaps: f.gaps,
      duplicates: f.duplicates,
      outOfOrder: f.outOfOrder,
      ohlcViolations: f.ohlcViolations,
      errors: f.listedErrors(),
      errorCount: f.errorCount,
      warnings: f.warnings,
      clean: f.errorCount === 0 && f.gaps.length === 0,
    };
  }
}

/** The name and the rows must agree on the symbol, and both with the one asked for. */
function checkSymbol(data: ParsedData, expected: string | undefined, f: Findings): void {
  const named = data.name.symbol;
  const content = data.contentSymbol;
  if (named && content && named !== content) f.fileError(`the file name says ${named} but the rows are ${content}`);
  const found = content ?? named;
  if (expected && found && found !== expected) f.fileError(`the file holds ${found}, expected ${expected}`);
  if (expected && !found) f.warnings.push(`the file does not say its symbol; assumed ${expected}`);
}
