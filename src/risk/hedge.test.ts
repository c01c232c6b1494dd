import { describe, expect, it } from 'vitest';
import { type ExactDecimal, parseDecimal } from '../core/decimal.js';
import { gridFromStep } from '../core/grid.js';
import { formatMoney } from '../core/money.js';
import { loadRegistry } from '../data/spec-files.js';
import { DEFAULT_MOVES_PCT, type HedgeInput, type HedgePlan, planHedge } from './hedge.js';
import { adHocContract } from './sizing.js';

const registry = loadRegistry({ env: {} });
const dec = (t: string): ExactDecimal => parseDecimal(t)!;
const micro = adHocContract({ multiplier: dec('0.01'), tick: gridFromStep('0.01')! });

function hedge(over: Partial<HedgeInput>): ReturnType<typeof planHedge> {
  return planHedge({
    spec: micro,
    spotQty: dec('1.5'),
    spotPrice: dec('60000'),
    futuresEntryTicks: 6000000,
    leverage: 2,
    marginMode: 'isolated',
    hours: 0,
    fundingRate: 0.0001,
    movesPct: DEFAULT_MOVES_PCT,
    ...over,
  });
}
const planned = (r: ReturnType<typeof planHedge>): HedgePlan => {
  if (!r.ok) throw new Error(`expected a plan, got ${JSON.stringify(r.error)}`);
  return r.value;
};

describe('planHedge', () => {
  it('shorts 150 contracts of 0.01 BTC against 1.5 BTC at $60,000; a 10 % drop loses $9,000 on spot and gains $9,000', () => {
    // PRODUCT.md: $90,000 of spot / $600 a contract = 150.
    const p = planned(hedge({}));
    expect(p.lots).toBe(150);
    expect(formatMoney(p.spotNotional)).toBe('90000.00');
    expect(p.residualBase).toBe(0);
    const drop = p.scenarios.find((s) => s.movePct === -10)!;
    expect(formatMoney(drop.spotPnl)).toBe('-9000.00');
    expect(formatMoney(drop.hedgePnl)).toBe('9000.00');
    expect(p.scenarios.map((s) => s.movePct)).toEqual([-20, -15, -10, -5, 0, 5, 10, 15, 20]);
  });

  it('rounds toward zero and reports the unhedged rest', () => {
    const p = planned(hedge({ spotQty: dec('1.2345') }));
    expect(p.lots).toBe(123);
    expect(p.residualBase).toBeCloseTo(0.0045, 12);
    expect(formatMoney(p.residual)).toBe('270.00');
  });

  it('hedges in Binance USD-M lots of 0.001 BTC and collects funding as a short', () => {
    // 24 h = three 8 h fundings at 0.01 % of 90,000 = $9 each, received by the short: $27.
    const p = planned(hedge({ spec: registry.get('BINANCE:BTCUSDT'), futuresEntryTicks: 600000, hours: 24 }));
    expect(p.lots).toBe(1500);
    expect(p.fundingPeriods).toBe(3);
    expect(formatMoney(p.funding)).toBe('27.00');
  });

  it('finds the isolated liquidation of a 10x hedge leg and marks the scenarios beyond it', () => {
    // Binance isolated short, 1.5 BTC at 60,000, IM 9,000; notional 90,000 is in bracket 2 (0.5 %, cum 50):
    // LP = (9,000 + 50 + 1.5 x 60,000) / (1.5 x 0.005 + 1.5) = 65,704.809..., rounded down for a short: 65,704.8.
    const p = planned(hedge({ spec: registry.get('BINANCE:BTCUSDT'), futuresEntryTicks: 600000, leverage: 10 }));
    expect(p.liquidation?.ticks).toBe(657048);
    expect(p.warnings.map((w) => w.code)).toEqual(['LIQUIDATION_WITHIN_TABLE']);
    expect(p.scenarios.find((s) => s.movePct === 5)!.liquidated).toBe(false);
    const up10 = p.scenarios.find((s) => s.movePct === 10)!;
    expect(up10.liquidated).toBe(true);
    expect(formatMoney(up10.hedgePnl), 'the leg loses its isolated margin').toBe('-9000.00');
  });

  it('offsets spot in USD with an inverse hedge too', () => {
    // Bybit BTCUSD, $1 contracts: 90,000 short. At -10 %: 90,000 x (1/54,000 - 1/60,000) = 0.1666... BTC, worth
    // $9,000 at 54,000.
    const p = planned(hedge({ spec: registry.get('BYBIT:BTCUSD'), futuresEntryTicks: 120000 }));
    expect(p.lots).toBe(90000);
    const hedgeUsd = p.scenarios.find((s) => s.movePct === -10)!.hedgePnl / 1e8;
    expect(Math.abs(hedgeUsd - 9000), 'the coin P&L is settled to 1e-8 BTC, worth $0.00054 at 54,000').toBeLessThanOrEqual(0.00054);
  });

  it('refuses a spot holding smaller than one lot', () => {
    expect(hedge({ spotQty: dec('0.005') }).ok).toBe(false);
  });
});
