// Pivot points (traditional, classic, Fibonacci, Woodie, Camarilla) from the previous UTC day or week, emitted
// when a new period starts and held for the whole period. Streaming and batch; pure; no allocation per update.
// Must never build levels from a partial first period (data that starts mid-day).
import { InputError } from '../core/errors.js';
import { MS_PER_DAY, MS_PER_MINUTE } from '../core/time.js';
import { barColumnsLength, requireBatchBuffers, requireInteger, type BarColumns, type BarIndicator, type BarInput, type BatchOutputs } from './indicator.js';
import { periodAt, validateAnchor, type PeriodAnchor } from './vwap.js';

/** The pivot formulas of TradingView's "Pivot Points Standard" (https://www.tradingview.com/support/solutions/43000521824/). */
export type PivotMethod = 'traditional' | 'classic' | 'fibonacci' | 'woodie' | 'camarilla';

/** The level names traders use, in output order; Camarilla adds its breakout levels R4 and S4. */
export function pivotLevelNames(method: PivotMethod): readonly string[] {
  return method === 'camarilla' ? ['P', 'R1', 'R2', 'R3', 'S1', 'S2', 'S3', 'R4', 'S4'] : ['P', 'R1', 'R2', 'R3', 'S1', 'S2', 'S3'];
}

export interface PivotConfig {
  readonly method: PivotMethod;
  /** The period whose high/low/close make the next period's levels: `utc-day` (default), `week` or `session`. */
  readonly period?: PeriodAnchor;
  /** The bar length, only to state the warm-up as a bar count (`lookback`); default 1 minute. */
  readonly barIntervalMs?: number;
}

/**
 * Writes the levels for `method` from the previous period's high, low and close (and the new period's open, which
 * Woodie uses) into `out` in `pivotLevelNames` order. Formulas as TradingView documents them (link above), with
 * HIGHprev = h, LOWprev = l, CLOSEprev = c, OPENcurr = o, range r = h - l:
 * - traditional: P = (h+l+c)/3, R1 = 2P - l, S1 = 2P - h, R2 = P + r, S2 = P - r, R3 = 2P + (h - 2l), S3 = 2P - (2h - l)
 * - classic: as traditional for P, R1, S1, R2, S2; R3 = P + 2r, S3 = P - 2r
 * - fibonacci: P = (h+l+c)/3, R/S1 = P +/- 0.382r, R/S2 = P +/- 0.618r, R/S3 = P +/- r
 * - woodie: P = (h + l + 2o)/4, R1 = 2P - l, S1 = 2P - h, R2 = P + r, S2 = P - r, R3 = h + 2(P - l), S3 = l - 2(h - P)
 * - camarilla: P = (h+l+c)/3, R/Sn = c +/- 1.1r/k with k = 12, 6, 4, 2 for n = 1..4
 */
export function pivotLevels(method: PivotMethod, h: number, l: number, c: number, o: number, out: Float64Array): void {
  const r = h - l;
  const p = method === 'woodie' ? (h + l + 2 * o) / 4 : (h + l + c) / 3;
  out[0] = p;
  switch (method) {
    case 'traditional':
    case 'classic':
    case 'woodie':
      out[1] = p * 2 - l;
      out[4] = p * 2 - h;
      out[2] = p + r;
      out[5] = p - r;
      if (method === 'traditional') {
        out[3] = p * 2 + (h - 2 * l);
        out[6] = p * 2 - (2 * h - l);
      } else if (method === 'classic') {
        out[3] = p + 2 * r;
        out[6] = p - 2 * r;
      } else {
        out[3] = h + 2 * (p - l);
        out[6] = l - 2 * (h - p);
      }
      return;
    case 'fibonacci':
      out[1] = p + 0.382 * r;
      out[2] = p + 0.618 * r;
      out[3] = p + r;
      out[4] = p - 0.382 * r;
      out[5] = p - 0.618 * r;
      out[6] = p - r;
      return;
    case 'camarilla':
      out[1] = c + (r * 1.1) / 12;
      out[2] = c + (r * 1.1) / 6;
      out[3] = c + (r * 1.1) / 4;
      out[7] = c + (r * 1.1) / 2;
      out[4] = c - (r * 1.1) / 12;
      out[5] = c - (r * 1.1) / 6;
      out[6] = c - (r * 1.1) / 4;
      out[8] = c - (r * 1.1) / 2;
      return;
  }
}

const PERIOD_MS: Record<Exclude<PeriodAnchor['kind'], 'custom'>, number> = { 'utc-day': MS_PER_DAY, session: MS_PER_DAY, week: 7 * MS_PER_DAY };

// Saved-state slots for replace(): period bounds, the running high/low/close, flags, then the levels.
const S_START = 0;
const S_END = 1;
const S_HIGH = 2;
const S_LOW = 3;
const S_CLOSE = 4;
const S_COMPLETE = 5;
const S_HAS = 6;
const S_NEW = 7;
const S_LEVELS = 8;

/**
 * Pivot points as a bar indicator. On the first bar of each period the levels are computed from the period
 * before it (the last period that had bars) and held until the next period starts; `isNewPeriod` is true on
 * that bar. The first period counts only when its first bar opens exactly at the period start, so data that
 * starts mid-day warms up for the rest of that day plus one full day. `lookback` = bars in one period at
 * `barIntervalMs` (1440 for 1m bars and a UTC day): the warm-up of data that starts on a period boundary.
 */
