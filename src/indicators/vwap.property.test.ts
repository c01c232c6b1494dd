import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BarInput } from './indicator.js';
import { VolumeProfile } from './volume-profile.js';
import { Vwap } from './vwap.js';

const MON = Date.UTC(2025, 4, 5);
const MIN = 60_000;

/** Bars within one UTC day: prices in cents on a 0.01 grid, volumes from 0.001 upward. */
const dayBars = fc
  .array(
    fc.record({
      lowCents: fc.integer({ min: 100_000, max: 110_000 }),
      spanCents: fc.integer({ min: 0, max: 500 }),
      closeShare: fc.double({ min: 0, max: 1, noNaN: true }),
      volume: fc.integer({ min: 1, max: 100_000 }).map((v) => v / 1000),
    }),
    { minLength: 1, maxLength: 200 },
  )
  .map((rows) =>
    rows.map((r, i): BarInput => {
      const low = r.lowCents / 100;
      const high = (r.lowCents + r.spanCents) / 100;
      const close = Math.round(r.lowCents + r.closeShare * r.spanCents) / 100;
      return { openTimeMs: MON + i * MIN, open: close, high, low, close, volume: r.volume };
    }),
  );

describe('VWAP properties', () => {
  it('lies between the lowest and highest typical price of its period', () => {
    fc.assert(
      fc.property(dayBars, (bars) => {
        const v = new Vwap({ bandMultipliers: [2] });
        let lo = Infinity;
        let hi = -Infinity;
        for (const b of bars) {
          const tp = (b.high + b.low + b.close) / 3;
          lo = Math.min(lo, tp);
          hi = Math.max(hi, tp);
          const vwap = v.add(b)!;
          expect(vwap >= lo - 1e-9 * lo && vwap <= hi + 1e-9 * hi, 'a weighted mean stays within its values').toBe(true);
          expect(v.output(1)! <= (hi - lo) / 2 + 1e-9 * hi, 'a deviation is at most half the spread of the values').toBe(true);
          expect(v.output(2)! >= v.output(3)!, 'the upper band is above the lower band').toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('does not change when a bar is split into two bars at the same price with half the volume each', () => {
    fc.assert(
      fc.property(dayBars, fc.nat(), (bars, pick) => {
        const k = pick % bars.length;
        const whole = new Vwap({ source: 'close' });
        const split = new Vwap({ source: 'close' });
        bars.forEach((b, i) => {
          whole.add(b);
          if (i === k) {
            split.add({ ...b, volume: b.volume / 2 });
            split.add({ ...b, volume: b.volume / 2 });
          } else {
            split.add(b);
          }
        });
        expect(Math.abs(whole.value! - split.value!) / whole.value!, 'volume weighting is additive').toBeLessThan(1e-12);
      }),
      { numRuns: 100 },
    );
  });
});

describe('volume profile properties', () => {
  it('puts the POC inside a value area that holds at least the requested share of the volume', () => {
    fc.assert(
      fc.property(dayBars, fc.integer({ min: 10, max: 95 }), (bars, pct) => {
        const p = new VolumeProfile({ tickSize: '0.01', bucketTicks: 10, valueAreaPct: pct });
        for (const b of bars) p.add(b);
        const [poc, vah, val] = [p.output(0)!, p.output(1)!, p.output(2)!];
        expect(val <= poc && poc <= vah, 'VAL <= POC <= VAH').toBe(true);
        const buckets = p.buckets();
        const total = buckets.reduce((s, b) => s + b.volume, 0);
        const inArea = buckets.filter((b) => b.lowPrice >= val - 1e-9 && b.lowPrice <= vah + 1e-9).reduce((s, b) => s + b.volume, 0);
        expect(inArea, `the value area holds at least ${pct} %`).toBeGreaterThanOrEqual((pct / 100) * total * (1 - 1e-12));
        const top = Math.max(...buckets.map((b) => b.volume));
        expect(buckets.find((b) => Math.abs(b.lowPrice - poc) < 1e-9)?.volume, 'the POC bucket holds the most volume').toBe(top);
        expect(Math.abs(total - bars.reduce((s, b) => s + b.volume, 0)) / total, 'no volume is lost or invented').toBeLessThan(1e-12);
      }),
      { numRuns: 100 },
    );
  });
});
