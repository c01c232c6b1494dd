// The closed bars of a volume profile: volume and the number of contributing bars per price bucket, in arrays
// that grow to cover the prices seen, with the span of buckets touched since the last clear. Must never allocate
// except to widen its range, and never hold more than MAX_BUCKETS buckets of prices.
import { InputError } from '../core/errors.js';

/** Bars or profiles spanning more buckets than this are refused: a bad tick or an absurd bar, not a market. */
export const MAX_BUCKETS = 4_000_000;

/**
 * Volume per bucket index (an integer count of buckets from price 0), stored from bucket `base` on. A bucket's
 * volume returns to exactly 0 when its last contributing bar is taken out, whatever float residue the
 * subtractions would leave. Fields are read directly by the profile's per-bar scan.
 */
export class BucketVolumes {
  /** Volume per bucket, index = bucket - base; only meaningful while `used`. */
  vol = new Float64Array(256);
  private bars = new Int32Array(256);
  base = 0;
  /** False after a clear, until the first bar is added (then `base` is set around it). */
  used = false;
  /** The lowest and highest bucket touched since the last clear (Infinity / -Infinity when none). */
  touchedLo = Infinity;
  touchedHi = -Infinity;
  /** Set by `findRange`: the lowest and highest bucket holding volume. */
  rangeLo = 0;
  rangeHi = 0;

  /**
   * Adds a bar spread over the buckets from `lo` to `hi`: `barDelta` (1, or -1 to take the bar out) times its
   * volume per bucket, `volumes[slot]`, to each, and `barDelta` to their bar counts. The volume comes by slot, not
   * as an argument: when V8 leaves this call out of line, a double argument is boxed into a HeapNumber per bar.
   */
  add(lo: number, hi: number, volumes: Float64Array, slot: number, barDelta: number): void {
    // Negation is exact, so a bar taken out subtracts exactly what it added.
    const per = barDelta * volumes[slot]!;
    // Growing is rare and large; kept out of line so that this per-bar path stays small enough to inline.
    if (!this.used || lo < this.base || hi >= this.base + this.vol.length) this.grow(lo, hi);
    if (lo < this.touchedLo) this.touchedLo = lo;
    if (hi > this.touchedHi) this.touchedHi = hi;
    for (let b = lo - this.base; b <= hi - this.base; b++) {
      const bars = (this.bars[b] = this.bars[b]! + barDelta);
      // Once no bar contributes, the bucket is exactly empty again, whatever float residue the subtraction left.
      this.vol[b] = bars === 0 ? 0 : this.vol[b]! + per;
    }
  }

  /** Empties every bucket (only the touched span needs zeroing). */
  clear(): void {
    if (this.used && this.touchedLo <= this.touchedHi) {
      this.vol.fill(0, this.touchedLo - this.base, this.touchedHi - this.base + 1);
      this.bars.fill(0, this.touchedLo - this.base, this.touchedHi - this.base + 1);
    }
    this.used = false;
    this.touchedLo = Infinity;
    this.touchedHi = -Infinity;
  }

  /** Back to the freshly constructed contents, keeping the arrays. */
  reset(): void {
    this.vol.fill(0);
    this.bars.fill(0);
    this.clear();
  }

  /** The volume of one bucket, 0 outside the stored range. */
  volumeAt(bucket: number): number {
    const i = bucket - this.base;
    return this.used && i >= 0 && i < this.vol.length ? this.vol[i]! : 0;
  }

  /**
   * Sets rangeLo/rangeHi to the lowest and highest bucket holding volume and returns false when none does.
   * Fields, not a returned object, so that the per-bar POC query allocates nothing. With `forgetEmpty` (a
   * sliding window, which leaves empty buckets behind as price moves on) the touched span shrinks to the range,
   * so they are not rescanned: a bucket outside may still count a zero-volume bar, but it only decrements to
   * exactly zero, so nothing is lost.
   */
  findRange(forgetEmpty: boolean): boolean {
    if (!this.used) return false;
    // Only buckets touched since the last clear can hold volume; scan inward from both ends of that span.
    const first = this.touchedLo - this.base;
    const last = this.touchedHi - this.base;
    let i = first;
    while (i <= last && !(this.vol[i]! > 0)) i++;
    let j = last;
    while (j >= i && !(this.vol[j]! > 0)) j--;
    const found = i <= j;
    if (found) {
      this.rangeLo = i + this.base;
      this.rangeHi = j + this.base;
    }
    if (forgetEmpty) {
      this.touchedLo = found ? this.rangeLo : Infinity;
      this.touchedHi = found ? this.rangeHi : -Infinity;
    }
    return found;
  }

  /** Makes room for the buckets from `lo` to `hi` (and sets `base` around the first bar after a clear). */
  private grow(lo: number, hi: number): void {
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
}
