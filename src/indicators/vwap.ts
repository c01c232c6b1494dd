// Anchored VWAP with volume-weighted standard-deviation bands (streaming and batch), plus the period anchors
// (UTC day, session, week, custom start) and bar price sources that pivots and the volume profile reuse.
// Pure; must never allocate per update, and batch must equal streaming bit for bit.
import { InputError, InvariantError } from '../core/errors.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../core/time.js';
import { barColumnsLength, requireBatchBuffers, requireFinite, type BarColumns, type BarIndicator, type BarInput, type BatchOutputs } from './indicator.js';

/**
 * When an anchored calculation restarts, in UTC:
 * - `utc-day`: every day at 00:00 UTC (Binance's daily candle boundary);
 * - `session`: every day at `startHourUtc`:00 UTC (e.g. 13 for a 13:00 UTC session open);
 * - `week`: every Monday 00:00 UTC (Binance's weekly candle boundary);
 * - `custom`: once, at `startMs` (anchored VWAP from an event); bars before it have no value.
 */
export type PeriodAnchor =
  | { readonly kind: 'utc-day' }
  | { readonly kind: 'session'; readonly startHourUtc: number }
  | { readonly kind: 'week' }
  | { readonly kind: 'custom'; readonly startMs: number };

/** The price of a bar an indicator uses: typical (H+L+C)/3, close, (H+L)/2 or (O+H+L+C)/4, as TradingView names them. */
export type PriceSource = 'hlc3' | 'close' | 'hl2' | 'ohlc4';

const MS_PER_WEEK = 7 * MS_PER_DAY;
/** 1970-01-01 was a Thursday, so Mondays 00:00 UTC fall 4 days after multiples of a week. */
const MONDAY_OFFSET_MS = 4 * MS_PER_DAY;

