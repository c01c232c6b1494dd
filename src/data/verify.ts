// Checks parsed market data before anything uses it: gaps (exact missing ranges), duplicates, timestamps out of
// order, OHLC sanity, crossed quotes, broken update-id chains, mixed time units and the symbol. Run by
// `microfut data verify`, by import before caching and before every backtest. Must never modify the data.
import type { BarColumns, BookDepthColumns, BookTickerColumns, DepthColumns, TradeColumns } from './columns.js';
import { BOOK_DEPTH_MAX_PERCENT, DEPTH_EVENT_DIFF } from './columns.js';
import type { ParsedData, TimeUnit } from './parsed.js';

/**
 * A run of missing records. For bars: `from`/`to` are the open times (ms) of the first and last missing bar and
 * `missing` their count. For trades and book updates: the first and last missing id.
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
  /** The bar or funding interval found in the data (the most common step), in ms. */
  readonly intervalMs?: number;
  readonly gaps: readonly Gap[];
  readonly duplicates: number;
  readonly outOfOrder: number;
  readonly ohlcViolations: number;
  /** Problems that make the data wrong (at most MAX_LISTED are listed; `errorCount` has the total). */
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

const MAX_LISTED = 50;

class Findings {
  readonly errors: VerifyIssue[] = [];
  errorCount = 0;
  readonly warnings: string[] = [];
  readonly gaps: Gap[] = [];
  duplicates = 0;
  outOfOrder = 0;
  ohlcViolations = 0;
  intervalMs: number | undefined;
  constructor(private readonly headerLines: number) {}
  /** `row` is the 0-based data row; it is turned into a file line. */
  error(row: number | undefined, message: string): void {
    this.errorCount++;
    if (this.errors.length < MAX_LISTED) {
      this.errors.push(row === undefined ? { message } : { line: row + 1 + this.headerLines, message });
    }
  }
}

/** Runs every check that applies to the data's series. Pure: same input, same report. */
export function verifyParsed(data: ParsedData, options: VerifyOptions = {}): VerifyReport {
  const f = new Findings(data.headerRow ? 1 : 0);
  const carried = options.carriedRows ?? 0;
  checkSymbol(data, options.symbol, f);
  if (data.mixedTimeUnits) f.error(undefined, `timestamps mix units: the first row is in ${data.timeUnit}, later rows are not`);
  switch (data.series) {
    case 'bars':
      checkBars(data.bars, data.name.interval, data.kind === 'premiumIndexKlines', f, carried);
      break;
    case 'trades':
      checkTrades(data.trades, f, '', carried);
      break;
    case 'bookTicker':
      checkQuotes(data.quotes, f, '', carried);
      break;
    case 'depth':
      checkDepth(data.depth, f, '');
      break;
    case 'bookDepth':
      checkBookDepth(data.bookDepth, f, carried);
      break;
    case 'funding':
      checkSeries(data.funding.timeMs, f, 'funding', true, carried);
      break;
    case 'markPrice':
      checkIncreasing(data.markPrice.timeMs, f, 'event time', false, (i) => i, Math.max(1, carried));
      break;
    case 'stream':
      // Row numbers inside a capture's streams are not file lines, so these issues carry no line.
      checkTrades(data.capture.trades, f, 'trade stream: ', 0);
      checkQuotes(data.capture.bookTicker, f, 'bookTicker stream: ', 0);
      checkDepth(data.capture.depth, f, 'depth stream: ');
      break;
  }
  return {
    file: data.file,
    kind: data.kind,
    format: data.format,
    rows: data.rows,
    ...(data.firstMs !== undefined ? { firstMs: data.firstMs } : {}),
    ...(data.lastMs !== undefined ? { lastMs: data.lastMs } : {}),
    timeUnit: data.timeUnit,
    ...(f.intervalMs !== undefined ? { intervalMs: f.intervalMs } : {}),
    gaps: f.gaps,
    duplicates: f.duplicates,
    outOfOrder: f.outOfOrder,
    ohlcViolations: f.ohlcViolations,
    errors: f.errors,
    errorCount: f.errorCount,
    warnings: f.warnings,
    clean: f.errorCount === 0 && f.gaps.length === 0,
  };
}

function checkSymbol(data: ParsedData, expected: string | undefined, f: Findings): void {
  const named = data.name.symbol;
  const content = data.contentSymbol;
  if (named && content && named !== content) f.error(undefined, `the file name says ${named} but the rows are ${content}`);
  const found = content ?? named;
  if (expected && found && found !== expected) f.error(undefined, `the file holds ${found}, expected ${expected}`);
  if (expected && !found) f.warnings.push(`the file does not say its symbol; assumed ${expected}`);
}

