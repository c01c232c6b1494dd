import { describe, expect, it } from 'vitest';
import { BucketVolumes } from './bucket-volumes.js';

/** Adds (delta 1) or takes out (delta -1) a bar of `per` volume per bucket over buckets lo..hi. */
function bar(store: BucketVolumes, lo: number, hi: number, per: number, delta: 1 | -1): void {
  store.add(lo, hi, Float64Array.of(per), 0, delta);
}

describe('BucketVolumes', () => {
  it('returns a bucket to exactly 0 when its last bar is taken out, whatever the float residue', () => {
    const store = new BucketVolumes();
    bar(store, 10, 10, 0.1, 1);
    bar(store, 10, 10, 0.2, 1);
    bar(store, 10, 10, 0.1, -1);
    // By hand in doubles: 0.1 + 0.2 = 0.30000000000000004, minus 0.1 = 0.20000000000000004 (not 0.2), and minus
    // 0.2 that would leave 5.551115123125783e-17.
    expect(store.volumeAt(10), 'one bar left: the running sum carries the float residue').toBe(0.20000000000000004);
    bar(store, 10, 10, 0.2, -1);
    expect(store.volumeAt(10), 'no bar left: exactly empty, not 5.6e-17').toBe(0);
  });

  it('keeps every volume at its bucket when the range grows below and above', () => {
    const store = new BucketVolumes();
    bar(store, 1000, 1001, 2, 1);
    bar(store, 500, 500, 3, 1);
    bar(store, 5000, 5000, 4, 1);
    const got = [499, 500, 1000, 1001, 1002, 5000].map((b) => store.volumeAt(b));
    expect(got, 'buckets 500, 1000, 1001 and 5000 hold what was added; the others are empty').toEqual([0, 3, 2, 2, 0, 4]);
  });

  it('finds the lowest and highest bucket holding volume, and forgets emptied ends when asked', () => {
    const store = new BucketVolumes();
    bar(store, 20, 22, 1, 1);
    bar(store, 30, 30, 1, 1);
    bar(store, 20, 22, 1, -1);
    expect(store.findRange(false), 'bucket 30 still holds volume').toBe(true);
    expect([store.rangeLo, store.rangeHi], 'buckets 20-22 are empty again').toEqual([30, 30]);
    expect([store.touchedLo, store.touchedHi], 'without forgetEmpty the touched span stays').toEqual([20, 30]);
    store.findRange(true);
    expect([store.touchedLo, store.touchedHi], 'with forgetEmpty it shrinks to the range').toEqual([30, 30]);
    store.clear();
    expect(store.findRange(false), 'a cleared store is empty').toBe(false);
  });
});
