import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimal } from '../core/decimal.js';
import { gridFromStep } from '../core/grid.js';
import { asMoney } from '../core/money.js';
import { contractMathFor } from '../domain/contract-math.js';
import { roundTripFees } from '../domain/fees.js';
import { signed } from '../domain/side.js';
import { loadRegistry } from '../data/spec-files.js';
import { adHocContract, planSize } from './sizing.js';

const registry = loadRegistry({ env: {} });
const specs = [
  registry.get('BINANCE:BTCUSDT'),
  registry.get('COINBASE:BIT'),
  registry.get('CME:MBT'),
  registry.get('BYBIT:BTCUSD'),
  adHocContract({ multiplier: parseDecimal('0.01')!, tick: gridFromStep('0.5')!, fees: { maker: 0.0002, taker: 0.0005 } }),
];

describe('planSize (properties)', () => {
  it('never exceeds the risk budget, stays on the lot grid and is the largest size that fits', () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.constantFrom(...specs),
        fc.integer({ min: 100, max: 5_000_000 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1_000, max: 200_000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.boolean(),
        fc.boolean(),
        (spec, equityWhole, riskBp, entryWhole, stopBp, includeFees, long) => {
          const entryTicks = Math.round(entryWhole / spec.tick.stepFloat);
          const r = planSize({
            spec,
            equity: asMoney(equityWhole * 1e8),
            riskPct: parseDecimal(`${riskBp}e-2`)!,
            entryTicks,
            stop: { kind: 'pct', pct: parseDecimal(`${stopBp}e-2`)! },
            side: long ? 'long' : 'short',
            leverage: 2,
            marginMode: 'cross',
            includeFees,
            entryLiquidity: 'taker',
          });
          const math = contractMathFor(spec);
          const outcome = r.ok ? 'plan' : r.error.code;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          if (!r.ok) {
            // A refusal for one lot must be true.
            if (r.error.code === 'ONE_LOT_EXCEEDS_RISK') expect(r.error.riskOneLot).toBeGreaterThan(r.error.budget);
            return;
          }
          const p = r.value;
          const cost = (lots: number): number => {
            const loss = -math.pnl(signed(p.side, lots), p.entryTicks, p.stopTicks);
            return loss + (includeFees ? roundTripFees(math, lots, p.entryTicks, p.stopTicks, spec.fees.taker, spec.fees.taker).totalFee : 0);
          };
          expect(Number.isSafeInteger(p.lots), 'a whole number of lots').toBe(true);
          expect(p.lots).toBeGreaterThanOrEqual(spec.minQtyLots);
          expect(cost(p.lots), 'the loss at the stop fits the budget').toBeLessThanOrEqual(p.budget);
          if (!p.warnings.some((w) => w.code === 'CAPPED_AT_MAX_QTY')) {
            expect(cost(p.lots + 1), 'one more lot would not fit').toBeGreaterThan(p.budget);
          }
          expect(Math.sign(p.entryTicks - p.stopTicks), 'the stop is on the losing side').toBe(long ? 1 : -1);
        },
      ),
      { numRuns: 300 },
    );
    expect(outcomes.get('plan') ?? 0, `most cases must reach a plan to test anything: ${JSON.stringify([...outcomes])}`).toBeGreaterThan(100);
  });
});
