import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terms } from '../../test/support/contract-terms.js';
import { contractMathFor } from './contract-math.js';
import { fillFee } from './fees.js';

describe('fee properties', () => {
  it('never makes a fee negative for a non-negative rate, linear and inverse', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('linear' as const, 'inverse' as const),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 2_000_000 }),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        (type, lots, price, rate) => {
          const math = contractMathFor(terms(type, type === 'linear' ? '1' : '100', '0.1', type === 'linear' ? '0.001' : '1'));
          expect(fillFee(math, lots, price, rate), `${lots} lots at ${price} ticks, rate ${rate}`).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('never charges less than notional x rate (rounding is against the trader)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 2_000_000 }), fc.double({ min: 0, max: 0.01, noNaN: true }), (lots, price, rate) => {
        const math = contractMathFor(terms('linear', '1', '0.1', '0.001'));
        const exact = math.notionalUnits(lots, price) * rate;
        expect(fillFee(math, lots, price, rate)).toBeGreaterThanOrEqual(exact - 1e-9 * Math.max(1, exact));
      }),
    );
  });
});
