import { describe, expect, it } from 'vitest';
import { formatCount } from '../core/grid.js';
import { moneyFromText, type Money } from '../core/money.js';
import { binanceBrackets, flatBrackets, testSpec } from '../../test/support/contract-terms.js';
import { contractMathFor } from './contract-math.js';
import type { MarginModel } from './instrument.js';
import {
  bankruptcyPrices,
  crossLiquidation,
  inverseLiquidationPrice,
  isolatedLiquidation,
  linearLiquidationPrice,
  liquidationPrices,
} from './liquidation.js';
import { initialMargin } from './margin.js';

const money = (text: string): Money => moneyFromText(text) ?? (0 as Money);
const btcusdt = binanceBrackets('BTCUSDT');
const tiered = (brackets = btcusdt): MarginModel => ({ kind: 'tiered', maxLeverage: 125, brackets });

describe('Binance USD-M liquidation price', () => {
  it('matches Binance worked example: 500 USDT wallet, 1,000 USDT long at 50,000 -> 25,100.40', () => {
    // https://www.binance.com/en/support/faq/25edcd7fe0e544839d0847b8cbb2e400 ("wallet balance of 500 USDT ... long
    // BTCUSDT position worth 1,000 USDT with 20x leverage at $50,000 ... your liquidation price will be $25,100.40").
    // Cross margin, one-way: LP = (500 - 0.02 x 50,000) / (0.02 x 0.004 - 0.02) = 25,100.4016 (bracket 1 of the real table).
    const lp = linearLiquidationPrice(500, 0, 0, 1, 0.02, 50_000, btcusdt);
    expect(lp?.toFixed(2)).toBe('25100.40');
    const spec = testSpec({ margin: tiered() });
    const cross = crossLiquidation(spec, contractMathFor(spec), { walletBalance: money('500'), otherMaintenance: money('0'), otherUnrealisedPnl: money('0') }, [
      { side: 'long', lots: 20, entryTicks: 500_000 },
    ]);
    expect(cross.lower?.price.toFixed(2)).toBe('25100.40');
    expect(formatCount(cross.lower!.ticks, spec.tick), 'a long rounds up to the tick: warned earlier, never later').toBe('25100.5');
    expect(cross.upper, 'a one-way long has no upper liquidation price').toBeUndefined();
  });

  it('picks the bracket of the notional at the liquidation price, not at entry (long leaves bracket 2)', () => {
    // 1 BTC long at 60,000 (entry notional in bracket 2) with 30,000 USDT isolated margin.
    // Bracket 1: (30,000 - 60,000) / (0.004 - 1) = 30,120.48; notional 30,120 is in bracket 1: consistent.
    // Bracket 2: (30,000 + 50 - 60,000) / (0.005 - 1) = 30,100.50; notional 30,100 is not in bracket 2.
    const lp = linearLiquidationPrice(30_000, 0, 0, 1, 1, 60_000, btcusdt);
    expect(lp).toBeCloseTo(30_000 / 0.996, 6);
  });

  it('picks the bracket of the notional at the liquidation price (short enters bracket 2)', () => {
    // 1 BTC short at 45,000 (bracket 1) with 45,000 margin. Bracket 1: 90,000 / 1.004 = 89,641.43 (notional in
    // bracket 2: inconsistent). Bracket 2: 90,050 / 1.005 = 89,601.99 (in bracket 2: consistent), the earlier price.
    const lp = linearLiquidationPrice(45_000, 0, 0, -1, 1, 45_000, btcusdt);
    expect(lp).toBeCloseTo(90_050 / 1.005, 6);
  });

  it('gives a short an upper price rounded down to the tick', () => {
    const spec = testSpec({ margin: tiered() });
    const math = contractMathFor(spec);
    // 0.1 BTC short at 50,000 with 500 USDT: LP = (500 + 5,000) / (0.1 x 0.004 + 0.1) = 54,780.876...
    const r = isolatedLiquidation(spec, math, 'short', 100, 500_000, money('500'));
    expect(r.liquidation?.price).toBeCloseTo(5500 / 0.1004, 6);
    expect(formatCount(r.liquidation!.ticks, spec.tick), 'a short rounds down').toBe('54780.8');
    expect(r.bankruptcy?.price, 'bankruptcy: margin balance 0 at 50,000 + 500 / 0.1').toBeCloseTo(55_000, 6);
    expect(r.immediate).toBe(false);
  });

  it('treats a hedge-mode account with one empty leg like one-way, and a hedged pair as nearly unliquidatable', () => {
    const account = { walletBalance: 500, otherMaintenance: 0, otherUnrealisedPnl: 0 };
    const long = { side: 'long' as const, size: 0.02, entryPrice: 50_000, brackets: btcusdt };
    expect(liquidationPrices('linear', account, [long]).lower).toBeCloseTo(25_100.4016, 3);
    // Long 0.02 and short 0.02: no net exposure, only maintenance grows with price. In bracket 1 the account would
    // die at 500 / (2 x 0.02 x 0.004) = 3,125,000, but there each leg's notional (62,500) is in bracket 2:
    // 2 x (0.02 x P x 0.005 - 50) = 500 => P = 3,000,000 (notional 60,000: bracket 2, consistent).
    const both = liquidationPrices('linear', account, [long, { ...long, side: 'short' }]);
    expect(both.lower).toBeUndefined();
    expect(both.upper).toBeCloseTo(3_000_000, 3);
  });

  it('subtracts other positions maintenance and adds their P&L in cross margin (TMM1, UPNL1)', () => {
    // WB 500, other maintenance 50, other unrealised +30: LP = (500 - 50 + 30 - 1,000) / (0.02 x 0.004 - 0.02).
    expect(linearLiquidationPrice(500, 50, 30, 1, 0.02, 50_000, btcusdt)).toBeCloseTo(-520 / -0.01992, 6);
  });

  it('reports no liquidation for a fully collateralised long and an immediate one for a starved position', () => {
    expect(linearLiquidationPrice(60_000, 0, 0, 1, 1, 50_000, btcusdt), 'margin beyond notional: no positive LP').toBeUndefined();
    const spec = testSpec({ margin: tiered() });
    const r = isolatedLiquidation(spec, contractMathFor(spec), 'long', 1000, 500_000, money('100'));
    expect(r.immediate, '100 USDT under 200 USDT maintenance on 50,000 notional').toBe(true);
  });
});

