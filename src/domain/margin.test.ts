import { describe, expect, it } from 'vitest';
import { formatMoney, type Money } from '../core/money.js';
import { binanceBrackets, decimal, testSpec } from '../../test/support/contract-terms.js';
import { contractMathFor } from './contract-math.js';
import {
  bracketFor,
  initialMargin,
  initialMarginForLeverage,
  maintenanceBrackets,
  maintenanceMargin,
  maintenanceMarginUnits,
  marginUtilisation,
  maxLeverageFor,
} from './margin.js';

const usd = (m: Money): string => formatMoney(m);
const UNITS = 100_000_000;

describe('initial margin', () => {
  const nanoSpec = testSpec({ contractSize: '0.01', tick: '5', lot: '1' });
  const nano = contractMathFor(nanoSpec);

  it('needs $70 for 0.01 BTC at $70,000 and 10x, and $210 for three (PRODUCT.md)', () => {
    expect(usd(initialMargin(nanoSpec, nano, 1, 14_000, 10)), '700 / 10').toBe('70.00');
    expect(usd(initialMargin(nanoSpec, nano, 3, 14_000, 10)), '3 x 700 / 10 (scale-in example)').toBe('210.00');
  });

  it('needs $10 for the 100 XYZ micro contract at $1.00 and 10x, $100 for the standard 1,000', () => {
    const micro = testSpec({ contractSize: '100', tick: '0.0001', lot: '1' });
    const standard = testSpec({ contractSize: '1000', tick: '0.0001', lot: '1' });
    expect(usd(initialMargin(micro, contractMathFor(micro), 1, 10_000, 10))).toBe('10.00');
    expect(usd(initialMargin(standard, contractMathFor(standard), 1, 10_000, 10))).toBe('100.00');
  });

  it('rounds notional / leverage up to the next 1e-8', () => {
    expect(initialMarginForLeverage(100 as Money, 3), '100 / 3 = 33.33 units -> 34').toBe(34);
    expect(initialMarginForLeverage(99 as Money, 3), 'exact division is not rounded').toBe(33);
  });

  it('uses the exchange fixed margin per contract for CME-style instruments, whatever the leverage', () => {
    const mbt = testSpec({
      venue: 'CME',
      contractSize: '0.1',
      tick: '5',
      lot: '1',
      margin: { kind: 'fixed-per-contract', initialPerContract: decimal('2215.50'), maintenancePerContract: decimal('2014') },
    });
    const math = contractMathFor(mbt);
    expect(usd(initialMargin(mbt, math, 3, 14_000, 50)), '3 x 2,215.50').toBe('6646.50');
    expect(usd(maintenanceMargin(mbt, math, 3, 14_000)), '3 x 2,014').toBe('6042.00');
    const brackets = maintenanceBrackets(mbt, 3);
    expect(maintenanceMarginUnits(brackets, 123 * UNITS) / UNITS, 'the synthetic bracket gives the fixed amount at any notional').toBe(6042);
  });
});

describe('tiered maintenance margin (real Binance BTCUSDT brackets, 2024-10-24)', () => {
  const brackets = binanceBrackets('BTCUSDT');
  const spec = testSpec({ margin: { kind: 'tiered', maxLeverage: 125, brackets } });
  const math = contractMathFor(spec);
  // 1 BTC = 1,000 lots of 0.001; price in ticks of 0.1.
  const mm = (ticks: number): string => usd(maintenanceMargin(spec, math, 1000, ticks));

  it('takes the bracket whose floor is inclusive and cap exclusive at the 50,000 cap', () => {
    expect(bracketFor(brackets, 49_999.9)?.bracket, 'one tick below the cap').toBe(1);
    expect(bracketFor(brackets, 50_000)?.bracket, 'exactly at the cap: the next bracket').toBe(2);
    expect(bracketFor(brackets, 50_000.1)?.bracket, 'one tick above').toBe(2);
    expect(bracketFor(brackets, 1_800_000_000), 'at the last cap the venue refuses the position').toBeUndefined();
    expect(bracketFor(brackets, -1)).toBeUndefined();
  });

  it('gives notional x rate - cum on both sides of the 50,000 boundary', () => {
    expect(mm(499_999), '49,999.9 x 0.004 - 0 = 199.9996').toBe('199.9996');
    expect(mm(500_000), '50,000 x 0.005 - 50 = 200 (bracket 1 would also give 200: continuous)').toBe('200.00');
    expect(mm(500_001), '50,000.1 x 0.005 - 50 = 200.0005').toBe('200.0005');
  });

  it('gives notional x rate - cum on both sides of the 600,000 boundary', () => {
    // 12 BTC: 12,000 lots; 600,000 / 12 = 50,000 a BTC.
    const at = (ticks: number): string => usd(maintenanceMargin(spec, math, 12_000, ticks));
    expect(at(499_999), '599,998.8 x 0.005 - 50 = 2,949.994').toBe('2949.994');
    expect(at(500_000), '600,000 x 0.0065 - 950 = 2,950 = 600,000 x 0.005 - 50').toBe('2950.00');
    expect(at(500_001), '600,001.2 x 0.0065 - 950 = 2,950.0078').toBe('2950.0078');
  });

  it('gives the maximum leverage of the bracket', () => {
    const tiered = spec.margin;
    expect(maxLeverageFor(tiered, 49_999.9)).toBe(125);
    expect(maxLeverageFor(tiered, 50_000)).toBe(100);
    expect(maxLeverageFor(tiered, 600_000)).toBe(75);
    expect(maxLeverageFor(tiered, 2_000_000_000), 'beyond the table no leverage allows it').toBeUndefined();
  });

  it('matches Binance COIN-M worked maintenance: 100 contracts at 25,000 -> 0.0016 BTC', () => {
    // https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46: 100 x 100 / 25,000 x 0.4% - 0.
    const coinm = testSpec({
      contractType: 'inverse',
      contractSize: '100',
      lot: '1',
      margin: {
        kind: 'tiered',
        maxLeverage: 125,
        brackets: [{ bracket: 1, notionalFloor: 0, notionalCap: 5, maintRate: 0.004, cum: 0, maxLeverage: 125 }],
      },
    });
    expect(formatMoney(maintenanceMargin(coinm, contractMathFor(coinm), 100, 250_000), 8)).toBe('0.00160000');
  });
});

describe('margin utilisation', () => {
  it('is initial margin over equity, undefined without positive equity', () => {
    expect(marginUtilisation(70 as Money, 5000 as Money)).toBeCloseTo(0.014, 12);
    expect(marginUtilisation(70 as Money, 0 as Money)).toBeUndefined();
  });
});
