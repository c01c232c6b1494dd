import { describe, expect, it } from 'vitest';
import { formatMoney } from '../core/money.js';
import { terms, testSpec } from '../../test/support/contract-terms.js';
import { contractMathFor } from './contract-math.js';
import { feeRate, fillFee, roundTripFees } from './fees.js';

describe('fees', () => {
  const usdm = contractMathFor(terms('linear', '1', '0.1', '0.001'));

  it('matches Binance USD-M worked fees: 1 BTC taker at 10,104 -> 5.052, maker at 11,104 -> 2.2208 USDT', () => {
    // https://www.binance.com/en/support/faq/360033544231 (taker 0.05 %, maker 0.02 %).
    expect(formatMoney(fillFee(usdm, 1000, 101_040, 0.0005), 4)).toBe('5.0520');
    expect(formatMoney(fillFee(usdm, 1000, 111_040, 0.0002), 4)).toBe('2.2208');
    const rt = roundTripFees(usdm, 1000, 101_040, 111_040, 0.0005, 0.0002);
    expect(formatMoney(rt.totalFee, 4), 'entry + exit').toBe('7.2728');
  });

  it('charges COIN-M fees in coin on contracts x size / price, rounded up to 1e-8 BTC', () => {
    // Same FAQ: 10 BTCUSD contracts (100 USD) at 10,104, taker 0.05 %: 1,000 / 10,104 x 0.0005 = 0.0000494853... BTC
    // (the FAQ rounds the notional to 0.09897 first and shows 0.000049485); rounded up to 1e-8: 0.00004949.
    const coinm = contractMathFor(terms('inverse', '100', '0.1', '1'));
    expect(formatMoney(fillFee(coinm, 10, 101_040, 0.0005), 8)).toBe('0.00004949');
  });

  it('picks the maker or taker rate, with overrides', () => {
    const spec = testSpec({ fees: { maker: 0.0002, taker: 0.0005 } });
    expect(feeRate(spec, 'maker')).toBe(0.0002);
    expect(feeRate(spec, 'taker')).toBe(0.0005);
    expect(feeRate(spec, 'taker', { taker: 0.00045 }), 'a VIP override replaces the taker rate').toBe(0.00045);
    expect(feeRate(spec, 'maker', { taker: 0.00045 }), 'and leaves the maker rate').toBe(0.0002);
  });

  it('rounds a rebate (negative rate) toward zero', () => {
    // 0.001 BTC at 0.1 x 3 ticks = 0.0003 USDT notional = 30,000 units; x -0.00005 = -1.5 units -> -1.
    expect(fillFee(usdm, 1, 3, -0.00005)).toBe(-1);
  });
});
