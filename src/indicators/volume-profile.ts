// Volume profile over a session or a window of bars: volume by price bucket of N ticks, point of control, value
// area and high/low volume nodes. Pure; buckets are integer tick ranges built with the core grid helpers. Must
// never allocate per bar (only to widen its price range or open a session); POC and value area scan the range.
import { InputError } from '../core/errors.js';
import { countFromFloat, countToFloat, gridFromStep, type Grid } from '../core/grid.js';
import { barColumnsLength, requireBatchBuffers, requireFinite, requireInteger, type BarColumns, type BarIndicator, type BarInput, type BatchOutputs } from './indicator.js';
import { periodAt, sourcePrice, validateAnchor, type PeriodAnchor, type PriceSource } from './vwap.js';

/** Which bars make the profile: those of the current anchor period, or the last `bars` bars. */
export type ProfileScope = { readonly kind: 'session'; readonly anchor: PeriodAnchor } | { readonly kind: 'window'; readonly bars: number };

/** How a bar's volume is placed: spread evenly over the buckets from its low to its high, or all at one price. */
export type VolumeAllocation = { readonly kind: 'uniform' } | { readonly kind: 'at-price'; readonly source: PriceSource };

export interface VolumeProfileConfig {
  /** The instrument's tick size as a decimal string, e.g. "0.1". */
  readonly tickSize: string;
  /** Bucket height in ticks (default 1). */
  readonly bucketTicks?: number;
  /** Default: the UTC-day session. */
  readonly scope?: ProfileScope;
  /** Default: uniform over the bar's range. */
  readonly allocation?: VolumeAllocation;
  /** Share of the volume the value area holds, in percent; default 70. */
  readonly valueAreaPct?: number;
  /** A high-volume node is a local peak with at least this multiple of the mean bucket volume; default 1.5. */
  readonly highNodeRatio?: number;
  /** A low-volume node is a local trough inside the profile with at most this multiple of the mean; default 0.5. */
  readonly lowNodeRatio?: number;
}

/** One bucket: prices from `lowPrice` (inclusive) to lowPrice + bucket height (exclusive), and its volume. */
export interface ProfileBucket {
  readonly lowPrice: number;
  readonly volume: number;
}

/** Output order: point of control, value-area high, value-area low (each a bucket's low price). */
export const VOLUME_PROFILE_OUTPUTS = ['poc', 'vah', 'val'] as const;

/** Bars spanning more buckets than this are refused: a bad tick or an absurd bar, not a market. */
const MAX_BUCKETS = 4_000_000;

/**
 * A volume profile as a bar indicator (outputs poc, vah, val, prices of bucket lows). The open (last) bar is
 * held apart from the closed bars, so `replace` only swaps it and matches a fresh stream bit for bit.
 * - POC: the bucket with the most volume; on a tie the one nearest the middle of the profile's range, then the
 *   lower (the tie rules of the Market Profile value-area method, https://www.mypivots.com/dictionary/definition/40/calculating-market-profile-value-area).
 * - Value area: start at the POC and repeatedly add the larger of the next bucket above and the next below
 *   (above on a tie) until it holds valueAreaPct of the volume, the CBOT Market Profile procedure as quoted in
 *   https://purebytes.com/archives/amibroker/2007/msg07856.html (one price at a time; it can exceed 70 %).
 * Undefined until some volume is in the profile.
 */
export class VolumeProfile implements BarIndicator {
  readonly outputNames = VOLUME_PROFILE_OUTPUTS;
  readonly lookback = 0;
  readonly grid: Grid;
  private readonly bucketTicks: number;
  private readonly scope: ProfileScope;
  private readonly allocation: VolumeAllocation;
  private readonly valueAreaShare: number;
  private readonly highNodeRatio: number;
  private readonly lowNodeRatio: number;
  // Closed bars: volume and the number of bars contributing per bucket, from bucket index `base`.
  private vol = new Float64Array(256);
  private bars = new Int32Array(256);
  private base = 0;
  private used = false;
  // The window's closed bars (a ring of bars - 1): first bucket, last bucket, volume per bucket.
  private readonly ringLo: Float64Array;
  private readonly ringHi: Float64Array;
  private readonly ringPer: Float64Array;
  private ringHead = 0;
  private ringSize = 0;
  // The open bar.
  private openLo = 0;
  private openHi = -1;
  private openPer = 0;
  private openTimeMs = NaN;
  private startMs = Infinity;
  private endMs = -Infinity;
  private n = 0;
  private cacheAt = -1;
  private readonly cache = new Float64Array(3);
  private cacheValid = false;
  private areaAt = -1;
  private pocBucket = 0;
  private pocVolume = 0;
  private totalVolume = 0;
  private rangeLo = 0;
  private rangeHi = 0;
  private touchedLo = Infinity;
  private touchedHi = -Infinity;

