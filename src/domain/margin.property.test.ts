import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Money } from '../core/money.js';
import { binanceBrackets } from '../../test/support/contract-terms.js';
import { initialMarginForLeverage, maintenanceMarginUnits } from './margin.js';

const UNITS = 100_000_000;
const brackets = binanceBrackets('BTCUSDT');

describe('margin properties', () => {
  it('never needs more initial margin at more leverage', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9_000_000_000_000_000 / 2 }),
        fc.double({ min: 1, max: 125, noNaN: true }),
        fc.double({ min: 1, max: 125, noNaN: true }),
        (notional, l1, l2) => {
          const [low, high] = l1 <= l2 ? [l1, l2] : [l2, l1];
          expect(initialMarginForLeverage(notional as Money, high), `${notional} at ${high}x vs ${low}x`).toBeLessThanOrEqual(
            initialMarginForLeverage(notional as Money, low),
          );
        },
      ),
    );
  });

  it('keeps maintenance margin continuous at every bracket floor (the cum rule), on the real BTCUSDT table', () => {
    for (const b of brackets.slice(1)) {
      const at = maintenanceMarginUnits(brackets, b.notionalFloor * UNITS);
      const below = maintenanceMarginUnits(brackets, b.notionalFloor * UNITS - 1);
      // One unit (1e-8 USDT) below the floor the previous bracket's rate applies: the two differ by at most that unit x rate.
      expect(Math.abs(at - below), `bracket ${b.bracket} floor ${b.notionalFloor}`).toBeLessThan(1);
    }
  });

  it('makes maintenance margin non-decreasing in notional', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1.7e9, noNaN: true }), fc.double({ min: 0, max: 1.7e9, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const mmLo = maintenanceMarginUnits(brackets, lo * UNITS);
        const mmHi = maintenanceMarginUnits(brackets, hi * UNITS);
        // Allow only float noise: a few ulps of values up to 4e17 units.
        expect(mmHi - mmLo, `MM(${hi}) >= MM(${lo})`).toBeGreaterThanOrEqual(-8 * Number.EPSILON * Math.max(1, mmHi));
      }),
    );
  });
});
