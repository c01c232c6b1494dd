// The side series a strategy reads through its context besides its own bars: the aligned spot close (`ctx.spot`)
// and the instrument's funding (`ctx.funding`). Both answer only with what was known at the event being handled:
// they must never look past the engine's clock or the last bar it closed.
import type { FundingView, SpotView } from './strategy.js';

/** Spot closes aligned to the run's bars (src/backtest/load-data.ts `AlignedSpot` has this shape). */
export interface AlignedSpotSeries {
  readonly source: string;
  /** The run's bar open times (epoch ms), one per bar. */
  readonly openTimeMs: Float64Array;
  /** The latest spot close (quote asset) at or before each run bar's close; 0 = no spot bar yet. */
  readonly close: Float64Array;
}

/** A funding-rate history: settlement times (epoch ms, increasing) and rates (fractions, + longs pay). */
export interface FundingSeries {
  readonly length: number;
  readonly timeMs: Float64Array;
  readonly rate: Float64Array;
}

/**
 * `ctx.spot` over an aligned series. `barsClosed()` is the number of run bars the engine has closed: a lookup of a
 * bar at or past that index answers undefined, so a strategy cannot read a spot close from its future.
 */
export class SpotSeriesView implements SpotView {
  readonly source: string;
  private cursor = 0;

  constructor(
    private readonly series: AlignedSpotSeries,
    private readonly barsClosed: () => number,
  ) {
    this.source = series.source;
  }

  get close(): number | undefined {
    const i = this.barsClosed() - 1;
    if (i < 0) return undefined;
    const c = this.series.close[i]!;
    return c > 0 ? c : undefined;
  }

  closeAt(openTimeMs: number): number | undefined {
    const t = this.series.openTimeMs;
    const n = Math.min(t.length, this.barsClosed());
    // Bars are asked in time order: a moving cursor keeps the lookup O(1) per bar; a jump back rescans.
    if (this.cursor >= n || t[this.cursor]! > openTimeMs) this.cursor = 0;
    while (this.cursor < n && t[this.cursor]! < openTimeMs) this.cursor++;
    if (this.cursor >= n || t[this.cursor] !== openTimeMs) return undefined;
    const c = this.series.close[this.cursor]!;
    return c > 0 ? c : undefined;
  }
}

/**
 * `ctx.funding` over a funding-rate history. The last settlement at or before `now()` is known; the next settlement
 * time is the next one of the history when it has one, otherwise the instrument's schedule: multiples of
 * `intervalMs` from 00:00 UTC (Binance and Bybit settle at 00:00, 08:00, 16:00 UTC for 8 h symbols, and on the
 * matching grid for 4 h and 1 h ones: https://www.binance.com/en/support/faq/introduction-to-binance-futures-funding-rates-360033525031).
 */
export class FundingSeriesView implements FundingView {
  private cursor = 0;

  constructor(
    private readonly series: FundingSeries | undefined,
    private readonly intervalMs: number | undefined,
    private readonly now: () => number,
  ) {}

  /** Index of the first settlement after now (settlements at or before now are known). */
  private known(): number {
    const s = this.series;
    if (s === undefined) return 0;
    const now = this.now();
    if (this.cursor > 0 && s.timeMs[this.cursor - 1]! > now) this.cursor = 0;
    while (this.cursor < s.length && s.timeMs[this.cursor]! <= now) this.cursor++;
    return this.cursor;
  }

  get lastRate(): number | undefined {
    const i = this.known();
    return i === 0 ? undefined : this.series!.rate[i - 1];
  }

  get lastTimeMs(): number | undefined {
    const i = this.known();
    return i === 0 ? undefined : this.series!.timeMs[i - 1];
  }

  get nextTimeMs(): number | undefined {
    const i = this.known();
    if (this.series !== undefined && i < this.series.length) return this.series.timeMs[i];
    if (this.intervalMs === undefined) return undefined;
    return (Math.floor(this.now() / this.intervalMs) + 1) * this.intervalMs;
  }
}