/** The period containing a time: its start (inclusive) and the next start (exclusive), in epoch ms. */
export interface PeriodBounds {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The anchor period containing `timeMs`, or undefined for a time before a custom anchor's start.
 * Floor division keeps it right for times before 1970 as well.
 */
export function periodAt(anchor: PeriodAnchor, timeMs: number): PeriodBounds | undefined {
  switch (anchor.kind) {
    case 'utc-day':
      return periodic(timeMs, MS_PER_DAY, 0);
    case 'session':
      return periodic(timeMs, MS_PER_DAY, anchor.startHourUtc * MS_PER_HOUR);
    case 'week':
      return periodic(timeMs, MS_PER_WEEK, MONDAY_OFFSET_MS);
    case 'custom':
      return timeMs < anchor.startMs ? undefined : { startMs: anchor.startMs, endMs: Infinity };
  }
}

function periodic(timeMs: number, lengthMs: number, offsetMs: number): PeriodBounds {
  const startMs = Math.floor((timeMs - offsetMs) / lengthMs) * lengthMs + offsetMs;
  return { startMs, endMs: startMs + lengthMs };
}

/** Checks an anchor a user configured; throws an InputError naming the bad field. */
export function validateAnchor(input: string, anchor: PeriodAnchor): PeriodAnchor {
  if (anchor.kind === 'session' && !(Number.isInteger(anchor.startHourUtc) && anchor.startHourUtc >= 0 && anchor.startHourUtc < 24)) {
    throw new InputError('OUT_OF_RANGE', `${input} session start hour`, `must be a whole hour 0-23 UTC, got ${String(anchor.startHourUtc)}`, 'give the session start as an hour from 0 to 23 (UTC)');
  }
  if (anchor.kind === 'custom' && !Number.isSafeInteger(anchor.startMs)) {
    throw new InputError('INVALID_OPTION', `${input} anchor start`, `must be a time in epoch milliseconds, got ${String(anchor.startMs)}`, 'give the anchor start as an ISO time or epoch milliseconds');
  }
  return anchor;
}

/** The bar's price for `source`. The operation order is fixed so that every caller gets the same bits. */
export function sourcePrice(source: PriceSource, open: number, high: number, low: number, close: number): number {
  switch (source) {
    case 'hlc3':
      return (high + low + close) / 3;
    case 'close':
      return close;
    case 'hl2':
      return (high + low) / 2;
    case 'ohlc4':
      return (open + high + low + close) / 4;
  }
  // Unreachable for a PriceSource; without it the function could return undefined, and V8 would then box every
  // price it returns (a HeapNumber per bar) even when inlined.
  throw new InvariantError('a price source (hlc3, close, hl2 or ohlc4)', String(source));
}

/** Configuration of an anchored VWAP. */
export interface VwapConfig {
  /** Default `{ kind: 'utc-day' }`. */
  readonly anchor?: PeriodAnchor;
  /** Default `hlc3`, TradingView's default VWAP source. */
  readonly source?: PriceSource;
  /** Band widths in standard deviations; default [1, 2, 3] (TradingView's three band multipliers). */
  readonly bandMultipliers?: readonly number[];
}

/** Output names for a band count: vwap, stdev, then upper/lower per multiplier (upper1 = first multiplier). */
export function vwapOutputNames(bands: number): string[] {
  const names = ['vwap', 'stdev'];
  for (let b = 1; b <= bands; b++) names.push(`upper${b}`, `lower${b}`);
  return names;
}

interface ResolvedConfig {
  readonly anchor: PeriodAnchor;
  readonly source: PriceSource;
  readonly multipliers: Float64Array;
}

function resolve(config: VwapConfig): ResolvedConfig {
  const multipliers = Float64Array.from(config.bandMultipliers ?? [1, 2, 3]);
  multipliers.forEach((k, i) => requireFinite(`VWAP band multiplier ${i + 1}`, k, 0));
  return { anchor: validateAnchor('VWAP', config.anchor ?? { kind: 'utc-day' }), source: config.source ?? 'hlc3', multipliers };
}

/**
 * Volume-weighted standard deviation from the shifted sums (population form, as TradingView's ta.vwap bands and
 * thinkorswim's VWAP study compute it: sqrt(max(sum(v p^2)/sum(v) - vwap^2, 0)),
 * https://tlc.thinkorswim.com/center/reference/Tech-Indicators/studies-library/V-Z/VWAP.html). Prices are
 * shifted by the period's first price so that the subtraction does not cancel away the digits that matter.
 */
function stdevOf(sumV: number, sumDv: number, sumD2v: number): number {
  const meanD = sumDv / sumV;
  const variance = sumD2v / sumV - meanD * meanD;
  return variance > 0 ? Math.sqrt(variance) : 0;
}

/**
 * Anchored VWAP: sum(price x volume) / sum(volume) over the bars of the current anchor period, price from
 * `source` (default typical price), with bands vwap +/- k x sigma where sigma is the volume-weighted standard
 * deviation of the price about the VWAP since the anchor. Outputs: see `vwapOutputNames`.
 * Lookback 0: a value from the first bar with volume. Undefined while the period has no volume yet (no trade has
 * fixed a price) and, for a custom anchor, before its start: `isStable` says whether there is a value now.
 */
export class Vwap implements BarIndicator {
  readonly outputNames: readonly string[];
  readonly lookback = 0;
  private readonly cfg: ResolvedConfig;
  private n = 0;
  private startMs = Infinity;
  private endMs = -Infinity;
  private ref = 0;
  private sumV = 0;
  private sumDv = 0;
  private sumD2v = 0;
  private current = 0;
  private readonly saved = new Float64Array(7);

