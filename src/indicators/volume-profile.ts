// Volume profile over a session or a window of bars: volume by price bucket of N ticks, point of control, value
// area and high/low volume nodes. Pure; buckets are integer tick ranges built with the core grid helpers. Must
// never allocate per bar (only to widen its price range or open a session); POC and value area scan the range.
import { InputError } from '../core/errors.js';
import { countFromFloat, countToFloat, type Grid } from '../core/grid.js';
import { BucketVolumes, MAX_BUCKETS } from './bucket-volumes.js';
import { barColumnsLength, requireBatchBuffers, type BarColumns, type BarIndicator, type BarInput, type BatchOutputs } from './indicator.js';
import {
  resolveProfileConfig,
  VOLUME_PROFILE_OUTPUTS,
  type ProfileBucket,
  type ProfileScope,
  type VolumeAllocation,
  type VolumeProfileConfig,
} from './volume-profile-config.js';
import { periodAt, sourcePrice } from './vwap.js';

export { VOLUME_PROFILE_OUTPUTS, type ProfileBucket, type ProfileScope, type VolumeAllocation, type VolumeProfileConfig } from './volume-profile-config.js';

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
  /** Closed bars: volume and the number of bars contributing per bucket. */
  private readonly closed = new BucketVolumes();
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
  /** Slots that hand doubles to other methods: the open bar's volume per bucket, or its low and high price. */
  private readonly scratch = new Float64Array(2);
  private cacheValid = false;
  private areaAt = -1;
  private pocBucket = 0;
  private pocVolume = 0;
  private totalVolume = 0;
  private rangeLo = 0;
  private rangeHi = 0;

  constructor(config: VolumeProfileConfig) {
    const c = resolveProfileConfig(config);
    this.grid = c.grid;
    this.bucketTicks = c.bucketTicks;
    this.scope = c.scope;
    this.ringLo = new Float64Array(c.closedBars);
    this.ringHi = new Float64Array(c.closedBars);
    this.ringPer = new Float64Array(c.closedBars);
    this.allocation = c.allocation;
    this.valueAreaShare = c.valueAreaShare;
    this.highNodeRatio = c.highNodeRatio;
    this.lowNodeRatio = c.lowNodeRatio;
  }


  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    this.refresh();
    return this.cacheValid;
  }
  get value(): number | undefined {
    this.refresh();
    return this.cacheValid ? this.cache[0] : undefined;
  }
  /** The point of control as a plain number, for allocation-free hot loops; meaningful only while isStable. */
  get stableValue(): number {
    this.refresh();
    return this.cache[0]!;
  }
  /** Bucket height as a price (the lossy float of bucketTicks x tick size). */
  get bucketPrice(): number {
    return countToFloat(this.bucketTicks, this.grid);
  }

  output(index: number): number | undefined {
    this.refresh();
    if (!this.cacheValid || index < 0 || index > 2) return undefined;
    if (index > 0 && this.areaAt !== this.n) this.computeArea();
    return this.cache[index];
  }

  add(bar: BarInput): number | undefined {
    this.push(bar);
    return this.cacheValid ? this.cache[0] : undefined;
  }

  /**
   * Takes in a new bar and computes the point of control. `add` around it stays under V8's 27-byte limit for
   * functions it always inlines; a larger `add` was sometimes left out of line (depending on what else the
   * caller's loop spent the inlining budget on), and then returning its double allocated a HeapNumber per bar.
   * No call below takes or returns a double, for the same reason.
   */
  private push(bar: BarInput): void {
    if (this.n > 0) this.closeOpenBar();
    const t = bar.openTimeMs;
    if (this.scope.kind === 'session' && (t >= this.endMs || t < this.startMs)) this.startSession(bar);
    this.n++;
    this.setOpenBar(bar);
    this.refresh();
  }

  /**
   * Empties the profile for the session that holds `bar`. Rare, so kept out of `push`: the per-bar path must stay
   * small enough for V8 to inline whole into a caller's loop (its budget is 920 bytes of bytecode).
   */
  private startSession(bar: BarInput): void {
    if (this.scope.kind !== 'session') return;
    const period = periodAt(this.scope.anchor, bar.openTimeMs);
    this.clearClosed();
    this.startMs = period?.startMs ?? Infinity;
    this.endMs = period?.endMs ?? -Infinity;
  }

  /** Recomputes the point of control once per bar, when first read. */
  private refresh(): void {
    if (this.cacheAt !== this.n) this.compute();
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
    this.closed.reset();
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
    // The two prices go to bucketAt by slot: a double argument to a call V8 leaves out of line is boxed.
    const prices = this.scratch;
    const allocation = this.allocation;
    if (allocation.kind === 'uniform') {
      prices[0] = bar.low;
      prices[1] = bar.high;
    } else {
      prices[0] = prices[1] = sourcePrice(allocation.source, bar.open, bar.high, bar.low, bar.close);
    }
    // Sorted, so that a provisional bar with high and low swapped still spreads over its range.
    const a = this.bucketAt(prices, 0);
    const b = this.bucketAt(prices, 1);
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    if (hi - lo >= MAX_BUCKETS || !(bar.volume >= 0)) this.refuseBar(bar);
    this.openLo = lo;
    this.openHi = hi;
    this.openPer = bar.volume / (hi - lo + 1);
  }

  private refuseBar(bar: BarInput): never {
    throw new InputError('INVALID_DATA', `volume profile bar at ${bar.openTimeMs}`, `low ${bar.low}, high ${bar.high}, volume ${bar.volume} do not make a bar of at most ${MAX_BUCKETS} buckets`, 'check the bar data and the tick size / bucket size');
  }

  /** The bucket of the price in `prices[slot]`. */
  private bucketAt(prices: Float64Array, slot: number): number {
    const ticks = countFromFloat(prices[slot]!, this.grid, 'floor');
    if (ticks === undefined) this.refusePrice(prices, slot);
    return Math.floor(ticks / this.bucketTicks);
  }

  private refusePrice(prices: Float64Array, slot: number): never {
    throw new InputError('INVALID_DATA', 'volume profile bar', `price ${prices[slot]} is not a finite number`, 'drop or fix the malformed bar');
  }

  private bucketLowPrice(bucket: number): number {
    return countToFloat(bucket * this.bucketTicks, this.grid);
  }

  /** Moves the open bar into the closed buckets; a window keeps at most `bars - 1` closed bars besides it. */
  private closeOpenBar(): void {
    if (this.openHi < this.openLo) return;
    if (this.scope.kind === 'session') {
      this.closed.add(this.openLo, this.openHi, this.openPerSlot(), 0, 1);
      return;
    }
    const cap = this.ringLo.length;
    if (cap === 0) return;
    if (this.ringSize === cap) {
      const old = this.ringHead;
      this.closed.add(this.ringLo[old]!, this.ringHi[old]!, this.ringPer, old, -1);
      this.ringHead = (old + 1) % cap;
      this.ringSize--;
    }
    const slot = (this.ringHead + this.ringSize) % cap;
    this.ringLo[slot] = this.openLo;
    this.ringHi[slot] = this.openHi;
    this.ringPer[slot] = this.openPer;
    this.ringSize++;
    this.closed.add(this.openLo, this.openHi, this.openPerSlot(), 0, 1);
  }

  /** The open bar's volume per bucket in slot 0 of a scratch buffer, to hand to `closed.add` by slot. */
  private openPerSlot(): Float64Array {
    this.scratch[0] = this.openPer;
    return this.scratch;
  }

  private clearClosed(): void {
    this.closed.clear();
    this.ringHead = 0;
    this.ringSize = 0;
  }

  private volumeAt(bucket: number): number {
    const closed = this.closed.volumeAt(bucket);
    return bucket >= this.openLo && bucket <= this.openHi ? closed + this.openPer : closed;
  }

  /**
   * Sets rangeLo/rangeHi to the lowest and highest bucket holding volume and returns false for an empty profile.
   * Fields, not a returned object, so that the per-bar POC query allocates nothing.
   */
  private findRange(): boolean {
    let lo = Infinity;
    let hi = -Infinity;
    const closed = this.closed;
    if (closed.findRange(this.scope.kind === 'window')) {
      lo = closed.rangeLo;
      hi = closed.rangeHi;
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
    const vol = this.closed.vol;
    const len = this.closed.used ? vol.length : 0;
    const base = this.closed.base;
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
