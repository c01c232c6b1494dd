import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terms } from '../../test/support/contract-terms.js';
import { contractMathFor } from './contract-math.js';

const tickSteps = fc.constantFrom('0.1', '0.01', '0.5', '5', '0.0001', '0.000001', '1');
const lotSteps = fc.constantFrom('0.001', '1', '0.1', '0.01', '100');

describe('contract math properties', () => {
  it('makes open-then-close at one price zero P&L, linear and inverse', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('linear' as const, 'inverse' as const),
        tickSteps,
        lotSteps,
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 100_000_000 }),
        (type, tick, lot, lots, price) => {
          const math = contractMathFor(terms(type, type === 'linear' ? '0.01' : '100', tick, lot));
          expect(math.pnl(lots, price, price), 'no price move, no P&L').toBe(0);
          expect(math.pnlUnitsFromEntryValue(1, Math.abs(lots), math.entryValue(Math.abs(lots), price), price)).toBeCloseTo(0, 6);
        },
      ),
    );
  });

  it('makes linear P&L exact and additive: P&L of a + b lots is P&L of a plus P&L of b', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: 1, max: 2_000_000 }),
        fc.integer({ min: 1, max: 2_000_000 }),
        (a, b, entry, exit) => {
          const math = contractMathFor(terms('linear', '1', '0.1', '0.001'));
          expect(math.pnl(a + b, entry, exit), 'integer tick-lot arithmetic has no rounding').toBe(math.pnl(a, entry, exit) + math.pnl(b, entry, exit));
        },
      ),
    );
  });

  it('makes the short P&L the exact negative of the long P&L, linear and inverse', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('linear' as const, 'inverse' as const),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1_000, max: 2_000_000 }),
        fc.integer({ min: 1_000, max: 2_000_000 }),
        (type, lots, entry, exit) => {
          const math = contractMathFor(terms(type, type === 'linear' ? '0.001' : '10', '0.5', '1'));
          expect(math.pnl(-lots, entry, exit) + math.pnl(lots, entry, exit), 'rounding is symmetric (ties away from zero)').toBe(0);
        },
      ),
    );
  });
});