/** Parses an interval such as `1m`, `8h`, `1d` into ms. */
export function intervalToMs(interval: string): number | undefined {
  const m = /^(\d+)(s|m|h|d|w)$/.exec(interval);
  if (!m) return undefined;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

/** The most common positive step between consecutive times (the series' interval), or undefined. */
export function detectIntervalMs(times: Float64Array): number | undefined {
  const counts = new Map<number, number>();
  const n = Math.min(times.length, 10_000);
  for (let i = 1; i < n; i++) {
    const d = (times[i] as number) - (times[i - 1] as number);
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best: number | undefined;
  let bestCount = 0;
  for (const [d, c] of counts) if (c > bestCount || (c === bestCount && best !== undefined && d < best)) [best, bestCount] = [d, c];
  return best;
}

/** True when most steps (and at least two) equal `step`: only then does it contradict the name's interval. */
function isDominantStep(times: Float64Array, step: number): boolean {
  let same = 0;
  for (let i = 1; i < times.length; i++) if ((times[i] as number) - (times[i - 1] as number) === step) same++;
  return same >= 2 && same * 2 > times.length - 1;
}

/** Time order, duplicates and exact gaps for bars; OHLC sanity per row. */
function checkBars(bars: BarColumns, namedInterval: string | undefined, mayBeNegative: boolean, f: Findings, carried: number): void {
  const t = bars.openTimeMs;
  const named = namedInterval ? intervalToMs(namedInterval) : undefined;
  const detected = detectIntervalMs(t);
  if (named !== undefined && detected !== undefined && named !== detected && isDominantStep(t, detected)) {
    f.error(undefined, `the file name says ${namedInterval} bars but consecutive bars are ${detected / 1000} s apart`);
  }
  const step = named ?? detected;
  f.intervalMs = step;
  for (let i = Math.max(1, carried); i < t.length; i++) {
    const d = (t[i] as number) - (t[i - 1] as number);
    if (d === 0) {
      f.duplicates++;
      f.error(i, `duplicate bar at ${iso(t[i] as number)}`);
    } else if (d < 0) {
      f.outOfOrder++;
      f.error(i, `bar at ${iso(t[i] as number)} comes after ${iso(t[i - 1] as number)} (timestamps must increase)`);
    } else if (step !== undefined && d !== step) {
      if (d % step !== 0) f.error(i, `bar at ${iso(t[i] as number)} is ${d} ms after the previous one, not a multiple of ${step} ms`);
      else {
        const from = (t[i - 1] as number) + step;
        f.gaps.push({ of: 'bars', from, to: (t[i] as number) - step, missing: d / step - 1 });
      }
    }
  }
  const { open, high, low, close, volume } = bars;
  for (let i = carried; i < bars.length; i++) {
    const o = open[i] as number;
    const h = high[i] as number;
    const l = low[i] as number;
    const c = close[i] as number;
    const problem =
      h < l
        ? `high ${h} < low ${l}`
        : h < o || h < c
          ? `high ${h} is below open ${o} or close ${c}`
          : l > o || l > c
            ? `low ${l} is above open ${o} or close ${c}`
            : !mayBeNegative && l <= 0
              ? `low ${l} is not positive`
              : (volume[i] as number) < 0
                ? `volume ${volume[i]} is negative`
                : undefined;
    if (problem) {
      f.ohlcViolations++;
      f.error(i, `bar at ${iso(t[i] as number)}: ${problem} (expected low <= open, close <= high, low > 0)`);
    }
  }
}

/** Times must not decrease (equal times are fine: many trades share a millisecond); ids must increase by one. */
function checkTrades(trades: TradeColumns, f: Findings, prefix: string, carried: number): void {
  const line = prefix ? undefined : (i: number): number => i;
  checkIncreasing(trades.timeMs, f, `${prefix}trade time`, true, line, Math.max(1, carried));
  const id = trades.id;
  if (!id) return;
  for (let i = Math.max(1, carried); i < trades.length; i++) {
    const d = (id[i] as number) - (id[i - 1] as number);
    if (d === 1) continue;
    if (d === 0) {
      f.duplicates++;
      f.error(line?.(i), `${prefix}duplicate trade id ${id[i]}`);
    } else if (d < 0) {
      f.outOfOrder++;
      f.error(line?.(i), `${prefix}trade id ${id[i]} comes after ${id[i - 1]} (ids must increase)`);
    } else f.gaps.push({ of: 'trade ids', from: (id[i - 1] as number) + 1, to: (id[i] as number) - 1, missing: d - 1 });
  }
}

/** Update ids must increase; a bid above the ask is an error, bid = ask a warning. */
function checkQuotes(q: BookTickerColumns, f: Findings, prefix: string, carried: number): void {
  const line = prefix ? undefined : (i: number): number => i;
  if (q.updateId) checkIncreasing(q.updateId, f, `${prefix}update id`, false, line, Math.max(1, carried));
  let locked = 0;
  for (let i = carried; i < q.length; i++) {
    const bid = q.bidPrice[i] as number;
    const ask = q.askPrice[i] as number;
    if (bid > ask) f.error(line?.(i), `${prefix}crossed quote: bid ${bid} > ask ${ask}`);
    else if (bid === ask) locked++;
  }
  if (locked > 0) f.warnings.push(`${prefix}${locked} locked quotes (bid = ask)`);
}

/** Diff events must chain: each one's previous id equals the last id of the diff before it. */
function checkDepth(d: DepthColumns, f: Findings, prefix: string): void {
  let prevLast: number | undefined;
  let breaks = 0;
  for (let e = 0; e < d.eventCount; e++) {
    if (d.eventKind[e] !== DEPTH_EVENT_DIFF) continue;
    const pu = d.prevUpdateId[e] as number;
    if (prevLast !== undefined && pu !== prevLast) {
      breaks++;
      f.error(undefined, `${prefix}update-id chain breaks at event ${e + 1}: previous id ${pu}, expected ${prevLast}`);
    }
    prevLast = d.lastUpdateId[e] as number;
  }
  if (breaks > 0) f.warnings.push(`${prefix}${breaks} sequence breaks: a book rebuilt from this file is wrong after them`);
}

/**
 * Funding: strictly increasing times and the usual interval. Venues change a symbol's interval (8 h -> 4 h -> 1 h),
 * so a step is a gap only when it is a whole multiple (>= 2) of the steps on both sides of it, which are equal.
 */
function checkSeries(times: Float64Array, f: Findings, of: 'funding', strict: boolean, carried: number): void {
  checkIncreasing(times, f, 'funding time', !strict, (i) => i, Math.max(1, carried));
  const t = roundedToMinutes(times);
  f.intervalMs = detectIntervalMs(t);
  // The step into row i needs rows i - 2 .. i + 1, so the step into a part's last row is judged in the next part.
  for (let i = Math.max(2, carried - 1); i < t.length - 1; i++) {
    const before = (t[i - 1] as number) - (t[i - 2] as number);
    const d = (t[i] as number) - (t[i - 1] as number);
    const after = (t[i + 1] as number) - (t[i] as number);
    if (before !== after || before <= 0 || d <= before || d % before !== 0) continue;
    f.gaps.push({ of, from: (t[i - 1] as number) + before, to: (t[i] as number) - before, missing: d / before - 1 });
  }
}

function roundedToMinutes(times: Float64Array): Float64Array {
  return times.map((t) => Math.round(t / 60_000) * 60_000);
}

/** Counts and reports decreases (and, unless `allowEqual`, repeats) in a column. */
function checkIncreasing(
  values: Float64Array,
  f: Findings,
  what: string,
  allowEqual: boolean,
  line: ((i: number) => number) | undefined = (i) => i,
  from = 1,
): void {
  for (let i = from; i < values.length; i++) {
    const a = values[i - 1] as number;
    const b = values[i] as number;
    if (b < a) {
      f.outOfOrder++;
      f.error(line?.(i), `${what} ${b} comes after ${a} (must not decrease)`);
    } else if (b === a && !allowEqual) {
      f.duplicates++;
      f.error(line?.(i), `${what} ${b} repeats`);
    }
  }
}

/**
 * Percentage book depth: snapshot times never decrease; within a snapshot the bands increase (Binance writes -5 .. 5);
 * every band lies in -5..5 and is not 0; depth and notional are >= 0. Cumulative depth that shrinks as the band
 * widens is only a warning: the archive is known to hold such snapshots (binance-public-data issue #431).
 */
function checkBookDepth(d: BookDepthColumns, f: Findings, carried: number): void {
  const { timeMs: t, percentage: p, depth, notional } = d;
  let shrinking = 0;
  for (let i = carried; i < d.length; i++) {
    const pct = p[i] as number;
    if (!(Math.abs(pct) <= BOOK_DEPTH_MAX_PERCENT) || pct === 0) {
      f.error(i, `percentage ${pct} is outside the bands Binance publishes (expected -${BOOK_DEPTH_MAX_PERCENT}..-0.2 or 0.2..${BOOK_DEPTH_MAX_PERCENT}, not 0)`);
      // One report per bad row: its band order against the neighbours means nothing.
      continue;
    }
    if (!((depth[i] as number) >= 0) || !((notional[i] as number) >= 0)) {
      f.error(i, `depth ${depth[i]} and notional ${notional[i]} must not be negative`);
    }
    if (i === 0) continue;
    const dt = (t[i] as number) - (t[i - 1] as number);
    if (dt < 0) {
      f.outOfOrder++;
      f.error(i, `snapshot at ${iso(t[i] as number)} comes after ${iso(t[i - 1] as number)} (timestamps must not decrease)`);
    } else if (dt === 0) {
      const prev = p[i - 1] as number;
      if (pct === prev) {
        f.duplicates++;
        f.error(i, `percentage ${pct} repeats in the snapshot at ${iso(t[i] as number)}`);
      } else if (pct < prev) {
        f.outOfOrder++;
        f.error(i, `percentage ${pct} comes after ${prev} in the snapshot at ${iso(t[i] as number)} (bands must increase)`);
      } else if (Math.sign(pct) === Math.sign(prev) && (pct < 0 ? (depth[i] as number) > (depth[i - 1] as number) : (depth[i] as number) < (depth[i - 1] as number))) {
        shrinking++;
      }
    }
  }
  if (shrinking > 0) f.warnings.push(`${shrinking} bands hold less cumulative depth than a narrower band of the same snapshot`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
