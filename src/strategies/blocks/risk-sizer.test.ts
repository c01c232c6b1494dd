// Hand-calculated sizes on BINANCE:BTCUSDT (specs/binance-usdm.json: tick 0.1, lot 0.001 BTC, taker 0.05 %).
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../data/spec-files.js';
import { type RiskSizerConfig, sizeEntry } from './risk-sizer.js';

const BTC = loadRegistry().get('BINANCE:BTCUSDT');
const DEFAULTS: RiskSizerConfig = { riskPct: 1, maxUtilisationPct: 10, leverage: 10, slippagePct: 0 };

describe('sizeEntry', () => {
  it('sizes by the risk budget when the margin cap does not bind', () => {
    // Budget 1 % of 10,000 = 100. Stop 1 % away: a lot loses 0.001 x 1,000 = 1.0, plus fees 0.001 x 100,000 x 0.0005
    // = 0.05 and 0.001 x 99,000 x 0.0005 = 0.0495: 1.0995 a lot -> floor(100 / 1.0995) = 90 lots (98.955 at risk).
    // Margin 90 x 100 / 10 = 900 = 9 % of equity: under the 10 % cap.
    const r = sizeEntry(BTC, 10_000, 'long', 100_000, 99_000, DEFAULTS);
    if (!r.ok) throw new Error(r.reason);
    expect(r.size).toMatchObject({ lots: 90, budget: 100 * 1e8, lossAtStop: 98.955 * 1e8, cappedByMargin: false });
    expect(r.size.marginUtilisationPct).toBeCloseTo(9, 10);
    expect(r.size.effectiveLeverage).toBeCloseTo(0.9, 10);
  });

  it('cuts the size to the margin-utilisation cap and scales the loss with it', () => {
    // Stop 0.1 % away: 0.1 + 0.05 + 0.04995 = 0.19995 a lot -> 500 lots by risk (99.975), but 500 lots is 50,000
    // notional, 5,000 margin at 10x = 50 % of equity. 10 % of 10,000 = 1,000 margin = 10,000 notional = 100 lots.
    const r = sizeEntry(BTC, 10_000, 'long', 100_000, 99_900, DEFAULTS);
    if (!r.ok) throw new Error(r.reason);
    expect(r.size).toMatchObject({ lots: 100, cappedByMargin: true, lossAtStop: 19.995 * 1e8 });
    expect(r.size.marginUtilisationPct).toBeCloseTo(10, 10);
  });

  it('budgets the slippage allowance like a fee, so fewer lots fit', () => {
    // 0.05 % extra on both fills: a lot costs 1.0 + 0.001 x (100,000 + 99,000) x 0.001 = 1.199 -> floor(100 / 1.199) = 83.
    const r = sizeEntry(BTC, 10_000, 'long', 100_000, 99_000, { ...DEFAULTS, slippagePct: 0.05 });
    expect(r.ok && r.size.lots).toBe(83);
  });

  it('mirrors a short: stop above the entry', () => {
    const r = sizeEntry(BTC, 10_000, 'short', 100_000, 101_000, DEFAULTS);
    // 1.0 + 0.05 + 0.0505 = 1.1005 a lot -> floor(100 / 1.1005) = 90.
    expect(r.ok && r.size.lots).toBe(90);
  });

  it('refuses, with the planner\'s reason, when one lot exceeds the budget or the stop is on the wrong side', () => {
    const small = sizeEntry(BTC, 100, 'long', 100_000, 99_000, DEFAULTS);
    expect(small.ok, '1 % of 100 = 1 < 1.0995 for one lot').toBe(false);
    expect(!small.ok && small.reason).toMatch(/^ONE_LOT_EXCEEDS_RISK/);
    const wrong = sizeEntry(BTC, 10_000, 'long', 100_000, 100_500, DEFAULTS);
    expect(!wrong.ok && wrong.reason).toMatch(/not below the entry/);
  });

  it('refuses when the margin cap leaves less than one lot', () => {
    // 0.1 % of 1,000 = 1 USDT margin = 10 USDT notional at 10x: not even one 100-USDT lot.
    const r = sizeEntry(BTC, 1_000, 'long', 100_000, 99_000, { ...DEFAULTS, maxUtilisationPct: 0.1 });
    expect(!r.ok && r.reason).toMatch(/^MARGIN_CAP/);
  });
});
