// Row-by-row checks for trades, quotes, funding, the mark-price stream, percentage depth and depth events, each
// keeping the little state it needs (the previous time or id) so a file can be checked part by part with the same
// result as whole. Must never hold rows: a check sees a part once.
import type { BookDepthColumns, BookTickerColumns, DepthColumns, TradeColumns } from './columns.js';
import { BOOK_DEPTH_MAX_PERCENT, DEPTH_EVENT_DIFF } from './columns.js';
import { iso, StepCounter } from './verify-bars.js';
import type { Findings } from './verify-findings.js';

/**
 * Trades: times must not decrease (many trades share a millisecond); ids, where the file has them, must increase
 * by one: a repeat is a duplicate, a smaller one out of order, a jump a gap of ids. `withLines` false for the
 * streams of a capture, whose rows are not file lines; `prefix` names such a stream in messages.
 */
export class TradeChecker {
  private prevT: number | undefined;
  private prevId: number | undefined;
  constructor(
    private readonly f: Findings,
    private readonly prefix = '',
    private readonly withLines = true,
  ) {}

  prime(tr: TradeColumns, end: number): void {
    if (end === 0) return;
    this.prevT = tr.timeMs[end - 1] as number;
    if (tr.id) this.prevId = tr.id[end - 1] as number;
  }

  check(tr: TradeColumns, start: number, firstRow: number): void {
    const { f, prefix } = this;
    const { timeMs, id } = tr;
    for (let i = start; i < tr.length; i++) {
      const line = this.withLines ? firstRow + i - start : undefined;
      const t = timeMs[i] as number;
      const prevT = this.prevT;
      if (prevT !== undefined && t < prevT) {
        f.outOfOrder++;
        f.error(line, `${prefix}trade time ${t} comes after ${prevT} (must not decrease)`);
      }
      this.prevT = t;
      if (!id) continue;
      const n = id[i] as number;
      const prev = this.prevId;
      this.prevId = n;
      if (prev === undefined) continue;
      const d = n - prev;
      if (d === 1) continue;
      if (d === 0) {
        f.duplicates++;
        f.error(line, `${prefix}duplicate trade id ${n}`);
      } else if (d < 0) {
        f.outOfOrder++;
        f.error(line, `${prefix}trade id ${n} comes after ${prev} (ids must increase)`);
      } else f.gaps.push({ of: 'trade ids', from: prev + 1, to: n - 1, missing: d - 1 });
    }
  }

  finish(): void {}
}

/** One column that must strictly increase (a repeat is a duplicate, a decrease out of order). */
export class IncreasingChecker {
  private prev: number | undefined;
  constructor(
    private readonly f: Findings,
    private readonly what: string,
    private readonly withLines = true,
  ) {}

  prime(values: Float64Array, end: number): void {
    if (end > 0) this.prev = values[end - 1] as number;
  }

  /** Checks one value (row `row` of the file) against the one before it. */
  see(b: number, row: number): void {
    const a = this.prev;
    this.prev = b;
    if (a === undefined) return;
    const line = this.withLines ? row : undefined;
    if (b < a) {
      this.f.outOfOrder++;
      this.f.error(line, `${this.what} ${b} comes after ${a} (must not decrease)`);
    } else if (b === a) {
      this.f.duplicates++;
      this.f.error(line, `${this.what} ${b} repeats`);
    }
  }

  check(values: Float64Array, start: number, firstRow: number): void {
    for (let i = start; i < values.length; i++) this.see(values[i] as number, firstRow + i - start);
  }
}

/** Quotes: update ids (where present) strictly increase; a bid above the ask is an error, bid = ask a warning. */
export class QuoteChecker {
  private readonly ids: IncreasingChecker;
  private locked = 0;
  constructor(
    private readonly f: Findings,
    private readonly prefix = '',
    private readonly withLines = true,
  ) {
    this.ids = new IncreasingChecker(f, `${prefix}update id`, withLines);
  }

  prime(q: BookTickerColumns, end: number): void {
    if (q.updateId) this.ids.prime(q.updateId, end);
  }

  check(q: BookTickerColumns, start: number, firstRow: number): void {
    const { bidPrice, askPrice, updateId } = q;
    for (let i = start; i < q.length; i++) {
      const row = firstRow + i - start;
      if (updateId) this.ids.see(updateId[i] as number, row);
      const bid = bidPrice[i] as number;
      const ask = askPrice[i] as number;
      if (bid > ask) this.f.error(this.withLines ? row : undefined, `${this.prefix}crossed quote: bid ${bid} > ask ${ask}`);
      else if (bid === ask) this.locked++;
    }
  }

  finish(): void {
    if (this.locked > 0) this.f.warnings.push(`${this.prefix}${this.locked} locked quotes (bid = ask)`);
  }
}

const roundedToMinute = (t: number): number => Math.round(t / 60_000) * 60_000;

/**
 * Funding: strictly increasing settlement times and the usual interval. Venues change a symbol's interval
 * (8 h -> 4 h -> 1 h) and settle a few seconds late, so times are rounded to the minute and a step is a gap only when
 * it is a whole multiple (>= 2) of the steps on both sides of it, which are equal. The step into a row is judged
 * when the row after it arrives: the last three rounded times are the whole state.
 */
export class FundingChecker {
  private readonly times: IncreasingChecker;
  private readonly counter = new StepCounter();
  private r0 = 0;
  private r1 = 0;
  private r2 = 0;
  private seen = 0;
  constructor(private readonly f: Findings) {
    this.times = new IncreasingChecker(f, 'funding time');
  }

