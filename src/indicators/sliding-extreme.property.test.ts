import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlidingExtreme } from './sliding-extreme.js';

/** Pushes one number through the slot-based entry point. */
function push(ext: SlidingExtreme, x: number): void {
  ext.pushAt(Float64Array.of(x), 0);
}

// Reference: a plain scan of the last `period` values of the sequence that the pushes and undos leave behind.
function scan(window: readonly number[], kind: 'max' | 'min'): number {
  return kind === 'max' ? Math.max(...window) : Math.min(...window);
}

const step = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('push' as const), x: fc.integer({ min: -20, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('revise' as const), x: fc.integer({ min: -20, max: 20 }) }) },
);

describe('SlidingExtreme', () => {
  for (const kind of ['max', 'min'] as const) {
    it(`gives the ${kind} of the last N values after any mix of pushes and one-step revisions`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 9 }), fc.array(step, { minLength: 1, maxLength: 200 }), (period, steps) => {
          const ext = new SlidingExtreme(period, kind);
          const seq: number[] = [];
          for (const s of steps) {
            // A revision replaces the newest value (undo, then push), the way indicators revise the open bar.
            if (s.op === 'revise' && seq.length > 0) {
              ext.undo();
              seq.pop();
            }
            push(ext, s.x);
            seq.push(s.x);
            const want = scan(seq.slice(-period), kind);
            expect(ext.value, `${kind} of the last ${period} of [${seq.join(', ')}]`).toBe(want);
          }
        }),
      );
    });
  }

  it('forgets a value exactly N pushes later, even when it was the extreme (hand example, N = 3)', () => {
    const ext = new SlidingExtreme(3, 'max');
    const got = [9, 1, 2, 3, 2, 1].map((x) => {
      push(ext, x);
      return ext.value;
    });
    // windows: [9] [9,1] [9,1,2] [1,2,3] [2,3,2] [3,2,1]
    expect(got, '9 leaves with the fourth push').toEqual([9, 9, 9, 3, 3, 3]);
  });

  it('returns to the empty state on reset', () => {
    const ext = new SlidingExtreme(2, 'min');
    push(ext, 5);
    push(ext, 4);
    ext.reset();
    push(ext, 7);
    expect(ext.value, 'only the value pushed after reset is in the window').toBe(7);
  });
});
