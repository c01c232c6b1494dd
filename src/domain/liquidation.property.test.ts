import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binanceBrackets, testSpec } from '../../test/support/contract-terms.js';
import { contractMathFor, type ContractMath } from './contract-math.js';
import type { InstrumentSpec, MaintenanceBracket } from './instrument.js';
import { isolatedLiquidation } from './liquidation.js';
import { initialMargin, maintenanceMarginUnits } from './margin.js';
import type { Side } from './side.js';

// A COIN-M style table in BTC that follows the cum rule: cum_n = cum_{n-1} + floor_n x (rate_n - rate_{n-1}).
const coinBrackets: MaintenanceBracket[] = [
  { bracket: 1, notionalFloor: 0, notionalCap: 5, maintRate: 0.004, cum: 0, maxLeverage: 125 },
  { bracket: 2, notionalFloor: 5, notionalCap: 10, maintRate: 0.005, cum: 0.005, maxLeverage: 100 },
  { bracket: 3, notionalFloor: 10, notionalCap: 20, maintRate: 0.01, cum: 0.055, maxLeverage: 50 },
  { bracket: 4, notionalFloor: 20, notionalCap: Number.POSITIVE_INFINITY, maintRate: 0.025, cum: 0.355, maxLeverage: 20 },
];

const linear = testSpec({ margin: { kind: 'tiered', maxLeverage: 125, brackets: binanceBrackets('BTCUSDT') } });
const inverse = testSpec({ contractType: 'inverse', contractSize: '100', lot: '1', margin: { kind: 'tiered', maxLeverage: 125, brackets: coinBrackets } });

/** Margin balance minus maintenance margin, in units, of an isolated position at a mark price. */
function excess(spec: InstrumentSpec, math: ContractMath, side: Side, lots: number, entry: number, marginUnits: number, mark: number): number {
  const brackets = spec.margin.kind === 'tiered' ? spec.margin.brackets : [];
  const balance = marginUnits + math.pnlUnits(side === 'long' ? lots : -lots, entry, mark);
  return balance - maintenanceMarginUnits(brackets, math.notionalUnits(lots, mark));
}

describe('isolated liquidation properties', () => {
  for (const [name, spec, maxLots] of [
    ['linear (real BTCUSDT brackets)', linear, 500_000],
    ['inverse (COIN-M style brackets)', inverse, 100_000],
  ] as const) {
    it(`puts margin balance at maintenance margin at the liquidation price, within one tick, ${name}`, () => {
      const math = contractMathFor(spec);
      fc.assert(
        fc.property(
          fc.constantFrom<Side>('long', 'short'),
          fc.integer({ min: 1, max: maxLots }),
          fc.integer({ min: 100_000, max: 1_000_000 }),
          fc.integer({ min: 1, max: 20 }),
          (side, lots, entry, leverage) => {
            const im = initialMargin(spec, math, lots, entry, leverage);
            const r = isolatedLiquidation(spec, math, side, lots, entry, im);
            fc.pre(!r.immediate && r.liquidation !== undefined);
            const ticks = r.liquidation!.ticks;
            const worse = side === 'long' ? ticks - 1 : ticks + 1;
            fc.pre(worse > 0);
            const tol = 1e-9 * math.notionalUnits(lots, entry);
            expect(excess(spec, math, side, lots, entry, im, ticks), 'at the rounded price the position still stands').toBeGreaterThanOrEqual(-tol);
            expect(excess(spec, math, side, lots, entry, im, worse), 'one tick further it is below maintenance').toBeLessThan(tol);
            const exact = r.liquidation!.price / spec.tick.stepFloat;
            const noise = 1e-12 * Math.max(1, exact);
            expect(side === 'long' ? ticks >= exact - noise : ticks <= exact + noise, 'rounded toward the earlier warning').toBe(true);
          },
        ),
      );
    });
  }
});