  prime(times: Float64Array, end: number): void {
    this.times.prime(times, end);
    for (let i = 0; i < end; i++) this.shift(roundedToMinute(times[i] as number));
  }

  check(times: Float64Array, start: number, firstRow: number): void {
    for (let i = start; i < times.length; i++) {
      const t = times[i] as number;
      this.times.see(t, firstRow + i - start);
      const r = roundedToMinute(t);
      if (this.seen >= 3) this.judge(r);
      this.shift(r);
    }
  }

  finish(): void {
    this.f.intervalMs = this.counter.mostCommon;
  }

  /** Judges the step into the newest held row (r2), now that the one after it (`next`) is known. */
  private judge(next: number): void {
    const before = this.r1 - this.r0;
    const d = this.r2 - this.r1;
    const after = next - this.r2;
    if (before !== after || before <= 0 || d <= before || d % before !== 0) return;
    this.f.gaps.push({ of: 'funding', from: this.r1 + before, to: this.r2 - before, missing: d / before - 1 });
  }

  private shift(r: number): void {
    this.counter.add(r);
    this.r0 = this.r1;
    this.r1 = this.r2;
    this.r2 = r;
    this.seen++;
  }
}

/**
 * Percentage book depth: snapshot times never decrease; within a snapshot the bands increase (Binance writes -5 .. 5);
 * every band lies in -5..5 and is not 0; depth and notional are >= 0. Cumulative depth that shrinks as the band
 * widens is only a warning: the archive is known to hold such snapshots (binance-public-data issue #431).
 */
export class BookDepthChecker {
  private hasPrev = false;
  private prevT = 0;
  private prevPct = 0;
  private prevDepth = 0;
  private shrinking = 0;
  constructor(private readonly f: Findings) {}

  prime(d: BookDepthColumns, end: number): void {
    if (end > 0) this.remember(d, end - 1);
  }

  check(d: BookDepthColumns, start: number, firstRow: number): void {
    const f = this.f;
    const { timeMs: t, percentage: p, depth, notional } = d;
    for (let i = start; i < d.length; i++) {
      const row = firstRow + i - start;
      const pct = p[i] as number;
      const hadPrev = this.hasPrev;
      const { prevT, prevPct, prevDepth } = this;
      this.remember(d, i);
      if (!(Math.abs(pct) <= BOOK_DEPTH_MAX_PERCENT) || pct === 0) {
        f.error(row, `percentage ${pct} is outside the bands Binance publishes (expected -${BOOK_DEPTH_MAX_PERCENT}..-0.2 or 0.2..${BOOK_DEPTH_MAX_PERCENT}, not 0)`);
        // One report per bad row: its band order against the neighbours means nothing.
        continue;
      }
      if (!((depth[i] as number) >= 0) || !((notional[i] as number) >= 0)) {
        f.error(row, `depth ${depth[i]} and notional ${notional[i]} must not be negative`);
      }
      if (!hadPrev) continue;
      const ti = t[i] as number;
      const dt = ti - prevT;
      if (dt < 0) {
        f.outOfOrder++;
        f.error(row, `snapshot at ${iso(ti)} comes after ${iso(prevT)} (timestamps must not decrease)`);
      } else if (dt === 0) {
        if (pct === prevPct) {
          f.duplicates++;
          f.error(row, `percentage ${pct} repeats in the snapshot at ${iso(ti)}`);
        } else if (pct < prevPct) {
          f.outOfOrder++;
          f.error(row, `percentage ${pct} comes after ${prevPct} in the snapshot at ${iso(ti)} (bands must increase)`);
        } else if (Math.sign(pct) === Math.sign(prevPct) && (pct < 0 ? (depth[i] as number) > prevDepth : (depth[i] as number) < prevDepth)) {
          this.shrinking++;
        }
      }
    }
  }

  finish(): void {
    if (this.shrinking > 0) this.f.warnings.push(`${this.shrinking} bands hold less cumulative depth than a narrower band of the same snapshot`);
  }

  private remember(d: BookDepthColumns, i: number): void {
    this.hasPrev = true;
    this.prevT = d.timeMs[i] as number;
    this.prevPct = d.percentage[i] as number;
    this.prevDepth = d.depth[i] as number;
  }
}

/** Diff events must chain: each one's previous id equals the last id of the diff before it. */
export class DepthChainChecker {
  private prevLast: number | undefined;
  private events = 0;
  private breaks = 0;
  constructor(
    private readonly f: Findings,
    private readonly prefix = '',
  ) {}

  check(d: DepthColumns): void {
    for (let e = 0; e < d.eventCount; e++) {
      const n = ++this.events;
      if (d.eventKind[e] !== DEPTH_EVENT_DIFF) continue;
      const pu = d.prevUpdateId[e] as number;
      if (this.prevLast !== undefined && pu !== this.prevLast) {
        this.breaks++;
        this.f.error(undefined, `${this.prefix}update-id chain breaks at event ${n}: previous id ${pu}, expected ${this.prevLast}`);
      }
      this.prevLast = d.lastUpdateId[e] as number;
    }
  }

  finish(): void {
    if (this.breaks > 0) this.f.warnings.push(`${this.prefix}${this.breaks} sequence breaks: a book rebuilt from this file is wrong after them`);
  }
}