describe('Binance COIN-M (inverse) liquidation price', () => {
  it('solves WB + cum + Q/EP = Q x (1 + MMR) / LP for an isolated long (hand calculation)', () => {
    // 100 BTCUSD_PERP contracts (100 USD each, Q = 10,000 USD) long at 25,000 with 0.04 BTC (10x on 0.4 BTC), MMR 0.4 %:
    // LP = 10,000 x 1.004 / (0.04 + 0 + 10,000 / 25,000) = 10,040 / 0.44 = 22,818.1818...
    expect(inverseLiquidationPrice(0.04, 0, 0, 1, 10_000, 25_000, flatBrackets(0.004))).toBeCloseTo(10_040 / 0.44, 6);
  });

  it('solves the short side: LP = Q x (1 - MMR) / (Q/EP - WB - cum)', () => {
    // Same position short: 10,000 x 0.996 / (0.4 - 0.04) = 27,666.67.
    expect(inverseLiquidationPrice(0.04, 0, 0, -1, 10_000, 25_000, flatBrackets(0.004))).toBeCloseTo(9_960 / 0.36, 6);
    expect(inverseLiquidationPrice(0.5, 0, 0, -1, 10_000, 25_000, flatBrackets(0.004)), 'a 1x short backed by more coin than its notional never liquidates').toBeUndefined();
  });

  it('agrees with the general multi-leg solver', () => {
    const leg = { side: 'long' as const, size: 10_000, entryPrice: 25_000, brackets: flatBrackets(0.004) };
    const prices = liquidationPrices('inverse', { walletBalance: 0.04, otherMaintenance: 0, otherUnrealisedPnl: 0 }, [leg]);
    expect(prices.lower).toBeCloseTo(10_040 / 0.44, 6);
    expect(bankruptcyPrices('inverse', { walletBalance: 0.04, otherMaintenance: 0, otherUnrealisedPnl: 0 }, [leg]).lower, '10,000 / 0.44').toBeCloseTo(10_000 / 0.44, 6);
  });
});

