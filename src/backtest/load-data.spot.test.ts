// Aligning a spot series to the run's bars: by open time, forward-filled, never with a spot bar that closes later.
import { describe, expect, it } from 'vitest';
import { alignSpot } from './load-data.js';

describe('alignSpot', () => {
  it('takes the spot bar of the same open time, carries the last close over gaps and has nothing before the first', () => {
    const run = Float64Array.from([0, 60, 120, 180, 240]);
    // Spot starts at 60, misses 180, and has a bar at 241 that must not leak into 240.
    const spot = { length: 4, openTimeMs: Float64Array.from([60, 120, 240, 300]), close: Float64Array.from([10, 11, 13, 14]) };
    const a = alignSpot(run, spot, 'x');
    expect(Array.from(a.close), '0 = none yet; 180 carries 120\'s close; 240 its own').toEqual([0, 10, 11, 11, 13]);
    expect(a.missing, 'bars 0 and 180 have no spot bar of their own').toBe(2);
  });
});