  constructor(config: VolumeProfileConfig) {
    const grid = gridFromStep(config.tickSize);
    if (grid === undefined) throw new InputError('INVALID_OPTION', 'volume profile tick size', `"${config.tickSize}" is not a positive decimal`, 'give the instrument tick size, e.g. 0.1');
    this.grid = grid;
    this.bucketTicks = requireInteger('volume profile bucket (ticks)', config.bucketTicks ?? 1, 1, 1_000_000);
    this.scope = config.scope ?? { kind: 'session', anchor: { kind: 'utc-day' } };
    if (this.scope.kind === 'session') validateAnchor('volume profile', this.scope.anchor);
    const closedBars = this.scope.kind === 'window' ? requireInteger('volume profile window (bars)', this.scope.bars, 1) - 1 : 0;
    this.ringLo = new Float64Array(closedBars);
    this.ringHi = new Float64Array(closedBars);
    this.ringPer = new Float64Array(closedBars);
    this.allocation = config.allocation ?? { kind: 'uniform' };
    const pct = config.valueAreaPct ?? 70;
    if (!(pct > 0 && pct <= 100)) throw new InputError('OUT_OF_RANGE', 'volume profile value area %', `must be above 0 and at most 100, got ${pct}`, 'give a percentage such as 70');
    this.valueAreaShare = pct / 100;
    this.highNodeRatio = requireFinite('volume profile high-node ratio', config.highNodeRatio ?? 1.5, 0);
    this.lowNodeRatio = requireFinite('volume profile low-node ratio', config.lowNodeRatio ?? 0.5, 0);
  }

  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    return this.output(0) !== undefined;
  }
  get value(): number | undefined {
    return this.output(0);
  }
  /** Bucket height as a price (the lossy float of bucketTicks x tick size). */
  get bucketPrice(): number {
    return countToFloat(this.bucketTicks, this.grid);
  }

  output(index: number): number | undefined {
    if (this.cacheAt !== this.n) this.compute();
    if (!this.cacheValid || index < 0 || index > 2) return undefined;
    if (index > 0 && this.areaAt !== this.n) this.computeArea();
    return this.cache[index];
  }

  add(bar: BarInput): number | undefined {
    if (this.n > 0) this.closeOpenBar();
    const t = bar.openTimeMs;
    if (this.scope.kind === 'session' && (t >= this.endMs || t < this.startMs)) {
      const period = periodAt(this.scope.anchor, t);
      this.clearClosed();
      this.startMs = period?.startMs ?? Infinity;
      this.endMs = period?.endMs ?? -Infinity;
    }
    this.n++;
    this.setOpenBar(bar);
    return this.value;
  }

  replace(bar: BarInput): number | undefined {
    if (this.n === 0) return this.add(bar);
    if (bar.openTimeMs !== this.openTimeMs) {
      throw new InputError('INVALID_DATA', 'volume profile replace', `the bar opens at ${bar.openTimeMs}, the open bar at ${this.openTimeMs}`, 'replace only revises the open bar; use add for a new bar');
    }
    this.setOpenBar(bar);
    this.cacheAt = -1;
    return this.value;
  }

  reset(): void {
    this.vol.fill(0);
    this.bars.fill(0);
    this.clearClosed();
    this.ringHead = 0;
    this.ringSize = 0;
    this.openLo = 0;
    this.openHi = -1;
    this.openPer = 0;
    this.openTimeMs = NaN;
    this.startMs = Infinity;
    this.endMs = -Infinity;
    this.n = 0;
    this.cacheAt = -1;
  }

  /** The profile's buckets from low to high price, empty ones inside the range included (allocates). */
  buckets(): ProfileBucket[] {
    const out: ProfileBucket[] = [];
    const r = this.range();
    if (r === undefined) return out;
    for (let b = r.lo; b <= r.hi; b++) out.push({ lowPrice: this.bucketLowPrice(b), volume: this.volumeAt(b) });
    return out;
  }

  /**
   * High-volume nodes (local peaks with volume >= highNodeRatio x the mean bucket volume over the range) and
   * low-volume nodes (local troughs strictly inside the range with volume <= lowNodeRatio x the mean); a plateau
   * counts once, at its lowest bucket. Allocates; for reports and strategies that read it once a bar.
   */
  nodes(): { readonly high: ProfileBucket[]; readonly low: ProfileBucket[] } {
    const high: ProfileBucket[] = [];
    const low: ProfileBucket[] = [];
    const r = this.range();
    if (r === undefined) return { high, low };
    let total = 0;
    for (let b = r.lo; b <= r.hi; b++) total += this.volumeAt(b);
    const mean = total / (r.hi - r.lo + 1);
    for (let b = r.lo; b <= r.hi; b++) {
      const v = this.volumeAt(b);
      const below = b > r.lo ? this.volumeAt(b - 1) : -Infinity;
      let e = b;
      while (e < r.hi && this.volumeAt(e + 1) === v) e++;
      const above = e < r.hi ? this.volumeAt(e + 1) : -Infinity;
      if (v > below && v > above && v >= this.highNodeRatio * mean) high.push({ lowPrice: this.bucketLowPrice(b), volume: v });
      if (b > r.lo && e < r.hi && v < below && v < above && v <= this.lowNodeRatio * mean) low.push({ lowPrice: this.bucketLowPrice(b), volume: v });
      b = e;
    }
    return { high, low };
  }

  private setOpenBar(bar: BarInput): void {
    this.openTimeMs = bar.openTimeMs;
    if (this.scope.kind === 'session' && !Number.isFinite(this.startMs)) {
      this.openHi = -1;
      return;
    }
    const allocation = this.allocation;
    const lowPrice = allocation.kind === 'uniform' ? bar.low : sourcePrice(allocation.source, bar.open, bar.high, bar.low, bar.close);
    const highPrice = allocation.kind === 'uniform' ? bar.high : lowPrice;
    // Sorted, so that a provisional bar with high and low swapped still spreads over its range.
    const a = this.bucketOf(lowPrice);
    const b = this.bucketOf(highPrice);
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    if (hi - lo >= MAX_BUCKETS || !(bar.volume >= 0)) {
      throw new InputError('INVALID_DATA', `volume profile bar at ${bar.openTimeMs}`, `low ${bar.low}, high ${bar.high}, volume ${bar.volume} do not make a bar of at most ${MAX_BUCKETS} buckets`, 'check the bar data and the tick size / bucket size');
    }
    this.openLo = lo;
    this.openHi = hi;
    this.openPer = bar.volume / (hi - lo + 1);
  }

  private bucketOf(price: number): number {
    const ticks = countFromFloat(price, this.grid, 'floor');
    if (ticks === undefined) throw new InputError('INVALID_DATA', 'volume profile bar', `price ${price} is not a finite number`, 'drop or fix the malformed bar');
    return Math.floor(ticks / this.bucketTicks);
  }

  private bucketLowPrice(bucket: number): number {
    return countToFloat(bucket * this.bucketTicks, this.grid);
  }

  /** Moves the open bar into the closed buckets; a window keeps at most `bars - 1` closed bars besides it. */
  private closeOpenBar(): void {
    if (this.openHi < this.openLo) return;
    if (this.scope.kind === 'session') {
      this.addClosed(this.openLo, this.openHi, this.openPer, 1);
      return;
    }
    const cap = this.ringLo.length;
    if (cap === 0) return;
    if (this.ringSize === cap) {
      const old = this.ringHead;
      this.addClosed(this.ringLo[old]!, this.ringHi[old]!, -this.ringPer[old]!, -1);
      this.ringHead = (old + 1) % cap;
      this.ringSize--;
    }
    const slot = (this.ringHead + this.ringSize) % cap;
    this.ringLo[slot] = this.openLo;
    this.ringHi[slot] = this.openHi;
    this.ringPer[slot] = this.openPer;
    this.ringSize++;
    this.addClosed(this.openLo, this.openHi, this.openPer, 1);
  }

  private addClosed(lo: number, hi: number, per: number, barDelta: number): void {
    this.ensure(lo, hi);
    if (lo < this.touchedLo) this.touchedLo = lo;
    if (hi > this.touchedHi) this.touchedHi = hi;
    for (let b = lo - this.base; b <= hi - this.base; b++) {
      const bars = (this.bars[b] = this.bars[b]! + barDelta);
      // Once no bar contributes, the bucket is exactly empty again, whatever float residue the subtraction left.
      this.vol[b] = bars === 0 ? 0 : this.vol[b]! + per;
    }
  }

  private clearClosed(): void {
    if (this.used && this.touchedLo <= this.touchedHi) {
      this.vol.fill(0, this.touchedLo - this.base, this.touchedHi - this.base + 1);
      this.bars.fill(0, this.touchedLo - this.base, this.touchedHi - this.base + 1);
    }
    this.used = false;
    this.touchedLo = Infinity;
    this.touchedHi = -Infinity;
    this.ringHead = 0;
    this.ringSize = 0;
  }

  private ensure(lo: number, hi: number): void {
    if (!this.used) {
      this.base = lo - (this.vol.length >> 2);
      this.used = true;
    }
    if (lo >= this.base && hi < this.base + this.vol.length) return;
    const newLo = Math.min(lo, this.base);
    const newHi = Math.max(hi, this.base + this.vol.length - 1);
    const span = newHi - newLo + 1;
    if (span > MAX_BUCKETS) {
      throw new InputError('INVALID_DATA', 'volume profile', `the prices span ${span} buckets, more than ${MAX_BUCKETS}`, 'use a larger bucket (bucketTicks) or a shorter session');
    }
    const size = Math.min(MAX_BUCKETS * 2, Math.max(span * 2, this.vol.length * 2));
    const newBase = newLo - ((size - span) >> 1);
    const vol = new Float64Array(size);
    const bars = new Int32Array(size);
    vol.set(this.vol, this.base - newBase);
    bars.set(this.bars, this.base - newBase);
    this.vol = vol;
    this.bars = bars;
    this.base = newBase;
  }

  private volumeAt(bucket: number): number {
    const i = bucket - this.base;
    const closed = this.used && i >= 0 && i < this.vol.length ? this.vol[i]! : 0;
    return bucket >= this.openLo && bucket <= this.openHi ? closed + this.openPer : closed;
  }

  /**
   * Sets rangeLo/rangeHi to the lowest and highest bucket holding volume and returns false for an empty profile.
   * Fields, not a returned object, so that the per-bar POC query allocates nothing.
   */
  private findRange(): boolean {
    let lo = Infinity;
    let hi = -Infinity;
    if (this.used) {
      // Only buckets touched since the last clear can hold volume; scan inward from both ends of that span.
      const first = this.touchedLo - this.base;
      const last = this.touchedHi - this.base;
      let i = first;
      while (i <= last && !(this.vol[i]! > 0)) i++;
      let j = last;
      while (j >= i && !(this.vol[j]! > 0)) j--;
      if (i <= j) {
        lo = i + this.base;
        hi = j + this.base;
      }
      // A sliding window leaves empty buckets behind as price moves on; stop rescanning them. A bucket outside
      // may still count a zero-volume bar, but it only decrements to exactly zero, so nothing is lost.
      if (this.scope.kind === 'window') {
        this.touchedLo = i <= j ? lo : Infinity;
        this.touchedHi = i <= j ? hi : -Infinity;
      }
    }
    if (this.openHi >= this.openLo && this.openPer > 0) {
      lo = Math.min(lo, this.openLo);
      hi = Math.max(hi, this.openHi);
    }
    this.rangeLo = lo;
    this.rangeHi = hi;
    return lo !== Infinity;
  }

  private range(): { lo: number; hi: number } | undefined {
    return this.findRange() ? { lo: this.rangeLo, hi: this.rangeHi } : undefined;
  }

  /** Point of control and total volume in one pass over the range; the value area waits until it is read. */
  private compute(): void {
    this.cacheAt = this.n;
    this.areaAt = -1;
    this.cacheValid = false;
    if (!this.findRange()) return;
    const lo = this.rangeLo;
    const hi = this.rangeHi;
    const vol = this.vol;
    const len = this.used ? vol.length : 0;
    const base = this.base;
    const openLo = this.openLo;
    const openHi = this.openHi;
    const per = this.openPer;
    let total = 0;
    let poc = lo;
    let pocVol = -1;
    const twiceMid = lo + hi;
    for (let b = lo; b <= hi; b++) {
      const i = b - base;
      let v = i >= 0 && i < len ? vol[i]! : 0;
      if (b >= openLo && b <= openHi) v += per;
      total += v;
      // Ties: nearer the middle of the range wins, then the lower bucket (scanned first).
      if (v > pocVol || (v === pocVol && Math.abs(2 * b - twiceMid) < Math.abs(2 * poc - twiceMid))) {
        poc = b;
        pocVol = v;
      }
    }
    this.pocBucket = poc;
    this.pocVolume = pocVol;
    this.totalVolume = total;
    this.cache[0] = this.bucketLowPrice(poc);
    this.cacheValid = true;
  }

  private computeArea(): void {
    this.areaAt = this.n;
    const lo = this.rangeLo;
    const hi = this.rangeHi;
    const target = this.valueAreaShare * this.totalVolume;
    let inArea = this.pocVolume;
    let up = this.pocBucket;
    let down = this.pocBucket;
    while (inArea < target && (up < hi || down > lo)) {
      const above = up < hi ? this.volumeAt(up + 1) : -1;
      const below = down > lo ? this.volumeAt(down - 1) : -1;
      if (above >= below) inArea += this.volumeAt(++up);
      else inArea += this.volumeAt(--down);
    }
    this.cache[1] = this.bucketLowPrice(up);
    this.cache[2] = this.bucketLowPrice(down);
  }
}

/** Batch volume profile: buffers for poc, vah, val (NaN while empty); runs the streaming profile over the bars. */
export function volumeProfileBatch(bars: BarColumns, config: VolumeProfileConfig, outputs: BatchOutputs): void {
  const n = barColumnsLength('volume profile', bars);
  requireBatchBuffers('volume profile', n, outputs);
  const p = new VolumeProfile(config);
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
