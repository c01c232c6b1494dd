// Candle checks that run row by row with their state carried from part to part: time order, duplicates, exact gap
// ranges, the interval (named vs found) and OHLC sanity. Must never hold more than one part plus 10,000 rows.
import type { BarColumns } from './columns.js';
import type { Findings } from './verify-findings.js';

/** Rows the interval is found from: the first ones, so the answer never depends on where a file is cut. */
export const INTERVAL_SAMPLE_ROWS = 10_000;

/** Parses an interval such as `1m`, `8h`, `1d` into ms. */
export function intervalToMs(interval: string): number | undefined {
  const m = /^(\d+)(s|m|h|d|w)$/.exec(interval);
  if (!m) return undefined;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

/**
 * Counts the positive steps between consecutive times of the first INTERVAL_SAMPLE_ROWS rows, fed one at a time.
 * `mostCommon` is the interval: the most frequent step, the smaller one on a tie.
 */
export class StepCounter {
  private readonly counts = new Map<number, number>();
  private seen = 0;
  private prev = 0;

  add(t: number): void {
    if (this.seen >= INTERVAL_SAMPLE_ROWS) return;
    if (this.seen > 0) {
      const d = t - this.prev;
      if (d > 0) this.counts.set(d, (this.counts.get(d) ?? 0) + 1);
    }
    this.prev = t;
    this.seen++;
  }

  get mostCommon(): number | undefined {
    let best: number | undefined;
    let bestCount = 0;
    for (const [d, c] of this.counts) {
      if (c > bestCount || (c === bestCount && best !== undefined && d < best)) {
        best = d;
        bestCount = c;
      }
    }
    return best;
  }
}

/** The most common positive step among the first 10,000 consecutive times (the series' interval, ms), or undefined. */
export function detectIntervalMs(times: Float64Array): number | undefined {
  const counter = new StepCounter();
  const n = Math.min(times.length, INTERVAL_SAMPLE_ROWS);
  for (let i = 0; i < n; i++) counter.add(times[i] as number);
  return counter.mostCommon;
}

/** The first rows of a file, held until the interval is known (a file without one in its name needs it for gaps). */
interface Head {
  readonly t: Float64Array;
  readonly o: Float64Array;
  readonly h: Float64Array;
  readonly l: Float64Array;
  readonly c: Float64Array;
  readonly v: Float64Array;
}

/**
 * Checks candles fed part by part. The step between bars is the name's interval (`1m`) or, without one, the
 * interval found in the first 10,000 rows: those rows are held (six doubles each) and checked once it is known.
 * A step of 0 is a duplicate, a negative one out of order, a whole multiple a gap (exact range), anything else an
 * error. OHLC: low <= open, close <= high and low > 0 (premium-index candles may be negative), volume >= 0.
 */
export class BarChecker {
  private readonly namedMs: number | undefined;
  private head: Head | undefined;
  private headRows = 0;
  private headPrimed = 0;
  private headFirstRow = 0;
  private resolved = false;
  private stepMs: number | undefined;
  private detectedMs: number | undefined;
  private prevT: number | undefined;
  private steps = 0;
  private sameAsDetected = 0;

  constructor(
    private readonly f: Findings,
    private readonly namedInterval: string | undefined,
    private readonly mayBeNegative: boolean,
  ) {
    this.namedMs = namedInterval ? intervalToMs(namedInterval) : undefined;
  }

  /** Rows [0, end) of a part that repeat rows checked before: they set the state and are not checked again. */
  prime(b: BarColumns, end: number): void {
    for (let i = 0; i < end; i++) {
      if (this.resolved) this.step(b.openTimeMs[i] as number);
      else {
        this.hold(b, i);
        this.headPrimed++;
      }
    }
  }

  /** Checks rows [start, length) of a part; row i is the file's data row firstRow + i - start. */
  check(b: BarColumns, start: number, firstRow: number): void {
    let i = start;
    if (!this.resolved) {
      if (this.headRows === this.headPrimed) this.headFirstRow = firstRow;
      for (; i < b.length && this.headRows < INTERVAL_SAMPLE_ROWS; i++) this.hold(b, i);
      if (this.headRows < INTERVAL_SAMPLE_ROWS) return;
      this.resolve();
    }
    const { openTimeMs: t, open: o, high: h, low: l, close: c, volume: v } = b;
    for (; i < b.length; i++) {
      this.row(t[i] as number, o[i] as number, h[i] as number, l[i] as number, c[i] as number, v[i] as number, firstRow + i - start);
    }
  }

  /** After the last part: a name's interval that the bars contradict is an error about the whole file. */
  finish(): void {
    if (!this.resolved) this.resolve();
    const named = this.namedMs;
    const detected = this.detectedMs;
    if (named === undefined || detected === undefined || named === detected) return;
    // Only a step most bars share contradicts the name; a few odd steps are gaps or row errors.
    if (this.sameAsDetected >= 2 && this.sameAsDetected * 2 > this.steps) {
      this.f.fileError(`the file name says ${this.namedInterval} bars but consecutive bars are ${detected / 1000} s apart`);
    }
  }

  private hold(b: BarColumns, i: number): void {
    const head = (this.head ??= {
      t: new Float64Array(INTERVAL_SAMPLE_ROWS),
      o: new Float64Array(INTERVAL_SAMPLE_ROWS),
      h: new Float64Array(INTERVAL_SAMPLE_ROWS),
      l: new Float64Array(INTERVAL_SAMPLE_ROWS),
      c: new Float64Array(INTERVAL_SAMPLE_ROWS),
      v: new Float64Array(INTERVAL_SAMPLE_ROWS),
    });
    const k = this.headRows++;
    head.t[k] = b.openTimeMs[i] as number;
    head.o[k] = b.open[i] as number;
    head.h[k] = b.high[i] as number;
    head.l[k] = b.low[i] as number;
    head.c[k] = b.close[i] as number;
    head.v[k] = b.volume[i] as number;
  }

  private resolve(): void {
    this.resolved = true;
    const head = this.head;
    this.head = undefined;
    const counter = new StepCounter();
    if (head) for (let k = 0; k < this.headRows; k++) counter.add(head.t[k] as number);
    this.detectedMs = counter.mostCommon;
    this.stepMs = this.namedMs ?? this.detectedMs;
    this.f.intervalMs = this.stepMs;
    if (!head) return;
    for (let k = 0; k < this.headPrimed; k++) this.step(head.t[k] as number);
    for (let k = this.headPrimed; k < this.headRows; k++) {
      this.row(head.t[k] as number, head.o[k] as number, head.h[k] as number, head.l[k] as number, head.c[k] as number, head.v[k] as number, this.headFirstRow + k - this.headPrimed);
    }
  }

  /** Moves to the next bar time; returns the step from the previous one (undefined for the first bar). */
  private step(t: number): number | undefined {
    const prev = this.prevT;
    this.prevT = t;
    if (prev === undefined) return undefined;
    const d = t - prev;
    this.steps++;
    if (d === this.detectedMs) this.sameAsDetected++;
    return d;
  }

  private row(t: number, o: number, h: number, l: number, c: number, v: number, row: number): void {
    const f = this.f;
    const prev = this.prevT as number;
    const d = this.step(t);
    const step = this.stepMs;
    if (d === 0) {
      f.duplicates++;
      f.error(row, `duplicate bar at ${iso(t)}`);
    } else if (d !== undefined && d < 0) {
      f.outOfOrder++;
      f.error(row, `bar at ${iso(t)} comes after ${iso(prev)} (timestamps must increase)`);
    } else if (d !== undefined && step !== undefined && d !== step) {
      if (d % step !== 0) f.error(row, `bar at ${iso(t)} is ${d} ms after the previous one, not a multiple of ${step} ms`);
      else f.gaps.push({ of: 'bars', from: prev + step, to: t - step, missing: d / step - 1 });
    }
    const problem =
      h < l
        ? `high ${h} < low ${l}`
        : h < o || h < c
          ? `high ${h} is below open ${o} or close ${c}`
          : l > o || l > c
            ? `low ${l} is above open ${o} or close ${c}`
            : !this.mayBeNegative && l <= 0
              ? `low ${l} is not positive`
              : v < 0
                ? `volume ${v} is negative`
                : undefined;
    if (problem) {
      f.ohlcViolations++;
      f.error(row, `bar at ${iso(t)}: ${problem} (expected low <= open, close <= high, low > 0)`);
    }
  }
}

/** A UTC time as ISO text without the milliseconds when they are zero. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