describe('Bybit isolated liquidation price', () => {
  const bybitLinear = testSpec({ venue: 'BYBIT', lot: '0.001', margin: tiered(flatBrackets(0.005, 100)) });
  const math = contractMathFor(bybitLinear);

  it('matches Bybit USDT examples: long 1 BTC at 20,000 and 50x -> 19,700; at 10,000 -> 9,850', () => {
    // https://www.bybit.com/en/help-center/article/Liquidation-Price-USDT-Contract (MMR 0.5 %, no extra margin).
    const im = initialMargin(bybitLinear, math, 1000, 200_000, 50);
    expect(isolatedLiquidation(bybitLinear, math, 'long', 1000, 200_000, im).liquidation?.price).toBeCloseTo(19_700, 9);
    const im2 = initialMargin(bybitLinear, math, 1000, 100_000, 50);
    expect(isolatedLiquidation(bybitLinear, math, 'long', 1000, 100_000, im2).liquidation?.price).toBeCloseTo(9_850, 9);
  });

  it('matches Bybit USDT example: short 1 BTC at 8,000 and 40x -> 8,160; bankruptcy of long 10,000 at 50x -> 9,800', () => {
    const im = initialMargin(bybitLinear, math, 1000, 80_000, 40);
    const short = isolatedLiquidation(bybitLinear, math, 'short', 1000, 80_000, im);
    expect(short.liquidation?.price).toBeCloseTo(8_160, 9);
    expect(short.formula).toBe('bybit');
    const im2 = initialMargin(bybitLinear, math, 1000, 100_000, 50);
    expect(isolatedLiquidation(bybitLinear, math, 'long', 1000, 100_000, im2).bankruptcy?.price, 'Bybit: 10,000 x (1 - 2 %)').toBeCloseTo(9_800, 9);
  });

  it('applies the Bybit UTA inverse formula (hand calculation)', () => {
    // https://www.bybit.com/en/help-center/article/Liquidation-Price-Calculation-under-Isolated-Mode-Unified-Trading-Account
    // 60,000 BTCUSD contracts (1 USD) at 50,000, 10x, MMR 0.5 %: position value 1.2 BTC, IM 0.12 BTC.
    // Long: 60,000 x 1.005 / (1.2 + 0.12) = 45,681.818...; short: 60,000 x 0.995 / (1.2 - 0.12) = 55,277.777...
    const inv = testSpec({ venue: 'BYBIT', contractType: 'inverse', contractSize: '1', tick: '0.5', lot: '1', margin: tiered(flatBrackets(0.005, 100)) });
    const im = moneyFromText('0.12')!;
    const long = isolatedLiquidation(inv, contractMathFor(inv), 'long', 60_000, 100_000, im);
    expect(long.liquidation?.price).toBeCloseTo(60_300 / 1.32, 6);
    expect(formatCount(long.liquidation!.ticks, inv.tick), 'rounded up to the 0.5 tick').toBe('45682');
    const short = isolatedLiquidation(inv, contractMathFor(inv), 'short', 60_000, 100_000, im);
    expect(short.liquidation?.price).toBeCloseTo(59_700 / 1.08, 6);
    expect(formatCount(short.liquidation!.ticks, inv.tick), 'rounded down to the 0.5 tick').toBe('55277.5');
  });
});

describe('fixed-margin (CME-style) margin-call price', () => {
  it('liquidates when equity falls to the fixed maintenance per contract', () => {
    const spec = testSpec({
      venue: 'CME',
      contractSize: '0.1',
      tick: '5',
      lot: '1',
      margin: { kind: 'fixed-per-contract', initialPerContract: { units: 2000n, scale: 0 }, maintenancePerContract: { units: 1800n, scale: 0 } },
    });
    // 1 MBT (0.1 BTC) long at 70,000 with 2,000 margin: equity hits 1,800 after a 200 loss = 2,000 BTC-dollars / 0.1 BTC.
    const r = isolatedLiquidation(spec, contractMathFor(spec), 'long', 1, 14_000, money('2000'));
    expect(r.liquidation?.price).toBeCloseTo(68_000, 9);
    expect(r.bankruptcy?.price).toBeCloseTo(50_000, 9);
  });
});