  constructor(config: VwapConfig = {}) {
    this.cfg = resolve(config);
    this.outputNames = vwapOutputNames(this.cfg.multipliers.length);
  }

  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    return this.sumV > 0;
  }
  get value(): number | undefined {
    return this.sumV > 0 ? this.current : undefined;
  }
  /** The VWAP as a plain number for allocation-free hot loops; meaningful only while isStable (0 before). */
  get stableValue(): number {
    return this.current;
  }
  /** Start of the current anchor period in epoch ms; undefined before the first bar in a period. */
  get periodStartMs(): number | undefined {
    return Number.isFinite(this.startMs) ? this.startMs : undefined;
  }

  output(index: number): number | undefined {
    if (!(this.sumV > 0)) return undefined;
    if (index === 0) return this.current;
    const sd = stdevOf(this.sumV, this.sumDv, this.sumD2v);
    if (index === 1) return sd;
    const k = this.cfg.multipliers[(index - 2) >> 1];
    if (k === undefined) return undefined;
    const vwap = this.current;
    return index % 2 === 0 ? vwap + k * sd : vwap - k * sd;
  }

  add(bar: BarInput): number | undefined {
    return this.addBar(bar.openTimeMs, bar.open, bar.high, bar.low, bar.close, bar.volume);
  }

  /**
   * `add` for a bar given as numbers (open time in epoch ms, prices, volume in the base asset): the hot-loop entry,
   * no bar object to fill and read.
   */
  addBar(openTimeMs: number, open: number, high: number, low: number, close: number, volume: number): number | undefined {
    const s = this.saved;
    s[0] = this.startMs;
    s[1] = this.endMs;
    s[2] = this.ref;
    s[3] = this.sumV;
    s[4] = this.sumDv;
    s[5] = this.sumD2v;
    s[6] = this.current;
    this.n++;
    const p = sourcePrice(this.cfg.source, open, high, low, close);
    if ((openTimeMs >= this.endMs || openTimeMs < this.startMs) && !this.startPeriod(openTimeMs, p)) return undefined;
    const d = p - this.ref;
    this.sumV += volume;
    this.sumDv += d * volume;
    this.sumD2v += d * d * volume;
    if (this.sumV > 0) {
      this.current = this.ref + this.sumDv / this.sumV;
      return this.current;
    }
    this.current = 0;
    return undefined;
  }

  /**
   * Opens the anchor period containing `t` with `p` as its reference price; false (and no value) before a custom
   * anchor. Kept out of `add` so that `add` stays small enough for the JIT to inline into callers' loops.
   */
  private startPeriod(t: number, p: number): boolean {
    const period = periodAt(this.cfg.anchor, t);
    this.sumV = 0;
    this.sumDv = 0;
    this.sumD2v = 0;
    if (period === undefined) {
      this.startMs = Infinity;
      this.endMs = -Infinity;
      this.current = 0;
      return false;
    }
    this.startMs = period.startMs;
    this.endMs = period.endMs;
    this.ref = p;
    return true;
  }

  replace(bar: BarInput): number | undefined {
    return this.replaceBar(bar.openTimeMs, bar.open, bar.high, bar.low, bar.close, bar.volume);
  }

  /** `replace` for a bar given as numbers. */
  replaceBar(openTimeMs: number, open: number, high: number, low: number, close: number, volume: number): number | undefined {
    if (this.n === 0) return this.addBar(openTimeMs, open, high, low, close, volume);
    const s = this.saved;
    this.startMs = s[0]!;
    this.endMs = s[1]!;
    this.ref = s[2]!;
    this.sumV = s[3]!;
    this.sumDv = s[4]!;
    this.sumD2v = s[5]!;
    this.current = s[6]!;
    this.n--;
    return this.addBar(openTimeMs, open, high, low, close, volume);
  }

  reset(): void {
    this.n = 0;
    this.startMs = Infinity;
    this.endMs = -Infinity;
    this.ref = 0;
    this.sumV = 0;
    this.sumDv = 0;
    this.sumD2v = 0;
    this.current = 0;
  }
}

