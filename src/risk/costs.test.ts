import { describe, expect, it } from 'vitest';
import { type ExactDecimal, parseDecimal } from '../core/decimal.js';
import { formatMoney } from '../core/money.js';
import { loadRegistry } from '../data/spec-files.js';
import { type CostsInput, planCosts } from './costs.js';

const registry = loadRegistry({ env: {} });
const dec = (t: string): ExactDecimal => parseDecimal(t)!;
const btcusdt = registry.get('BINANCE:BTCUSDT');

const costs = (over: Partial<CostsInput>): ReturnType<typeof planCosts> =>
  planCosts({
    spec: btcusdt,
    side: 'long',
    entryTicks: 700000,
    lots: 100,
    targetPct: dec('0.2'),
    entryLiquidity: 'taker',
    exitLiquidity: 'maker',
    holdHours: 8,
    fundingRate: 0.0001,
    ...over,
  });

describe('planCosts', () => {
  it('nets 0.12 % from a 0.2 % target after 0.08 % of costs, and warns', () => {
    // PRODUCT.md fee check. Binance USD-M base tier: taker 0.05 % in + maker 0.02 % out + one 8 h funding at 0.01 %.
    const c = costs({});
    expect(c.feesPct).toBe(0.07);
    expect(c.fundingPct).toBe(0.01);
    expect(c.costsPct).toBe(0.08);
    expect(c.netTargetPct).toBe(0.12);
    expect(c.warnings.map((w) => w.code), '0.08 % is more than a third of 0.2 %').toEqual(['COSTS_EAT_TARGET']);
    expect(c.costShareOfTargetPct).toBe(40);
  });

  it('gives the exact amounts for 0.1 BTC', () => {
    // Target 70,000 x 1.002 = 70,140: gross 0.1 x 140 = 14; fees 3.5 (0.05 % of 7,000) + 1.4028 (0.02 % of 7,014);
    // funding -0.7 (0.01 % of 7,000, paid by the long); net 14 - 4.9028 - 0.7 = 8.3972.
    const c = costs({});
    expect(c.targetTicks).toBe(701400);
    expect(formatMoney(c.grossTarget)).toBe('14.00');
    expect(formatMoney(c.fees.totalFee)).toBe('4.9028');
    expect(formatMoney(c.funding)).toBe('-0.70');
    expect(formatMoney(c.netTarget)).toBe('8.3972');
  });

  it('finds the break-even move in ticks after fees and funding', () => {
    // 0.1 (p - 70,000) - 3.5 - 0.1 p x 0.0002 - 0.7 >= 0  =>  p >= 7,004.2 / 0.09998 = 70,056.0112..., first tick
    // 70,056.1: 561 ticks of 0.1.
    const c = costs({});
    expect(c.breakEvenTicks).toBe(700561);
    expect(c.breakEvenMoveTicks).toBe(561);
  });

  it('does not warn when costs are under a third of the target', () => {
    expect(costs({ targetPct: dec('1') }).warnings).toEqual([]);
  });

  it('counts only whole funding intervals the hold surely crosses', () => {
    expect(costs({ holdHours: 7 }).fundingPeriods).toBe(0);
    expect(costs({ holdHours: 24 }).fundingPeriods).toBe(3);
  });

  it('credits a short with positive funding and charges nothing on a dated contract', () => {
    expect(costs({ side: 'short' }).fundingPct, 'a short receives a positive rate').toBe(-0.01);
    const mbt = costs({ spec: registry.get('CME:MBT'), entryTicks: 14000, lots: 1, holdHours: 48 });
    expect(mbt.fundingPct).toBe(0);
    expect(mbt.funding).toBe(0);
  });

  it('flags a target the costs wipe out', () => {
    const c = costs({ targetPct: dec('0.05') });
    expect(c.warnings.map((w) => w.code)).toEqual(['COSTS_EAT_TARGET', 'NET_TARGET_NOT_POSITIVE']);
  });
});