export class PivotPoints implements BarIndicator {
  readonly outputNames: readonly string[];
  readonly lookback: number;
  readonly method: PivotMethod;
  private readonly anchor: PeriodAnchor;
  private readonly levels: Float64Array;
  private readonly saved: Float64Array;
  private n = 0;
  private startMs = Infinity;
  private endMs = -Infinity;
  private high = 0;
  private low = 0;
  private close = 0;
  private periodComplete = false;
  private hasLevels = false;
  private newPeriod = false;

  constructor(config: PivotConfig) {
    this.method = config.method;
    this.anchor = validateAnchor('pivots', config.period ?? { kind: 'utc-day' });
    if (this.anchor.kind === 'custom') {
      throw new InputError('INVALID_OPTION', 'pivots period', 'a custom anchor has no previous period to take levels from', 'use utc-day, session or week');
    }
    const barMs = requireInteger('pivot bar interval (ms)', config.barIntervalMs ?? MS_PER_MINUTE, 1, PERIOD_MS[this.anchor.kind]);
    this.lookback = Math.floor(PERIOD_MS[this.anchor.kind] / barMs);
    this.outputNames = pivotLevelNames(config.method);
    this.levels = new Float64Array(this.outputNames.length);
    this.saved = new Float64Array(S_LEVELS + this.levels.length);
  }

  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    return this.hasLevels;
  }
  get value(): number | undefined {
    return this.hasLevels ? this.levels[0] : undefined;
  }
  /** True when the last bar opened a new period and its levels were just computed. */
  get isNewPeriod(): boolean {
    return this.newPeriod;
  }
  /** Start of the period the current levels apply to, in epoch ms; undefined before the first levels. */
  get periodStartMs(): number | undefined {
    return this.hasLevels ? this.startMs : undefined;
  }

  output(index: number): number | undefined {
    return this.hasLevels ? this.levels[index] : undefined;
  }

  add(bar: BarInput): number | undefined {
    this.save();
    this.n++;
    const t = bar.openTimeMs;
    this.newPeriod = false;
    if (t >= this.endMs || t < this.startMs) {
      const period = periodAt(this.anchor, t)!;
      if (this.n > 1 && this.periodComplete) {
        pivotLevels(this.method, this.high, this.low, this.close, bar.open, this.levels);
        this.hasLevels = true;
        this.newPeriod = true;
      }
      this.periodComplete = this.n > 1 || t === period.startMs;
      this.startMs = period.startMs;
      this.endMs = period.endMs;
      this.high = bar.high;
      this.low = bar.low;
    } else {
      if (bar.high > this.high) this.high = bar.high;
      if (bar.low < this.low) this.low = bar.low;
    }
    this.close = bar.close;
    return this.value;
  }

  replace(bar: BarInput): number | undefined {
    if (this.n === 0) return this.add(bar);
    const s = this.saved;
    this.startMs = s[S_START]!;
    this.endMs = s[S_END]!;
    this.high = s[S_HIGH]!;
    this.low = s[S_LOW]!;
    this.close = s[S_CLOSE]!;
    this.periodComplete = s[S_COMPLETE] === 1;
    this.hasLevels = s[S_HAS] === 1;
    this.newPeriod = s[S_NEW] === 1;
    this.levels.set(s.subarray(S_LEVELS));
    this.n--;
    return this.add(bar);
  }

  reset(): void {
    this.n = 0;
    this.startMs = Infinity;
    this.endMs = -Infinity;
    this.high = 0;
    this.low = 0;
    this.close = 0;
    this.periodComplete = false;
    this.hasLevels = false;
    this.newPeriod = false;
    this.levels.fill(0);
  }

  private save(): void {
    const s = this.saved;
    s[S_START] = this.startMs;
    s[S_END] = this.endMs;
    s[S_HIGH] = this.high;
    s[S_LOW] = this.low;
    s[S_CLOSE] = this.close;
    s[S_COMPLETE] = this.periodComplete ? 1 : 0;
    s[S_HAS] = this.hasLevels ? 1 : 0;
    s[S_NEW] = this.newPeriod ? 1 : 0;
    for (let i = 0; i < this.levels.length; i++) s[S_LEVELS + i] = this.levels[i]!;
  }
}

/**
 * Batch pivots: one buffer per level in `pivotLevelNames` order (NaN before the first levels). Runs the
 * streaming indicator over the columns: pivots change once a period, so there is no faster arithmetic to share.
 */
export function pivotsBatch(bars: BarColumns, config: PivotConfig, outputs: BatchOutputs): void {
  const n = barColumnsLength('pivots', bars);
  requireBatchBuffers('pivots', n, outputs);
  const p = new PivotPoints(config);
  const bar = { openTimeMs: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (let i = 0; i < n; i++) {
    bar.openTimeMs = bars.openTimeMs[i]!;
    bar.open = bars.open[i]!;
    bar.high = bars.high[i]!;
    bar.low = bars.low[i]!;
    bar.close = bars.close[i]!;
    bar.volume = bars.volume[i]!;
    p.add(bar);
    for (let o = 0; o < outputs.length; o++) outputs[o]![i] = p.output(o) ?? NaN;
  }
}
