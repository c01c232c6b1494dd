import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BTC_1M, loadKlines } from '../../test/support/kline-columns.js';
import { indicatorContract } from './contract.js';
import { SLIDING_RESCAN_MAX_PERIOD, SlidingHighLow } from './sliding-extreme-rescan.js';
import { Stochastic, stochasticBatch, type StochasticOptions } from './stochastic.js';

/** Pushes one bar through the slot-based entry point. */
function push(ext: SlidingHighLow, high: number, low: number): void {
  ext.pushAt(Float64Array.of(high), 0, Float64Array.of(low), 0);
}

const bar = fc.record({ high: fc.integer({ min: -20, max: 20 }), low: fc.integer({ min: -20, max: 20 }) });
const step = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('push' as const), bar }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('revise' as const), bar }) },
);

describe('SlidingHighLow', () => {
  // Reference: a plain scan of the last `period` bars of the sequence that the pushes and undos leave behind.
  // Narrow integer ranges make ties and "the extreme leaves the window" frequent, the rescan's only trigger.
  it('gives the highest high and lowest low of the last N bars after any mix of pushes and one-step revisions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.array(step, { minLength: 1, maxLength: 200 }), (period, steps) => {
        const ext = new SlidingHighLow(period);
        const seq: { high: number; low: number }[] = [];
        for (const s of steps) {
          if (s.op === 'revise' && seq.length > 0) {
            ext.undo();
            seq.pop();
          }
          push(ext, s.bar.high, s.bar.low);
          seq.push(s.bar);
          const window = seq.slice(-period);
          const where = `window of ${period} over ${JSON.stringify(seq)}`;
          expect(ext.highest, `highest high, ${where}`).toBe(Math.max(...window.map((b) => b.high)));
          expect(ext.lowest, `lowest low, ${where}`).toBe(Math.min(...window.map((b) => b.low)));
        }
      }),
    );
  });

  it('rescans when the extreme leaves and keeps it while it stays (hand example, N = 3)', () => {
    const ext = new SlidingHighLow(3);
    const got = [9, 1, 2, 3, 2, 1, 0].map((x) => {
      push(ext, x, -x);
      return ext.highest;
    });
    // windows: [9] [9,1] [9,1,2] [1,2,3] [2,3,2] [3,2,1] [2,1,0]; 9 leaves with the fourth push, 3 with the seventh.
    expect(got, 'the highest of each window of 3').toEqual([9, 9, 9, 3, 3, 3, 2]);
    expect(ext.lowest, 'the lows are the negated highs, so the lowest is -2').toBe(-2);
  });

  it('returns to the empty state on reset', () => {
    const ext = new SlidingHighLow(2);
    push(ext, 5, 1);
    push(ext, 4, 2);
    ext.reset();
    expect(ext.highest, 'nothing in the window').toBe(-Infinity);
    push(ext, 7, 3);
    expect({ highest: ext.highest, lowest: ext.lowest }, 'only the bar pushed after reset is in the window').toEqual({ highest: 7, lowest: 3 });
  });
});

// The stochastic uses SlidingHighLow up to the cut and the deques above it: both sides pass the indicator
// contract (warm-up, replace == recompute, batch == streaming bit for bit); TA-Lib agreement for 14 and 240 is in
// talib-reference.test.ts.
describe('stochastic on both sides of the rescan cut, BTCUSDT 1m', () => {
  const bars = loadKlines(BTC_1M, 1500);
  for (const kPeriod of [SLIDING_RESCAN_MAX_PERIOD, SLIDING_RESCAN_MAX_PERIOD + 1]) {
    const options: StochasticOptions = { kind: 'slow', kPeriod, kSmoothing: 3, dPeriod: 3 };
    const contract = indicatorContract(
      {
        name: `STOCH(${kPeriod},3,3)`,
        kind: 'bar',
        // TA-Lib STOCH lookback: (kPeriod - 1) + (kSmoothing - 1) + (dPeriod - 1).
        expectedLookback: kPeriod - 1 + 2 + 2,
        create: () => new Stochastic(options),
        batch: (b, [k, d]) => stochasticBatch(b, options, k!, d!),
      },
      bars,
    );
    for (const check of contract) it(check.title, check.run);
  }
});
