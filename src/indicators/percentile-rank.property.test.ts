import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { PercentileRank, percentileRankBatch } from './percentile-rank.js';

// Reference: the definition written out (ta.percentrank): count the previous N values that are <= the current one.
function naive(seq: readonly number[], period: number): number | undefined {
  if (seq.length <= period) return undefined;
  const x = seq[seq.length - 1]!;
  const previous = seq.slice(-period - 1, -1);
  return (100 * previous.filter((v) => v <= x).length) / period;
}

// Small integers force many ties, the case a sorted window can get wrong; windows above 48 are kept sorted, and shifts above 24 slots use memmove.
const value = fc.integer({ min: -40, max: 40 });
const step = fc.record({ revise: fc.boolean(), x: value });

describe('PercentileRank (sorted window)', () => {
  it('equals the counting definition after any mix of adds and revisions of the open value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(step, { minLength: 1, maxLength: 300 }), (period, steps) => {
        const pr = new PercentileRank(period);
        const seq: number[] = [];
        for (const s of steps) {
          let got: number | undefined;
          if (s.revise && seq.length > 0) {
            seq[seq.length - 1] = s.x;
            got = pr.replace(s.x);
          } else {
            seq.push(s.x);
            got = pr.add(s.x);
          }
          expect(got, `rank of ${s.x} after [${seq.join(', ')}], N = ${period}`).toBe(naive(seq, period));
        }
      }),
    );
  });

  it('gives the same values in batch as the definition', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(value, { maxLength: 200 }), (period, xs) => {
        const out = new Float64Array(xs.length);
        percentileRankBatch(Float64Array.from(xs), period, out);
        xs.forEach((_, i) => {
          const want = naive(xs.slice(0, i + 1), period);
          expect(want === undefined ? Number.isNaN(out[i]) : out[i] === want, `batch at ${i} of [${xs.join(', ')}], N = ${period}`).toBe(true);
        });
      }),
    );
  });

  it('refuses a NaN input and keeps its state', () => {
    const pr = new PercentileRank(2);
    [1, 2, 3].forEach((x) => pr.add(x));
    expect(() => pr.add(NaN), 'NaN has no rank').toThrow(InputError);
    expect(() => pr.replace(NaN), 'NaN has no rank').toThrow(InputError);
    // previous 2 and 3; 2.5 is above 2 only: 50 %
    expect(pr.add(2.5), 'the NaN changed nothing').toBe(50);
    expect(() => percentileRankBatch(Float64Array.from([1, NaN]), 1, new Float64Array(2)), 'the batch names the index').toThrow(/index 1: is NaN/);
  });
});
