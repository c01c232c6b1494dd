import { describe, expect, it } from 'vitest';
import { formatMoney } from '../core/money.js';
import { terms } from '../../test/support/contract-terms.js';
import { contractMathFor, mulDivRound } from './contract-math.js';

const usd = (m: number): string => formatMoney(m as never);

describe('linear contract math', () => {
  // Coinbase nano BIT style: 0.01 BTC per contract, one contract per lot, $5 tick.
  const nano = contractMathFor(terms('linear', '0.01', '5', '1'));
  // Binance USD-M style: contract size 1, quantity step 0.001 BTC, tick 0.1.
  const binance = contractMathFor(terms('linear', '1', '0.1', '0.001'));

  it('values 0.01 BTC at $70,000 at $700 (PRODUCT.md worked example)', () => {
    expect(usd(nano.notional(1, 70_000 / 5)), 'notional = multiplier x price = 0.01 x 70,000').toBe('700.00');
    expect(usd(binance.notional(10, 700_000)), '10 lots of 0.001 BTC at 70,000.0').toBe('700.00');
  });

  it('values the small-cap XYZ micro contract at $100 and the standard one at $1,000 at $1.00', () => {
    const micro = contractMathFor(terms('linear', '100', '0.0001', '1'));
    const standard = contractMathFor(terms('linear', '1000', '0.0001', '1'));
    expect(usd(micro.notional(1, 10_000)), '100 XYZ x $1.00').toBe('100.00');
    expect(usd(standard.notional(1, 10_000)), '1,000 XYZ x $1.00').toBe('1000.00');
  });

  it('gains exactly $9,000 on 150 short 0.01 BTC contracts when BTC drops 10% from $60,000', () => {
    const pnl = nano.pnl(-150, 60_000 / 5, 54_000 / 5);
    expect(usd(pnl), '150 x 0.01 x (60,000 - 54,000) = 9,000 (PRODUCT.md hedge example)').toBe('9000.00');
  });

  it('gives CME Micro Bitcoin a $0.50 tick value per contract', () => {
    const mbt = contractMathFor(terms('linear', '0.1', '5', '1'));
    expect(usd(mbt.tickValue(1, 14_000)), '0.1 BTC x $5 tick = $0.50 (CME MBT contract specs)').toBe('0.50');
  });

  it('charges P&L with the side sign: a long loses what a short gains', () => {
    expect(binance.pnl(1000, 600_000, 590_000), 'long 1 BTC from 60,000 to 59,000 loses 1,000 USDT').toBe(-100_000_000_000);
    expect(binance.pnl(-1000, 600_000, 590_000)).toBe(100_000_000_000);
  });

  it('is exact when tick x lot is a multiple of 1e-8 and rounds to the nearest unit otherwise', () => {
    expect(binance.exact, '0.1 x 0.001 = 0.0001 USDT = 10,000 units').toBe(true);
    const fine = contractMathFor(terms('linear', '1', '0.000001', '0.001'));
    expect(fine.exact, '0.000001 x 0.001 = 1e-9 is below one unit').toBe(false);
    expect(fine.notional(15, 1), '15 x 1e-9 = 1.5e-8 rounds to 2 units (ties away from zero)').toBe(2);
  });

  it('converts lots to base quantity', () => {
    expect(binance.baseQuantity(1500, 700_000)).toBeCloseTo(1.5, 12);
    expect(nano.positionSize(150), '150 contracts x 0.01 BTC').toBeCloseTo(1.5, 12);
  });
});

describe('inverse contract math', () => {
  // Bybit BTCUSD: 1 USD per contract, tick 0.5. Binance COIN-M BTCUSD_PERP: 100 USD per contract, tick 0.1.
  const bybit = contractMathFor(terms('inverse', '1', '0.5', '1'));
  const coinm = contractMathFor(terms('inverse', '100', '0.1', '1'));

  it('gives 0.45 BTC for 10,000 contracts long from 8,000 to 12,500 (Bybit inverse example)', () => {
    // https://www.bybit.com/en/help-center/article/What-is-Inverse-Contract: 10,000/8,000 - 10,000/12,500 = 1.25 - 0.8.
    expect(formatMoney(bybit.pnl(10_000, 16_000, 25_000), 8)).toBe('0.45000000');
  });

  it('rounds inverse P&L to the nearest 1e-8 BTC (Bybit P&L calculations, inverse)', () => {
    // https://www.bybit.com/en/help-center/article/Profit-Loss-calculations-Inverse-Contracts: 1,000 x (1/5,000 - 1/5,500)
    // = 0.0181818181... BTC, which Bybit shows as 0.01819 (5 decimals); to 8 decimals it is 0.01818182.
    expect(formatMoney(bybit.pnl(1000, 10_000, 11_000), 8)).toBe('0.01818182');
    expect(formatMoney(bybit.pnl(-1000, 10_000, 11_000), 8), 'a short loses the same').toBe('-0.01818182');
  });

  it('values 100 COIN-M contracts at 25,000 at 0.4 BTC (Binance COIN-M maintenance example)', () => {
    // https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46: 100 x 100 / 25,000 = 0.4 BTC.
    expect(formatMoney(coinm.notional(100, 250_000), 8)).toBe('0.40000000');
  });

  it('computes a one-tick value that depends on price', () => {
    // 100 contracts x 100 USD x (1/60,000 - 1/60,000.1) = 10,000 x 0.1 / (60,000 x 60,000.1) = 2.7777731e-7 BTC,
    // 27.78 units of 1e-8, nearest 28; at 30,000 it is four times that, 111.11 -> 111.
    expect(coinm.tickValue(100, 600_000)).toBe(28);
    expect(coinm.tickValue(100, 300_000)).toBe(111);
  });

  it('gives base quantity as value / price and position size in USD', () => {
    expect(coinm.baseQuantity(100, 250_000)).toBeCloseTo(0.4, 12);
    expect(coinm.positionSize(100), '100 contracts x 100 USD').toBe(10_000);
  });
});

describe('mulDivRound', () => {
  it('rounds a x b / c exactly by the named mode, also beyond 2^53', () => {
    expect(mulDivRound(502, 2, 5, 'nearest')).toBe(201);
    expect(mulDivRound(502, 1, 4, 'floor')).toBe(125);
    expect(mulDivRound(-5, 1, 2, 'nearest'), 'ties away from zero').toBe(-3);
    expect(mulDivRound(2 ** 52, 10, 3, 'floor'), 'bigint path').toBe(Number((2n ** 52n * 10n) / 3n));
  });
});