/**
 * Batch anchored VWAP over bar columns: writes outputs[0] = vwap and, when given, outputs[1] = stdev and the band
 * buffers in `vwapOutputNames` order (pass fewer buffers to skip the bands: the vwap-only loop is the fast path).
 * NaN where the streaming form has no value. The same arithmetic as `Vwap`, so equal to it bit for bit.
 */
export function vwapBatch(bars: BarColumns, config: VwapConfig, outputs: BatchOutputs): void {
  const cfg = resolve(config);
  const n = barColumnsLength('VWAP', bars);
  requireBatchBuffers('VWAP', n, outputs);
  const out = outputs[0];
  if (out === undefined) return;
  if (outputs.length === 1 && cfg.source === 'hlc3') {
    vwapOnlyHlc3(bars, cfg.anchor, n, out);
    return;
  }
  const withBands = outputs.length > 1;
  const { openTimeMs, open, high, low, close, volume } = bars;
  const source = cfg.source;
  let startMs = Infinity;
  let endMs = -Infinity;
  let ref = 0;
  let sumV = 0;
  let sumDv = 0;
  let sumD2v = 0;
  for (let i = 0; i < n; i++) {
    const t = openTimeMs[i]!;
    const p = sourcePrice(source, open[i]!, high[i]!, low[i]!, close[i]!);
    if (t >= endMs || t < startMs) {
      const period = periodAt(cfg.anchor, t);
      if (period === undefined) {
        startMs = Infinity;
        endMs = -Infinity;
        sumV = 0;
        for (const o of outputs) o[i] = NaN;
        continue;
      }
      startMs = period.startMs;
      endMs = period.endMs;
      ref = p;
      sumV = 0;
      sumDv = 0;
      sumD2v = 0;
    }
    const v = volume[i]!;
    const d = p - ref;
    sumV += v;
    sumDv += d * v;
    sumD2v += d * d * v;
    if (!(sumV > 0)) {
      for (const o of outputs) o[i] = NaN;
      continue;
    }
    const vwap = ref + sumDv / sumV;
    out[i] = vwap;
    if (withBands) writeBands(outputs, i, vwap, stdevOf(sumV, sumDv, sumD2v), cfg.multipliers);
  }
}

/**
 * The default configuration without bands, the hot path of backtests and sweeps: the same arithmetic as the
 * general loop with the price source and band writes specialised away.
 */
function vwapOnlyHlc3(bars: BarColumns, anchor: PeriodAnchor, n: number, out: Float64Array): void {
  const { openTimeMs, high, low, close, volume } = bars;
  let startMs = Infinity;
  let endMs = -Infinity;
  let ref = 0;
  let sumV = 0;
  let sumDv = 0;
  for (let i = 0; i < n; i++) {
    const t = openTimeMs[i]!;
    const p = (high[i]! + low[i]! + close[i]!) / 3;
    if (t >= endMs || t < startMs) {
      const period = periodAt(anchor, t);
      if (period === undefined) {
        startMs = Infinity;
        endMs = -Infinity;
        sumV = 0;
        out[i] = NaN;
        continue;
      }
      startMs = period.startMs;
      endMs = period.endMs;
      ref = p;
      sumV = 0;
      sumDv = 0;
    }
    const v = volume[i]!;
    sumV += v;
    sumDv += (p - ref) * v;
    out[i] = sumV > 0 ? ref + sumDv / sumV : NaN;
  }
}

function writeBands(outputs: BatchOutputs, i: number, vwap: number, sd: number, multipliers: Float64Array): void {
  const sdOut = outputs[1];
  if (sdOut !== undefined) sdOut[i] = sd;
  for (let b = 0; b < multipliers.length; b++) {
    const k = multipliers[b]!;
    const upper = outputs[2 + 2 * b];
    const lower = outputs[3 + 2 * b];
    if (upper !== undefined) upper[i] = vwap + k * sd;
    if (lower !== undefined) lower[i] = vwap - k * sd;
  }
}
