import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimal } from '../core/decimal.js';
import { gridFromStep } from '../core/grid.js';
import { asMoney } from '../core/money.js';
import { loadRegistry } from '../data/spec-files.js';
import { adHocContract } from './sizing.js';
import { planScaleIn, PRESET_SPLITS, type Split, type TriggerRule } from './scale-plan.js';

const registry = loadRegistry({ env: {} });
const specs = [
  registry.get('BINANCE:BTCUSDT'),
  registry.get('COINBASE:BIT'),
  registry.get('BYBIT:BTCUSD'),
  adHocContract({ multiplier: parseDecimal('0.01')!, tick: gridFromStep('0.01')! }),
];
const splits: Split[] = [PRESET_SPLITS['30/40/30'], PRESET_SPLITS.thirds, PRESET_SPLITS['1/4-1/4-1/2'], { name: '50/50', weights: [50, 50] }];

describe('planScaleIn (properties)', () => {
  it("keeps every stage's worst-case loss within the budget, adds only in profit and trails the stop forward", () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.constantFrom(...specs),
        fc.constantFrom(...splits),
        fc.integer({ min: 500, max: 200_000 }),
        fc.integer({ min: 10, max: 300 }),
        fc.integer({ min: 10, max: 300 }),
        fc.integer({ min: 5, max: 200 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
        (spec, split, equityWhole, riskBp, stopBp, moveBp, long, totalLots) => {
          const entryTicks = Math.round(60_000 / spec.tick.stepFloat);
          const trigger: TriggerRule = { kind: 'pct', pct: parseDecimal(`${moveBp}e-2`)! };
          const r = planScaleIn({
            spec,
            equity: asMoney(equityWhole * 1e8),
            riskPct: parseDecimal(`${riskBp}e-2`)!,
            size: totalLots === undefined ? { kind: 'risk' } : { kind: 'total-lots', lots: totalLots },
            side: long ? 'long' : 'short',
            entryTicks,
            stop: { kind: 'pct', pct: parseDecimal(`${stopBp}e-2`)! },
            split,
            trigger,
            leverage: 5,
          });
          const outcome = r.ok ? 'plan' : r.error.code;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          if (!r.ok) return;
          const sign = long ? 1 : -1;
          let lots = 0;
          for (const s of r.value.steps) {
            expect(s.worstCaseLoss, `stage ${s.step}`).toBeLessThanOrEqual(r.value.budget);
            expect(Number.isSafeInteger(s.lots) && s.lots >= 1, 'whole lots').toBe(true);
            lots += s.lots;
            expect(s.totalLots).toBe(lots);
            if (s.step > 1) {
              const prev = r.value.steps[s.step - 2]!;
              expect(sign * (s.entryTicks - prev.averageEntryTicks), 'adds only above the average (long)').toBeGreaterThan(0);
              expect(sign * (s.stopTicks - prev.stopTicks), 'the stop only moves in the trade\'s favour').toBeGreaterThanOrEqual(0);
            }
          }
          expect(lots).toBe(r.value.totalLots);
        },
      ),
      { numRuns: 200 },
    );
    expect(outcomes.get('plan') ?? 0, `enough plans to test: ${JSON.stringify([...outcomes])}`).toBeGreaterThan(50);
  });
});
