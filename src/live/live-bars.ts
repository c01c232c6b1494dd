// Bars built from live trades as they arrive, in the engine's column layout: a bar closes only once its end time has
// passed (a trade at or after the end, or the clock beyond it), with src/data/resample.ts `tradesToTimeBars`
// semantics (UTC-aligned open times, empty intervals skipped). Must never close a bar early or revise a closed one.
import { countFromFloat, type Grid } from '../core/grid.js';
import { InvariantError } from '../core/errors.js';
import type { EngineBars } from '../engine/engine.js';

/** Engine bars with a fixed capacity (the engine sizes its equity curve once); `count` bars are closed so far. */
export class LiveBars implements EngineBars {
  readonly length: number;
  readonly openTimeMs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly openTicks: Float64Array;
  readonly highTicks: Float64Array;
  readonly lowTicks: Float64Array;
  readonly closeTicks: Float64Array;
  count = 0;

  constructor(capacity: number) {
    this.length = capacity;
    this.openTimeMs = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
    this.openTicks = new Float64Array(capacity);
    this.highTicks = new Float64Array(capacity);
    this.lowTicks = new Float64Array(capacity);
    this.closeTicks = new Float64Array(capacity);
  }
}

/**
 * Folds trades into the bar in progress and closes it into `bars` when time passes its end. `onClose(i)` is called
 * once per closed bar, in order. Prices become ticks on the instrument's grid (nearest tick: exchange prices are on
 * the grid, so this is exact for them).
 */
export class LiveBarBuilder {
  private openMs: number | undefined;
  private o = 0;
  private h = 0;
  private l = 0;
  private c = 0;
  private v = 0;

  constructor(
    private readonly bars: LiveBars,
    private readonly intervalMs: number,
    private readonly tick: Grid,
    private readonly onClose: (i: number) => void,
  ) {}

  /** A trade at `timeMs` (venue time, ms): closes the bar in progress first when the trade is at or after its end. */
  onTrade(timeMs: number, price: number, qty: number): void {
    this.closeUntil(timeMs);
    const openMs = timeMs - (((timeMs % this.intervalMs) + this.intervalMs) % this.intervalMs);
    if (this.openMs === undefined) {
      this.openMs = openMs;
      this.o = price;
      this.h = price;
      this.l = price;
      this.c = price;
      this.v = qty;
      return;
    }
    // A trade stamped before the bar in progress (venues deliver out of order by a few ms) joins the current bar.
    if (price > this.h) this.h = price;
    if (price < this.l) this.l = price;
    this.c = price;
    this.v += qty;
  }

  /** Closes the bar in progress when `nowMs` is at or past its end; returns whether it did. */
  closeUntil(nowMs: number): boolean {
    if (this.openMs === undefined || nowMs < this.openMs + this.intervalMs) return false;
    const b = this.bars;
    const i = b.count;
    if (i >= b.length) throw new InvariantError(`at most ${b.length} bars in one session`, `bar ${i + 1}`);
    b.openTimeMs[i] = this.openMs;
    b.open[i] = this.o;
    b.high[i] = this.h;
    b.low[i] = this.l;
    b.close[i] = this.c;
    b.volume[i] = this.v;
    b.openTicks[i] = this.ticks(this.o);
    b.highTicks[i] = this.ticks(this.h);
    b.lowTicks[i] = this.ticks(this.l);
    b.closeTicks[i] = this.ticks(this.c);
    b.count = i + 1;
    this.openMs = undefined;
    this.onClose(i);
    return true;
  }

  private ticks(price: number): number {
    const t = countFromFloat(price, this.tick, 'nearest');
    if (t === undefined) throw new InvariantError('a price on the instrument grid', String(price));
    return t;
  }
}
